// parse(): split the text into statements, then run the grammar over the statements the
// product owns. Foreign statements are only classified, never lexed.
import type { ColumnMapping, Expression, ParsedStatement, ParseResult, Span, Statement, SyntaxError } from './ast';
import { Builder, tokenSpan } from './builder';
import type { CstNode, IToken } from './chevrotain';
import { tokenize, tokenizeRange, UnclosedString } from './lexer';
import { runRule, type EntryRule, type RuleResult } from './parser';
import { splitStatements, type Segment } from './splitter';

/** Kinds whose syntax errors are never shown: other dialects share their first words. */
const QUIET_KINDS = new Set(['createDatabase', 'useStatement']);

/** StarRocks-only words: a CREATE TABLE with one of them is StarRocks DDL, so its errors are worth showing. */
const STARROCKS_DDL = /\bDISTRIBUTED\s+BY\b|\bENGINE\s*=\s*OLAP\b|\b(?:DUPLICATE|AGGREGATE)\s+KEY\b|\bBUCKETS\s+\d/i;

/**
 * Parse a document. With `previous` (the result for an earlier version of the same document), a
 * statement whose text is unchanged is not parsed again: its tree is reused, or copied with its
 * offsets moved when text before it changed. An editor that passes the last result re-parses only
 * the statements an edit touched. The result is the same as without `previous`.
 */
export function parse(text: string, previous?: ParseResult): ParseResult {
  const statements: ParsedStatement[] = [];
  const reusable = previous ? byText(previous) : undefined;
  for (const segment of splitStatements(text)) {
    const earlier = reusable?.get(text.slice(segment.span.start, segment.span.end));
    if (earlier) {
      const delta = segment.span.start - earlier.span.start;
      statements.push(delta === 0 ? earlier : shifted(earlier, delta));
    } else {
      statements.push(parseSegment(text, segment));
    }
  }
  return { text, statements };
}

/** The earlier statements by their text (the last of equal ones). */
function byText(previous: ParseResult): Map<string, ParsedStatement> {
  const map = new Map<string, ParsedStatement>();
  for (const s of previous.statements) map.set(previous.text.slice(s.span.start, s.span.end), s);
  return map;
}

/** A deep copy whose spans (objects of exactly `start` and `end`) are moved by `delta`. */
function shifted<T>(value: T, delta: number): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => shifted(v, delta)) as T;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 2 && typeof obj.start === 'number' && typeof obj.end === 'number') {
    return { start: obj.start + delta, end: obj.end + delta } as T;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = shifted(obj[k], delta);
  return out as T;
}

export function parseSegment(text: string, segment: Segment): ParsedStatement {
  const span = segment.span;
  if (segment.kind === 'foreign') {
    return { statement: { kind: 'foreign', head: segment.head, span }, span, errors: [] };
  }
  if (segment.kind === 'jobControlAll') {
    const verb = segment.head.split(' ')[0];
    return {
      statement: { kind: 'foreign', head: segment.head, span },
      span,
      errors: [{
        span: { start: span.start, end: Math.min(span.end, span.start + verb.length + 4) },
        code: 'RL003',
        message: `StarRocks has no ${verb} ALL ROUTINE LOAD (that is Doris syntax): write ${verb} ROUTINE LOAD FOR <job> for each job`,
      }],
    };
  }
  const { tokens } = tokenizeRange(text, span.start, span.end);
  const result = runRule(segment.kind, tokens);
  const builder = new Builder(span);
  let statement: Statement | undefined;
  if (result.cst) statement = build(builder, segment.kind, result.cst);
  let errors = syntaxErrors(result, tokens, span);
  if (QUIET_KINDS.has(segment.kind) || (segment.kind === 'createTable' && errors.length > 0 && !STARROCKS_DDL.test(text.slice(span.start, span.end)))) {
    // Another dialect's DDL (or a form we do not model): keep what was understood, say nothing.
    if (errors.length > 0 && segment.kind === 'createTable') statement = { kind: 'foreign', head: 'CREATE TABLE', span };
    errors = [];
  } else if (segment.kind === 'createTable' && errors.length > 0) {
    // StarRocks DDL we could not fully read: a warning, since our DDL grammar is a subset.
    errors = errors.map((e) => ({ ...e, code: 'RL004', severity: 'warning' as const, message: `${e.message} (this CREATE TABLE could not be fully read; its table is still indexed)` }));
  }
  errors.push(...builder.errors);
  return { statement, span, errors };
}

function build(builder: Builder, kind: Segment['kind'], cst: CstNode): Statement | undefined {
  switch (kind) {
    case 'createRoutineLoad': return builder.createRoutineLoad(cst);
    case 'alterRoutineLoad': return builder.alterRoutineLoad(cst);
    case 'jobControl': return builder.jobControl(cst);
    case 'showStatement': return builder.showStatement(cst);
    case 'createDatabase': return builder.createDatabase(cst);
    case 'createTable': return builder.createTable(cst);
    case 'useStatement': return builder.useStatement(cst);
    default: return undefined;
  }
}

/** The first syntax error, in words, with the range of the offending token. Later ones are mostly echoes. */
function syntaxErrors(result: RuleResult, tokens: IToken[], span: Span): SyntaxError[] {
  const unclosed = tokens.find((t) => t.tokenType === UnclosedString);
  if (unclosed) {
    const s = tokenSpan(unclosed);
    const lineEnd = unclosed.image.indexOf('\n');
    return [{ span: { start: s.start, end: lineEnd > 0 ? s.start + lineEnd : s.end }, code: 'RL001', message: `this string has no closing ${unclosed.image[0]}` }];
  }
  const first = result.errors[0];
  if (!first) return [];
  return [{ span: errorSpan(first.token, first.previousToken, tokens, span), code: 'RL001', message: first.message }];
}

function errorSpan(token: IToken | undefined, previous: IToken | undefined, tokens: IToken[], span: Span): Span {
  if (token && Number.isFinite(token.startOffset) && token.tokenType.name !== 'EOF') return tokenSpan(token);
  // At the end of the statement: point at the last real token.
  const last = previous && Number.isFinite(previous.startOffset) && previous.tokenType.name !== 'EOF' ? previous : tokens[tokens.length - 1];
  return last ? tokenSpan(last) : { start: span.start, end: span.end };
}

function parseFragment(text: string, rule: EntryRule): { result: RuleResult; builder: Builder; tokens: IToken[] } {
  const { tokens } = tokenize(text);
  const result = runRule(rule, tokens);
  return { result, builder: new Builder({ start: 0, end: text.length }), tokens };
}

/** One expression, e.g. a Stream Load `where` header. */
export function parseExpression(text: string): { expr?: Expression; errors: SyntaxError[] } {
  const { result, builder, tokens } = parseFragment(text, 'expression');
  const errors = syntaxErrors(result, tokens, { start: 0, end: text.length });
  if (!result.cst || tokens.length === 0) {
    return { errors: errors.length ? errors : [{ span: { start: 0, end: text.length }, code: 'RL001', message: 'expected an expression' }] };
  }
  return { expr: builder.expression(result.cst), errors };
}

/** A Stream Load `columns` header: `c1,c2,tmp,c3=upper(tmp)`. */
export function parseColumnMappings(text: string): { columns: ColumnMapping[]; errors: SyntaxError[] } {
  const { result, builder, tokens } = parseFragment(text, 'columnMappingList');
  const errors = syntaxErrors(result, tokens, { start: 0, end: text.length });
  if (!result.cst || tokens.length === 0) {
    return { columns: [], errors: errors.length ? errors : [{ span: { start: 0, end: text.length }, code: 'RL001', message: 'expected a column name' }] };
  }
  return { columns: builder.columnMappings(result.cst), errors };
}

