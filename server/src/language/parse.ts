// parse(): split the text into statements, then run the grammar over the statements the
// product owns. Foreign statements are only classified, never lexed.
import type { ColumnMapping, Expression, ParsedStatement, ParseResult, Span, Statement, SyntaxError } from './ast';
import { Builder, tokenSpan } from './builder';
import type { CstNode, IToken } from './chevrotain';
import { Bang, Case, End, False, LParen, Minus, Name, Not, Null, NumberLiteral, Plus, RParen, StringLiteral, Tilde, tokenize, tokenizeRange, True, UnclosedString } from './lexer';
import { runRule, type EntryRule, type RuleResult } from './parser';
import { splitStatements, type Segment } from './splitter';

/** Kinds whose syntax errors are never shown: other dialects share their first words. */
const QUIET_KINDS = new Set(['createDatabase', 'useStatement']);

/** StarRocks-only words: a CREATE TABLE with one of them is StarRocks DDL, so its errors are worth showing. */
const STARROCKS_DDL = /\bDISTRIBUTED\s+BY\b|\bENGINE\s*=\s*OLAP\b|\b(?:DUPLICATE|AGGREGATE)\s+KEY\b|\bBUCKETS\s+\d/i;

export interface ParseOptions {
  /**
   * Hand `previous` over instead of copying from it: the trees of statements that moved are moved
   * in place (cheap), so `previous` must not be read afterwards. An editor that keeps only the
   * newest parse passes it; without it `previous` stays as it was.
   */
  consume?: boolean;
}

/**
 * Parse a document. With `previous` (the result for an earlier version of the same document), a
 * statement whose text is unchanged is not parsed again: its tree is reused, or copied with its
 * offsets moved when text before it changed (moved in place with `consume`). An editor that passes
 * the last result re-parses only the statements an edit touched. The result is the same as without
 * `previous`: the split into statements is always made over the whole text.
 */
export function parse(text: string, previous?: ParseResult, options: ParseOptions = {}): ParseResult {
  const segments = splitStatements(text);
  if (!previous) return { text, statements: segments.map((segment) => parseSegmentSafely(text, segment)) };
  const old = previous.text;
  const { prefix, suffix } = commonEnds(old, text);
  const delta = text.length - old.length;
  const changedEnd = text.length - suffix; // [prefix, changedEnd) of the new text differs
  const byStart = new Map<number, ParsedStatement>();
  for (const s of previous.statements) byStart.set(s.span.start, s);
  // Statements inside the changed region are looked up by text only after a large edit (a paste,
  // a replace-all): for a keystroke the one statement there is new anyway.
  const middle = segments.filter((g) => g.span.end > prefix && g.span.start < changedEnd).length;
  const reusable = middle > 2 ? byText(previous) : undefined;
  const move = options.consume ? moveInPlace : shifted;
  const statements: ParsedStatement[] = [];
  for (const segment of segments) {
    const { start, end } = segment.span;
    let earlier: ParsedStatement | undefined;
    if (end <= prefix) {
      // Wholly in the common prefix: same offsets, same text.
      const s = byStart.get(start);
      if (s && s.span.end === end) earlier = s;
    } else if (start >= changedEnd) {
      // Wholly in the common suffix: the same text, moved by delta.
      const s = byStart.get(start - delta);
      if (s && s.span.end === end - delta) earlier = s;
    } else if (reusable) {
      earlier = reusable.get(text.slice(start, end));
    }
    if (earlier) {
      const d = start - earlier.span.start;
      statements.push(d === 0 ? earlier : move(earlier, d));
    } else {
      statements.push(parseSegmentSafely(text, segment));
    }
  }
  return { text, statements };
}

/**
 * The deepest nesting an expression may have: parentheses, function calls, CASE and runs of
 * prefix operators (NOT, -, +, ~, !) each count one level. Real SQL stays far below it; beyond it
 * the recursive-descent grammar (and every recursive reader of the tree) would run out of stack.
 */
export const MAX_NESTING = 128;

/**
 * The first token that takes the statement's nesting past `MAX_NESTING`, or undefined. One pass
 * over the tokens, no recursion: cheap enough to run before every parse.
 */
export function tooDeep(tokens: readonly IToken[], max = MAX_NESTING): IToken | undefined {
  let groups = 0; // open ( and CASE
  let run = 0; // consecutive prefix operators
  let afterOperand = false; // the previous token ends an operand: a + or - after it is binary
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LParen || type === Case) {
      groups++;
      run = 0;
      if (groups > max) return t;
    } else if (type === RParen || type === End) {
      if (groups > 0) groups--;
      run = 0;
    } else if (type === Not || type === Bang || type === Tilde || ((type === Minus || type === Plus) && !afterOperand)) {
      run++;
      if (groups + run > max) return t;
    } else run = 0;
    afterOperand = type === RParen || type === End || type === NumberLiteral || type === StringLiteral || type === Null || type === True || type === False ||
      (type.CATEGORIES !== undefined && type.CATEGORIES.includes(Name));
  }
  return undefined;
}

function tooDeepError(token: IToken): SyntaxError {
  return {
    span: tokenSpan(token),
    code: 'RL005',
    message: `expression nested deeper than ${MAX_NESTING} levels (parentheses, function calls, CASE, NOT): simplify it; this statement is not checked further`,
  };
}

/** `parseSegment`, except that it never throws: a failure becomes a diagnostic of this statement only. */
function parseSegmentSafely(text: string, segment: Segment): ParsedStatement {
  try {
    return parseSegment(text, segment);
  } catch (error) {
    return { statement: undefined, span: segment.span, errors: [internalError(text, segment.span, error)] };
  }
}

/** A statement the reader could not finish (a stack overflow the nesting check did not foresee, or a bug). */
export function internalError(text: string, span: Span, error: unknown): SyntaxError {
  const head = /^[^\s(;]+/.exec(text.slice(span.start, Math.min(span.end, span.start + 200)));
  const at = { start: span.start, end: span.start + (head ? head[0].length : Math.min(1, span.end - span.start)) };
  const message = error instanceof RangeError
    ? 'this statement is too deeply nested to check: simplify its expressions'
    : `this statement could not be checked (internal error: ${error instanceof Error ? error.message : String(error)})`;
  return { span: at, code: 'RL005', message };
}

/** Lengths of the common prefix and suffix of two texts (not overlapping). */
export function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const max = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const room = max - prefix;
  while (suffix < room && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}

/** The earlier statements by their text (the last of equal ones). */
function byText(previous: ParseResult): Map<string, ParsedStatement> {
  const map = new Map<string, ParsedStatement>();
  for (const s of previous.statements) map.set(previous.text.slice(s.span.start, s.span.end), s);
  return map;
}

/**
 * Move a statement's spans by `delta` in place: every span object (numbers `start` and `end`) is
 * replaced by a moved copy, so a span two nodes share is moved once for each. Iterative.
 */
function moveInPlace<T extends object>(root: T, delta: number): T {
  const stack: object[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v !== 'object' || v === null) continue;
        const span = v as Partial<Span>;
        if (typeof span.start === 'number' && typeof span.end === 'number') node[i] = { start: span.start + delta, end: span.end + delta };
        else stack.push(v);
      }
      continue;
    }
    for (const k in node) {
      const v = node[k];
      if (typeof v !== 'object' || v === null) continue;
      const span = v as Partial<Span>;
      if (typeof span.start === 'number' && typeof span.end === 'number') node[k] = { start: span.start + delta, end: span.end + delta };
      else stack.push(v);
    }
  }
  return root;
}

/**
 * A deep copy whose spans (objects of exactly `start` and `end`) are moved by `delta`. Iterative:
 * a long operator chain makes a tree as deep as it has terms.
 */
function shifted<T>(value: T, delta: number): T {
  const copy = (v: unknown, into: Record<string, unknown> | unknown[], key: string | number, work: [unknown, Record<string, unknown> | unknown[]][]): void => {
    let out: unknown = v;
    if (typeof v === 'object' && v !== null) {
      if (Array.isArray(v)) {
        out = new Array<unknown>(v.length);
        work.push([v, out as unknown[]]);
      } else {
        const obj = v as Record<string, unknown>;
        const keys = Object.keys(obj);
        if (keys.length === 2 && typeof obj.start === 'number' && typeof obj.end === 'number') out = { start: obj.start + delta, end: obj.end + delta };
        else {
          out = {};
          work.push([v, out as Record<string, unknown>]);
        }
      }
    }
    (into as Record<string | number, unknown>)[key] = out;
  };
  const holder: Record<string, unknown> = {};
  const work: [unknown, Record<string, unknown> | unknown[]][] = [];
  copy(value, holder, 'v', work);
  while (work.length > 0) {
    const [source, target] = work.pop() as [unknown, Record<string, unknown> | unknown[]];
    if (Array.isArray(source)) source.forEach((x: unknown, i) => copy(x, target, i, work));
    else for (const k of Object.keys(source as object)) copy((source as Record<string, unknown>)[k], target, k, work);
  }
  return holder.v as T;
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
  const deep = tooDeep(tokens);
  if (deep) {
    // Another dialect's DDL stays silent, as its syntax errors do.
    if (QUIET_KINDS.has(segment.kind) || (segment.kind === 'createTable' && !STARROCKS_DDL.test(text.slice(span.start, span.end)))) {
      return { statement: { kind: 'foreign', head: segment.head, span }, span, errors: [] };
    }
    return { statement: undefined, span, errors: [tooDeepError(deep)] };
  }
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

function parseFragment(text: string, rule: EntryRule): { result: RuleResult; builder: Builder; tokens: IToken[] } | SyntaxError {
  const { tokens } = tokenize(text);
  const deep = tooDeep(tokens);
  if (deep) return tooDeepError(deep);
  try {
    const result = runRule(rule, tokens);
    return { result, builder: new Builder({ start: 0, end: text.length }), tokens };
  } catch (error) {
    return internalError(text, { start: 0, end: text.length }, error);
  }
}

/** One expression, e.g. a Stream Load `where` header. */
export function parseExpression(text: string): { expr?: Expression; errors: SyntaxError[] } {
  const fragment = parseFragment(text, 'expression');
  if ('code' in fragment) return { errors: [fragment] };
  const { result, builder, tokens } = fragment;
  const errors = syntaxErrors(result, tokens, { start: 0, end: text.length });
  if (!result.cst || tokens.length === 0) {
    return { errors: errors.length ? errors : [{ span: { start: 0, end: text.length }, code: 'RL001', message: 'expected an expression' }] };
  }
  return { expr: builder.expression(result.cst), errors };
}

/** A Stream Load `columns` header: `c1,c2,tmp,c3=upper(tmp)`. */
export function parseColumnMappings(text: string): { columns: ColumnMapping[]; errors: SyntaxError[] } {
  const fragment = parseFragment(text, 'columnMappingList');
  if ('code' in fragment) return { columns: [], errors: [fragment] };
  const { result, builder, tokens } = fragment;
  const errors = syntaxErrors(result, tokens, { start: 0, end: text.length });
  if (!result.cst || tokens.length === 0) {
    return { columns: [], errors: errors.length ? errors : [{ span: { start: 0, end: text.length }, code: 'RL001', message: 'expected a column name' }] };
  }
  return { columns: builder.columnMappings(result.cst), errors };
}

