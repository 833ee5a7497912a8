// A forgiving scanner for the editor features that must work on half-typed text:
// completion context, formatting and the statement outline. It never fails: an unclosed
// string or comment simply runs to the end. The language core's parser gives the tree;
// this gives tokens and statement bounds fast enough to run on every keystroke.

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'comment';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  text: string;
  /** Strings and back-quoted names: whether the closing quote is there. */
  closed?: boolean;
}

/** Half-open [start, end) of one statement's text, without its `;`. */
export interface StatementRange {
  start: number;
  end: number;
  /** Offset of the terminating `;`, or the text's length: the cursor up to here is still in the statement. */
  stop: number;
}

const OPERATORS = ['<=>', '<=', '>=', '<>', '!=', '||', '&&', '=='];

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 0x80;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** End offset of the quoted run that starts at `i` (a quote char), and whether it closed. */
function skipQuoted(text: string, i: number, limit: number): { end: number; closed: boolean } {
  const quote = text.charCodeAt(i);
  let j = i + 1;
  while (j < limit) {
    const c = text.charCodeAt(j);
    if (c === 92 /* \ */ && quote !== 96) {
      j += 2;
      continue;
    }
    if (c === quote) {
      // A doubled quote is an escaped quote.
      if (j + 1 < limit && text.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return { end: j + 1, closed: true };
    }
    j++;
  }
  return { end: limit, closed: false };
}

/** Tokens of text[start, end). Comments are included (kind `comment`) only when asked. */
export function scan(text: string, start = 0, end = text.length, withComments = false): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    const from = i;
    if ((c === 45 && text.charCodeAt(i + 1) === 45) || c === 35) {
      while (i < end && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      if (withComments) tokens.push({ kind: 'comment', start: from, end: i, text: text.slice(from, i) });
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 || close + 2 > end ? end : close + 2;
      if (withComments) tokens.push({ kind: 'comment', start: from, end: i, text: text.slice(from, i) });
      continue;
    }
    if (c === 39 || c === 34 || c === 96) {
      const q = skipQuoted(text, i, end);
      i = q.end;
      tokens.push({ kind: c === 96 ? 'quoted' : 'string', start: from, end: i, text: text.slice(from, i), closed: q.closed });
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      while (i < end && (isWordPart(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
      tokens.push({ kind: 'number', start: from, end: i, text: text.slice(from, i) });
      continue;
    }
    if (isWordStart(c)) {
      while (i < end && isWordPart(text.charCodeAt(i))) i++;
      tokens.push({ kind: 'word', start: from, end: i, text: text.slice(from, i) });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    i += op ? op.length : 1;
    tokens.push({ kind: 'punct', start: from, end: i, text: text.slice(from, i) });
  }
  return tokens;
}

/**
 * Statement bounds: text split at `;` outside strings, names and comments.
 * Leading whitespace and comments are not part of a statement; empty statements are dropped.
 */
export function splitStatements(text: string, from = 0, to = text.length): StatementRange[] {
  const ranges: StatementRange[] = [];
  const n = to;
  let start = -1;
  let last = from; // end of the last character that belongs to a statement
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if ((c === 45 && text.charCodeAt(i + 1) === 45) || c === 35) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === 59) {
      if (start >= 0) ranges.push({ start, end: last, stop: i });
      start = -1;
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === 39 || c === 34 || c === 96) {
      i = skipQuoted(text, i, n).end;
      last = i;
      continue;
    }
    i++;
    last = i;
  }
  if (start >= 0) ranges.push({ start, end: last, stop: n });
  return ranges;
}

/** Index of the statement the cursor at `offset` is in (up to its `;`), or -1. Binary search. */
export function statementAt(ranges: readonly StatementRange[], offset: number): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid];
    if (offset < r.start) hi = mid - 1;
    else if (offset > r.stop) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function upper(token: Token | undefined): string {
  return token && token.kind === 'word' ? token.text.toUpperCase() : '';
}

/** The value of a string or back-quoted token without its quotes (escapes resolved loosely). */
export function unquote(token: Token): string {
  const q = token.text[0];
  const inner = token.text.slice(1, token.closed ? -1 : undefined);
  if (q === '`') return inner.replace(/``/g, '`');
  return inner.replace(/\\(.)/g, '$1').split(q + q).join(q);
}
