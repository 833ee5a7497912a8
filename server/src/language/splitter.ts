// A fast top-level statement splitter: finds `;` (and the mysql client's `\G`, and a
// `DELIMITER` switch) outside strings, quoted names and comments, and names each statement's
// kind from its first words. Statements the product does not own never reach the full parser.
import type { Span } from './ast';

export type StatementKind =
  | 'createRoutineLoad'
  | 'alterRoutineLoad'
  | 'jobControl'
  | 'jobControlAll'
  | 'showStatement'
  | 'createDatabase'
  | 'createTable'
  | 'useStatement'
  | 'foreign';

export interface Segment {
  /** The statement's text, trimmed of surrounding white space; excludes the terminator. */
  span: Span;
  kind: StatementKind;
  /** First keywords, upper-cased, e.g. "SELECT" or "CREATE VIEW". */
  head: string;
}

const SPACE = /\s/;
/** Every character the splitter looks at when the terminator is `;`. */
const INTERESTING = /['"`#;$\\/-]/g;
/** `;` at a line end, then a line that starts one of the statements the product owns. */
const NEXT_STATEMENT = /;[ \t]*\r?\n\s*(?:CREATE|ALTER|PAUSE|RESUME|STOP|SHOW|USE)\s/i;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
}

/** End of a quoted run starting at `i` (the quote), or -1 when it is not closed. */
function skipQuoted(text: string, i: number, q: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 92 && q !== 96) j += 2; // backslash escape, not in back-quoted names
    else if (c === q) {
      if (text.charCodeAt(j + 1) === q) j += 2;
      else return j + 1;
    } else j++;
  }
  return -1;
}

function lineEnd(text: string, i: number): number {
  const a = text.indexOf('\n', i);
  return a < 0 ? text.length : a;
}

/** Split `text` into statements; every character belongs to at most one statement. */
export function splitStatements(text: string): Segment[] {
  const segments: Segment[] = [];
  const n = text.length;
  let start = 0;
  let delimiter = ';';
  let i = 0;
  let atStatementStart = true;
  // The first `;` at or after `i` (`i` only grows): one search per `;`, not one per quote.
  let nextSemi = -2;
  const push = (end: number): void => {
    const seg = trimmed(text, start, end);
    if (seg) segments.push(classify(text, seg));
  };
  while (i < n) {
    if (!atStatementStart && delimiter === ';') {
      // Jump to the next character that can start a quote, a comment, `$$`, `\G` or end a statement.
      INTERESTING.lastIndex = i;
      const m = INTERESTING.exec(text);
      if (m === null) break;
      i = m.index;
    }
    const c = text.charCodeAt(i);
    if (atStatementStart && !SPACE.test(text[i])) {
      atStatementStart = false;
      // mysql client: `DELIMITER //` changes the terminator until the next DELIMITER line.
      if ((c === 68 || c === 100) && /^delimiter[ \t]+\S/i.test(text.slice(i, i + 12))) {
        const end = lineEnd(text, i);
        const word = text.slice(i + 9, end).trim().split(/\s+/)[0];
        if (word) delimiter = word;
        i = end;
        start = i;
        atStatementStart = true;
        continue;
      }
    }
    if (c === 39 || c === 34 || c === 96) {
      const end = skipQuoted(text, i, c);
      // A missing closing quote would swallow the statements after it. When the quoted run
      // is unclosed, or reaches across `;` into a line that starts a statement, the quote was
      // most likely never closed: end the statement at that `;` (or the line) instead.
      const stop = end < 0 ? n : end;
      if (nextSemi !== -1 && nextSemi < i) nextSemi = text.indexOf(';', i);
      const semi = nextSemi;
      if (semi >= 0 && semi < stop) {
        const m = NEXT_STATEMENT.exec(text.slice(semi, Math.min(stop, semi + 100000)));
        if (m) {
          i = semi + m.index;
          continue;
        }
      }
      i = end < 0 ? lineEnd(text, i) : end;
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      i = lineEnd(text, i);
      continue;
    }
    if (c === 35) {
      i = lineEnd(text, i);
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 36 && (i === 0 || !isWordChar(text.charCodeAt(i - 1)))) {
      // PostgreSQL dollar quoting: $$ … $$ or $tag$ … $tag$
      const m = /^\$[A-Za-z_]*\$/.exec(text.slice(i, i + 64));
      if (m) {
        const end = text.indexOf(m[0], i + m[0].length);
        if (end >= 0) {
          i = end + m[0].length;
          continue;
        }
      }
    }
    if (delimiter === ';' ? c === 59 : text.startsWith(delimiter, i)) {
      push(i);
      i += delimiter.length;
      start = i;
      atStatementStart = true;
      continue;
    }
    if (c === 92 && (text.charCodeAt(i + 1) === 71 || text.charCodeAt(i + 1) === 103)) {
      // `\G` ends a statement in the mysql client (vertical output), as in the seed document.
      push(i);
      i += 2;
      start = i;
      atStatementStart = true;
      continue;
    }
    i++;
  }
  push(n);
  return segments;
}

function trimmed(text: string, start: number, end: number): Span | undefined {
  let s = start;
  let e = end;
  while (s < e && SPACE.test(text[s])) s++;
  while (e > s && SPACE.test(text[e - 1])) e--;
  if (s >= e) return undefined;
  // Only comments: nothing to parse.
  if (firstWords(text, s, e, 1).length === 0 && !hasCode(text, s, e)) return undefined;
  return { start: s, end: e };
}

function hasCode(text: string, s: number, e: number): boolean {
  return skipTrivia(text, s, e) < e;
}

/** Offset of the first character that is not white space or a comment. */
export function skipTrivia(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (SPACE.test(text[i])) i++;
    else if ((c === 45 && text.charCodeAt(i + 1) === 45) || c === 35) i = lineEnd(text, i);
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? end : close + 2;
    } else break;
  }
  return Math.min(i, end);
}

/** Up to `count` leading words, upper-cased; stops at the first thing that is not a word. */
export function firstWords(text: string, start: number, end: number, count: number): string[] {
  const words: string[] = [];
  let i = start;
  while (words.length < count) {
    i = skipTrivia(text, i, end);
    let j = i;
    while (j < end && isWordChar(text.charCodeAt(j))) j++;
    if (j === i) break;
    words.push(text.slice(i, j).toUpperCase());
    i = j;
  }
  return words;
}

function classify(text: string, span: Span): Segment {
  const w = firstWords(text, span.start, span.end, 4);
  const head = w.slice(0, w[0] === 'CREATE' || w[0] === 'ALTER' || w[0] === 'SHOW' || w[0] === 'DROP' ? 2 : 1).join(' ');
  const seg = (kind: StatementKind): Segment => ({ span, kind, head: kind === 'foreign' ? head : w.join(' ') });
  switch (w[0]) {
    case 'CREATE':
      if (w[1] === 'ROUTINE' && w[2] === 'LOAD') return seg('createRoutineLoad');
      if (w[1] === 'DATABASE' || w[1] === 'SCHEMA') return seg('createDatabase');
      if (w[1] === 'TABLE' || (w[1] === 'EXTERNAL' && w[2] === 'TABLE')) {
        // CREATE TABLE … AS SELECT and CREATE TABLE … LIKE copy another table: not modelled.
        if (/\bAS\s*\(?\s*(SELECT|WITH)\b|\bLIKE\s/i.test(text.slice(span.start, span.end))) return seg('foreign');
        return seg('createTable');
      }
      return seg('foreign');
    case 'ALTER':
      return w[1] === 'ROUTINE' && w[2] === 'LOAD' ? seg('alterRoutineLoad') : seg('foreign');
    case 'PAUSE':
    case 'RESUME':
    case 'STOP':
      if (w[1] === 'ROUTINE' && w[2] === 'LOAD') return seg('jobControl');
      if (w[1] === 'ALL' && w[2] === 'ROUTINE' && w[3] === 'LOAD') return seg('jobControlAll');
      return seg('foreign');
    case 'SHOW':
      if ((w[1] === 'ROUTINE' && w[2] === 'LOAD') || (w[1] === 'ALL' && w[2] === 'ROUTINE' && w[3] === 'LOAD')) return seg('showStatement');
      if (w[1] === 'CREATE' && w[2] === 'ROUTINE' && w[3] === 'LOAD') return seg('showStatement');
      return seg('foreign');
    case 'USE':
      return seg('useStatement');
    default:
      return seg('foreign');
  }
}
