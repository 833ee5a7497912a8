// Formatting of routine-load statements into one canonical layout; every other statement is
// left exactly as written, and so is a routine-load statement with syntax errors (a guess at
// broken text could change its meaning). The layout:
//
//   CREATE ROUTINE LOAD db.job ON tbl
//   COLUMNS TERMINATED BY ",",
//   COLUMNS (a, b, c = f(a))
//   PROPERTIES (
//       "format" = "json"
//   )
//   FROM KAFKA (
//       "kafka_broker_list" = "host:9092",
//       "kafka_topic" = "t"
//   );
//
// Keywords are upper-cased; names, strings and comments are kept as written.
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver-types';
import type { DocumentState } from './documents';
import { scan, upper, type Token } from './scan';

const ROUTINE_LOAD_KINDS = new Set(['createRoutineLoad', 'alterRoutineLoad', 'pauseRoutineLoad', 'resumeRoutineLoad', 'stopRoutineLoad', 'showRoutineLoad', 'showRoutineLoadTask', 'showCreateRoutineLoad']);

/** Reserved words: never names, so upper-casing them is always safe. */
const RESERVED = new Set([
  'CREATE', 'ALTER', 'SHOW', 'ALL', 'FOR', 'ON', 'FROM', 'WHERE', 'ORDER', 'BY', 'LIMIT', 'AND', 'OR', 'NOT', 'NULL', 'TRUE', 'FALSE',
  'IS', 'IN', 'BETWEEN', 'LIKE', 'REGEXP', 'RLIKE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'AS', 'DIV', 'INTERVAL', 'PARTITION',
]);

/** Soft keywords upper-cased only where the grammar puts a keyword. */
const HEAD_WORDS = new Set(['ROUTINE', 'LOAD', 'PAUSE', 'RESUME', 'STOP', 'TASK']);

/** Words that start a clause on a new line (at depth 0). */
const CLAUSE_START = new Set(['COLUMNS', 'ROWS', 'WHERE', 'PARTITION', 'TEMPORARY', 'PROPERTIES', 'FROM']);

/** Words before `(` that are not function names. */
const NOT_CALLS = new Set(['COLUMNS', 'PARTITION', 'PARTITIONS', 'PROPERTIES', 'KAFKA', 'IN', 'AND', 'OR', 'NOT', 'WHERE', 'ON', 'BY', 'VALUES', 'AS', 'THEN', 'ELSE', 'WHEN', 'CASE']);

export function format(doc: DocumentState, options: FormattingOptions, range?: Range): TextEdit[] {
  const indent = options.insertSpaces === false ? '\t' : ' '.repeat(options.tabSize > 0 ? Math.min(options.tabSize, 8) : 4);
  const from = range ? doc.document.offsetAt(range.start) : 0;
  const to = range ? doc.document.offsetAt(range.end) : doc.text.length;
  const edits: TextEdit[] = [];
  for (const parsed of doc.parse.statements) {
    if (parsed.span.end < from || parsed.span.start > to) continue;
    const kind = parsed.statement?.kind;
    if (!kind || !ROUTINE_LOAD_KINDS.has(kind) || parsed.errors.length > 0) continue;
    const original = doc.text.slice(parsed.span.start, parsed.span.end);
    const formatted = formatStatement(doc.text, parsed.span.start, parsed.span.end, indent);
    if (formatted === undefined || formatted === original) continue;
    edits.push({ range: { start: doc.document.positionAt(parsed.span.start), end: doc.document.positionAt(parsed.span.end) }, newText: formatted });
  }
  return edits;
}

/** The canonical text of one routine-load statement, or undefined when it cannot be laid out safely. */
export function formatStatement(text: string, start: number, end: number, indent = '    '): string | undefined {
  const tokens = scan(text, start, end, true);
  if (tokens.length === 0) return undefined;
  // Keep the `\G` of the mysql client, and anything else unusual, as written.
  if (tokens.some((t) => (t.kind === 'string' || t.kind === 'quoted') && !t.closed)) return undefined;
  // A line comment at the very end would swallow the `;` that follows the statement.
  const lastToken = tokens[tokens.length - 1];
  if (lastToken.kind === 'comment' && !lastToken.text.startsWith('/*')) return undefined;
  const out = new Printer(indent);
  const stack: ('list' | 'group')[] = [];
  const head = tokens.slice(0, 3).map(upper);
  const isJob = head[1] === 'ROUTINE' && (head[0] === 'CREATE' || head[0] === 'ALTER');
  const words = new Map<Token, string>();
  // The statement's head runs up to its first LOAD: `CREATE ROUTINE LOAD load` keeps the job's name.
  const headEnd = tokens.slice(0, 4).findIndex((x) => upper(x) === 'LOAD');
  for (let i = 0; i < tokens.length; i++) words.set(tokens[i], keywordCase(tokens, i, isJob, headEnd));

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const prev = previousCode(tokens, i);
    const word = words.get(t) ?? t.text;
    const depth = stack.length;
    if (t.kind === 'comment') {
      out.comment(t.text);
      continue;
    }
    const w = upper(t);
    // Clause starts on a new line in CREATE / ALTER.
    if (isJob && depth === 0 && CLAUSE_START.has(w) && !(w === 'PARTITION' && upper(prev) === 'TEMPORARY') && isClauseStart(tokens, i)) {
      out.newline(0);
      out.write(word, false);
      continue;
    }
    if (t.text === '(') {
      const owner = upper(prev);
      const prevIndex = prev ? tokens.lastIndexOf(prev, i) : -1;
      const beforeOwner = prevIndex >= 0 ? previousCode(tokens, prevIndex) : undefined;
      const isList = isJob && depth === 0 && (owner === 'PROPERTIES' || upper(beforeOwner) === 'FROM');
      const call = prev !== undefined && prev.kind === 'word' && !NOT_CALLS.has(owner) && !RESERVED.has(owner) && !isJobHeadWord(tokens, prev);
      out.write('(', !call && prev !== undefined && prev.text !== '(' && prev.text !== '.');
      if (isList && tokens[i + 1]?.text !== ')') {
        stack.push('list');
        out.newline(stack.length);
      } else stack.push('group');
      continue;
    }
    if (t.text === ')') {
      const kind = stack.pop();
      if (kind === 'list') out.newline(stack.length);
      out.write(')', false);
      continue;
    }
    if (t.text === ',') {
      out.write(',', false);
      if (stack[stack.length - 1] === 'list') out.newline(stack.length);
      continue;
    }
    if (t.text === '.') {
      out.write('.', false);
      continue;
    }
    const glued = prev !== undefined && (prev.text === '.' || prev.text === '(' || (isUnaryMinus(tokens, i - 1) && prev.end === t.start));
    out.write(word, !glued);
  }
  if (stack.length) return undefined;
  return out.text();
}

function isJobHeadWord(tokens: Token[], t: Token): boolean {
  return tokens.slice(0, 3).includes(t);
}

/** COLUMNS / ROWS / WHERE / PARTITION / TEMPORARY / PROPERTIES / FROM where they start a clause. */
function isClauseStart(tokens: Token[], i: number): boolean {
  const w = upper(tokens[i]);
  const next = tokens[i + 1];
  const prev = previousCode(tokens, i);
  if (!prev) return false;
  if (w === 'COLUMNS') return next?.text === '(' || upper(next) === 'TERMINATED';
  if (w === 'ROWS') return upper(next) === 'TERMINATED';
  if (w === 'PARTITION' || w === 'PROPERTIES') return next?.text === '(';
  if (w === 'TEMPORARY') return upper(next) === 'PARTITION';
  return true;
}

function isUnaryMinus(tokens: Token[], i: number): boolean {
  const t = tokens[i];
  if (!t || (t.text !== '-' && t.text !== '+')) return false;
  const before = previousCode(tokens, i);
  return !before || (before.kind === 'punct' && before.text !== ')') || RESERVED.has(upper(before));
}

function previousCode(tokens: Token[], i: number): Token | undefined {
  for (let k = i - 1; k >= 0; k--) if (tokens[k].kind !== 'comment') return tokens[k];
  return undefined;
}

/** The word as printed: keywords upper-cased where they are keywords, names untouched. */
function keywordCase(tokens: Token[], i: number, isJob: boolean, headEnd: number): string {
  const t = tokens[i];
  if (t.kind !== 'word') return t.text;
  const w = t.text.toUpperCase();
  if (RESERVED.has(w)) return w;
  if (i <= headEnd && HEAD_WORDS.has(w)) return w;
  const next = tokens[i + 1];
  const prev = previousCode(tokens, i);
  if (isJob) {
    if ((w === 'COLUMNS' || w === 'ROWS') && (next?.text === '(' || upper(next) === 'TERMINATED')) return w;
    if (w === 'TERMINATED' && upper(next) === 'BY') return w;
    if (w === 'TEMPORARY' && upper(next) === 'PARTITION') return w;
    if (w === 'PROPERTIES' && next?.text === '(') return w;
    if (w === 'KAFKA' && upper(prev) === 'FROM') return w;
  } else {
    if (w === 'TASK' && upper(prev) === 'LOAD') return w;
    if ((w === 'ASC' || w === 'DESC') && prev) return w;
    if (w === 'OFFSET' && upper(tokens[i - 2]) === 'LIMIT') return w;
  }
  return t.text;
}

class Printer {
  private lines: string[] = [''];

  constructor(private readonly indent: string) {}

  private get line(): string {
    return this.lines[this.lines.length - 1];
  }

  private set line(value: string) {
    this.lines[this.lines.length - 1] = value;
  }

  private atLineStart(): boolean {
    return this.line.trim() === '';
  }

  newline(depth: number): void {
    if (this.atLineStart()) this.line = this.indent.repeat(depth);
    else this.lines.push(this.indent.repeat(depth));
  }

  write(text: string, space: boolean): void {
    if (!this.atLineStart() && space && !this.line.endsWith(' ')) this.line += ' ';
    this.line += text;
  }

  comment(text: string): void {
    if (text.startsWith('--') || text.startsWith('#')) {
      // A line comment ends its line: what follows goes on the next one, at the same depth.
      this.write(text, true);
      const depth = (/^\s*/.exec(this.line)?.[0].length ?? 0) / Math.max(1, this.indent.length);
      this.lines.push(this.indent.repeat(Math.floor(depth)));
    } else this.write(text, true);
  }

  text(): string {
    const lines = this.lines.map((l) => l.replace(/\s+$/, ''));
    while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }
}
