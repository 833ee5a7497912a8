// The token vocabulary of the statements the language core owns.
// Keywords are case-insensitive. "Soft" keywords also belong to the `Name` category, so a column
// called `comment` or a job called `load` still reads as a name; reserved ones never do.
// Editor services use these tokens for completion context and formatting.
import { createToken, Lexer, type ILexingResult, type IToken, type TokenType } from './chevrotain';

/** Every word that can name a database, table, column, job or function. */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
/** Every keyword (soft or reserved), for highlighting and completion. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });
/** Every token but `(`, `)` and `,`: lets the grammar step over DDL clauses it does not model. */
export const Skippable = createToken({ name: 'Skippable', pattern: Lexer.NA });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /(?:--|#)[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[^]*?\*\//, group: 'comments', line_breaks: true });
/** `/*` with no end: MySQL reads it to the end of the text. */
export const UnclosedComment = createToken({ name: 'UnclosedComment', pattern: /\/\*[^]*/, group: 'comments', line_breaks: true });

export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^'\\]|\\[^]|'')*'|"(?:[^"\\]|\\[^]|"")*"/,
  categories: [Skippable],
  line_breaks: true,
});
/** A string whose closing quote is missing: the parser reports it in words. */
export const UnclosedString = createToken({ name: 'UnclosedString', pattern: /'(?:[^'\\]|\\[^])*|"(?:[^"\\]|\\[^])*/, categories: [Skippable], line_breaks: true });
export const BackquotedIdentifier = createToken({ name: 'BackquotedIdentifier', pattern: /`(?:[^`]|``)*`/, categories: [Name, Skippable], line_breaks: true });
/** `<job_name>`: a template placeholder as documentation writes them; it stands for a name. */
export const Placeholder = createToken({ name: 'Placeholder', pattern: /<[A-Za-z_][\w.-]*>/, categories: [Name, Skippable] });
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
  categories: [Skippable],
});
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/, categories: [Name, Skippable] });

const keywordTokens: TokenType[] = [];
function keyword(word: string, soft: boolean): TokenType {
  const token = createToken({
    name: word,
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    categories: soft ? [Name, Keyword, Skippable] : [Keyword, Skippable],
  });
  keywordTokens.push(token);
  return token;
}

// Reserved: never a name without back-quotes.
export const Create = keyword('CREATE', false);
export const Alter = keyword('ALTER', false);
export const Show = keyword('SHOW', false);
export const All = keyword('ALL', false);
export const For = keyword('FOR', false);
export const On = keyword('ON', false);
export const From = keyword('FROM', false);
export const Where = keyword('WHERE', false);
export const Order = keyword('ORDER', false);
export const By = keyword('BY', false);
export const Limit = keyword('LIMIT', false);
export const And = keyword('AND', false);
export const Or = keyword('OR', false);
export const Not = keyword('NOT', false);
export const Null = keyword('NULL', false);
export const True = keyword('TRUE', false);
export const False = keyword('FALSE', false);
export const Is = keyword('IS', false);
export const In = keyword('IN', false);
export const Between = keyword('BETWEEN', false);
export const Like = keyword('LIKE', false);
export const Regexp = keyword('REGEXP', false);
export const Rlike = keyword('RLIKE', false);
export const Case = keyword('CASE', false);
export const When = keyword('WHEN', false);
export const Then = keyword('THEN', false);
export const Else = keyword('ELSE', false);
export const End = keyword('END', false);
export const Cast = keyword('CAST', false);
export const As = keyword('AS', false);
export const Div = keyword('DIV', false);
export const Interval = keyword('INTERVAL', false);
export const Database = keyword('DATABASE', false);
export const Table = keyword('TABLE', false);
export const Exists = keyword('EXISTS', false);
export const Partition = keyword('PARTITION', false);
export const Primary = keyword('PRIMARY', false);
export const Key = keyword('KEY', false);
export const Distributed = keyword('DISTRIBUTED', false);
export const Default = keyword('DEFAULT', false);
export const Index = keyword('INDEX', false);
export const Values = keyword('VALUES', false);
export const Distinct = keyword('DISTINCT', false);
export const Select = keyword('SELECT', false);

// Soft: keywords only where the grammar expects them.
export const Routine = keyword('ROUTINE', true);
export const Load = keyword('LOAD', true);
export const Task = keyword('TASK', true);
export const Columns = keyword('COLUMNS', true);
export const Rows = keyword('ROWS', true);
export const Terminated = keyword('TERMINATED', true);
export const Temporary = keyword('TEMPORARY', true);
export const Partitions = keyword('PARTITIONS', true);
export const Properties = keyword('PROPERTIES', true);
export const Offset = keyword('OFFSET', true);
export const Pause = keyword('PAUSE', true);
export const Resume = keyword('RESUME', true);
export const Stop = keyword('STOP', true);
export const Schema = keyword('SCHEMA', true);
export const Engine = keyword('ENGINE', true);
export const Comment = keyword('COMMENT', true);
export const Hash = keyword('HASH', true);
export const Random = keyword('RANDOM', true);
export const Buckets = keyword('BUCKETS', true);
export const Duplicate = keyword('DUPLICATE', true);
export const Aggregate = keyword('AGGREGATE', true);
export const Unique = keyword('UNIQUE', true);
export const Range = keyword('RANGE', true);
export const List = keyword('LIST', true);
export const AutoIncrement = keyword('AUTO_INCREMENT', true);
export const CurrentTimestamp = keyword('CURRENT_TIMESTAMP', true);
export const If = keyword('IF', true);
export const Asc = keyword('ASC', true);
export const Desc = keyword('DESC', true);
export const Use = keyword('USE', true);
export const External = keyword('EXTERNAL', true);
export const Rollup = keyword('ROLLUP', true);
export const Mod = keyword('MOD', true);

function punct(name: string, pattern: RegExp, skippable = true): TokenType {
  return createToken({ name, pattern, categories: skippable ? [Skippable] : [] });
}
export const NullSafeEquals = punct('NullSafeEquals', /<=>/);
export const LessOrEqual = punct('LessOrEqual', /<=/);
export const GreaterOrEqual = punct('GreaterOrEqual', />=/);
export const NotEqualsAngle = punct('NotEqualsAngle', /<>/);
export const NotEquals = punct('NotEquals', /!=/);
export const PipePipe = punct('PipePipe', /\|\|/);
export const AmpAmp = punct('AmpAmp', /&&/);
export const Equals = punct('Equals', /==?/);
export const Less = punct('Less', /</);
export const Greater = punct('Greater', />/);
export const Plus = punct('Plus', /\+/);
export const Minus = punct('Minus', /-/);
export const Star = punct('Star', /\*/);
export const Slash = punct('Slash', /\//);
export const Percent = punct('Percent', /%/);
export const Bang = punct('Bang', /!/);
export const Tilde = punct('Tilde', /~/);
export const LParen = punct('LParen', /\(/, false);
export const RParen = punct('RParen', /\)/, false);
export const Comma = punct('Comma', /,/, false);
export const Dot = punct('Dot', /\./);
export const Semicolon = punct('Semicolon', /;/);
/** Any other character: the parser says what it expected instead of the lexer failing. */
export const Unknown = createToken({
  name: 'Unknown',
  pattern: /[\s\S]/,
  categories: [Skippable],
  // Keeps Chevrotain's first-character optimization on (a complement set would turn it off);
  // characters above 127 are all read as identifiers anyway.
  start_chars_hint: Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)),
});

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnclosedComment,
  StringLiteral,
  UnclosedString,
  BackquotedIdentifier,
  Placeholder,
  NumberLiteral,
  // Longest first, so INTERVAL is not read as IN followed by a name.
  ...[...keywordTokens].sort((a, b) => String(b.name).length - String(a.name).length),
  Identifier,
  NullSafeEquals,
  LessOrEqual,
  GreaterOrEqual,
  NotEqualsAngle,
  NotEquals,
  PipePipe,
  AmpAmp,
  Equals,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Bang,
  Tilde,
  LParen,
  RParen,
  Comma,
  Dot,
  Semicolon,
  Unknown,
  Name,
  Keyword,
  Skippable,
];

export const keywords: readonly TokenType[] = keywordTokens;

/** Keyword token types by length: a word is compared with the few keywords as long as it. */
const KEYWORDS_BY_LENGTH: { word: string; type: TokenType }[][] = [];
for (const t of keywordTokens) (KEYWORDS_BY_LENGTH[t.name.length] ??= []).push({ word: t.name, type: t });

/** The keyword `image` spells, ASCII letters in any case (as the keyword patterns' `i` flag reads them). */
function keywordOf(image: string): TokenType | undefined {
  const candidates = KEYWORDS_BY_LENGTH[image.length];
  if (candidates === undefined) return undefined;
  outer: for (const { word, type } of candidates) {
    for (let k = 0; k < word.length; k++) {
      const a = image.charCodeAt(k);
      const b = word.charCodeAt(k);
      if (a !== b && !(b >= 65 && b <= 90 && a === b + 32)) continue outer;
    }
    return type;
  }
  return undefined;
}

/**
 * Chevrotain lexes words as `Identifier` and then looks keywords up in a table: one regular
 * expression per word instead of trying every keyword that starts with the same letter (and its
 * `longer_alt`). The result is the same as matching the keyword patterns: a keyword pattern only
 * wins when it spans the whole word, and `i` matches ASCII letters case-insensitively.
 */
class KeywordLexer extends Lexer {
  override tokenize(text: string, initialMode?: string): ILexingResult {
    const result = super.tokenize(text, initialMode);
    for (const t of result.tokens) if (t.tokenType === Identifier) assignKeyword(t);
    return result;
  }

  /** Chevrotain's tokens, words all `Identifier`. */
  tokenizeWords(text: string): ILexingResult {
    return super.tokenize(text);
  }
}

function assignKeyword(t: IToken): void {
  const kw = keywordOf(t.image);
  if (kw) {
    t.tokenType = kw;
    t.tokenTypeIdx = kw.tokenTypeIdx as number;
  }
}

const keywordSet = new Set(keywordTokens);
/** The lexer: every token type but the keywords, which `tokenize` assigns afterwards from a table. */
const keywordLexer = new KeywordLexer(allTokens.filter((t) => !keywordSet.has(t)), { ensureOptimizations: false, positionTracking: 'onlyOffset' });
export const lexer: InstanceType<typeof Lexer> = keywordLexer;

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
}

/** Tokens of `text`; offsets are shifted by `base` so they point into the whole document. */
export function tokenize(text: string, base = 0): LexResult {
  const result = tokenizeRange(text, 0, text.length);
  if (base !== 0) {
    for (const t of result.tokens) shift(t, base);
    for (const t of result.comments) shift(t, base);
  }
  return result;
}

function shift(t: IToken, base: number): void {
  t.startOffset += base;
  t.endOffset = (t.endOffset as number) + base;
}

/** Chevrotain's own lexer (with the keyword table), for comparison: the same tokens as `tokenize`. */
export function tokenizeWithChevrotain(text: string, base = 0): LexResult {
  const result = keywordLexer.tokenizeWords(text);
  const comments = (result.groups.comments ?? []) as IToken[];
  // The lexer tracks start offsets only (cheaper); end offsets follow from the image.
  for (const t of result.tokens) {
    t.startOffset += base;
    t.endOffset = t.startOffset + t.image.length - 1;
    if (t.tokenType === Identifier) assignKeyword(t);
  }
  for (const t of comments) {
    t.startOffset += base;
    t.endOffset = t.startOffset + t.image.length - 1;
  }
  return { tokens: result.tokens, comments };
}

// ------------------------------------------------------------------ the scanner
//
// A hand-written scanner over character codes that yields exactly the tokens Chevrotain's lexer
// yields for the vocabulary above (first matching pattern in `allTokens` order wins; keywords from
// the table); the tests compare the two on random text. It is several times faster and builds each
// token in its final shape, offsets into `text` included.

const JS_SPACE = /\s/;
/** Code units < 128 that `\s` matches. */
function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function isSpace(text: string, i: number, c: number): boolean {
  return c < 128 ? isAsciiSpace(c) : JS_SPACE.test(text[i]);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
/** `\w` */
function isWord(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
/** `[\w$\u0080-\uffff]` */
function isIdentPart(c: number): boolean {
  return isWord(c) || c === 36 || c >= 128;
}

function token(text: string, start: number, end: number, type: TokenType): IToken {
  return { image: text.slice(start, end), startOffset: start, endOffset: end - 1, tokenTypeIdx: type.tokenTypeIdx as number, tokenType: type } as IToken;
}

/** End of `'…'` / `"…"` as StringLiteral matches it, or -1 when only UnclosedString does. */
function stringEnd(text: string, i: number, end: number, q: number): number {
  // The pattern's loop takes `\x` and a doubled quote; a lone quote closes. When the loop runs out
  // of text, the regular expression backtracks to the last doubled quote and closes there.
  let lastPair = -1;
  let j = i + 1;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      if (j + 1 >= end) break;
      j += 2;
    } else if (c === q) {
      if (j + 1 < end && text.charCodeAt(j + 1) === q) {
        lastPair = j;
        j += 2;
      } else return j + 1;
    } else j++;
  }
  return lastPair < 0 ? -1 : lastPair + 1;
}

/** End of UnclosedString: to the end, short of a final lone backslash. */
function unclosedEnd(text: string, i: number, end: number): number {
  let j = i + 1;
  while (j < end) {
    if (text.charCodeAt(j) === 92) {
      if (j + 1 >= end) return j;
      j += 2;
    } else j++;
  }
  return end;
}

/** End of NumberLiteral at `i`, or -1. */
function numberEnd(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c === 48 && i + 2 < end && (text.charCodeAt(i + 1) | 32) === 120 && isHex(text.charCodeAt(i + 2))) {
    let j = i + 3;
    while (j < end && isHex(text.charCodeAt(j))) j++;
    return j;
  }
  let j = i;
  if (isDigit(c)) {
    while (j < end && isDigit(text.charCodeAt(j))) j++;
    if (j < end && text.charCodeAt(j) === 46) {
      j++;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
    }
  } else if (c === 46 && i + 1 < end && isDigit(text.charCodeAt(i + 1))) {
    j = i + 1;
    while (j < end && isDigit(text.charCodeAt(j))) j++;
  } else return -1;
  if (j < end && (text.charCodeAt(j) | 32) === 101) {
    let k = j + 1;
    const sign = k < end ? text.charCodeAt(k) : 0;
    if (sign === 43 || sign === 45) k++;
    if (k < end && isDigit(text.charCodeAt(k))) {
      while (k < end && isDigit(text.charCodeAt(k))) k++;
      j = k;
    }
  }
  return j;
}

/** Punctuation at `i`: [length, token type], longest first as the patterns are ordered. */
function punctuation(text: string, i: number, end: number, c: number): [number, TokenType] | undefined {
  const n = i + 1 < end ? text.charCodeAt(i + 1) : -1;
  switch (c) {
    case 60: // <
      if (n === 61) return i + 2 < end && text.charCodeAt(i + 2) === 62 ? [3, NullSafeEquals] : [2, LessOrEqual];
      if (n === 62) return [2, NotEqualsAngle];
      return [1, Less];
    case 62: return n === 61 ? [2, GreaterOrEqual] : [1, Greater];
    case 33: return n === 61 ? [2, NotEquals] : [1, Bang];
    case 124: return n === 124 ? [2, PipePipe] : undefined;
    case 38: return n === 38 ? [2, AmpAmp] : undefined;
    case 61: return n === 61 ? [2, Equals] : [1, Equals];
    case 43: return [1, Plus];
    case 45: return [1, Minus];
    case 42: return [1, Star];
    case 47: return [1, Slash];
    case 37: return [1, Percent];
    case 126: return [1, Tilde];
    case 40: return [1, LParen];
    case 41: return [1, RParen];
    case 44: return [1, Comma];
    case 46: return [1, Dot];
    case 59: return [1, Semicolon];
    default: return undefined;
  }
}

/** Tokens of `text` from `start` to `end`, offsets into `text`. */
export function tokenizeRange(text: string, start: number, end: number): LexResult {
  const tokens: IToken[] = [];
  const comments: IToken[] = [];
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isSpace(text, i, c)) {
      i++;
      while (i < end && isSpace(text, i, text.charCodeAt(i))) i++;
      continue;
    }
    const n = i + 1 < end ? text.charCodeAt(i + 1) : -1;
    // Comments
    if ((c === 45 && n === 45) || c === 35) {
      let j = i + (c === 35 ? 1 : 2);
      while (j < end) {
        const d = text.charCodeAt(j);
        if (d === 10 || d === 13) break;
        j++;
      }
      comments.push(token(text, i, j, LineComment));
      i = j;
      continue;
    }
    if (c === 47 && n === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close >= 0 && close + 2 <= end) {
        comments.push(token(text, i, close + 2, BlockComment));
        i = close + 2;
      } else {
        comments.push(token(text, i, end, UnclosedComment));
        i = end;
      }
      continue;
    }
    // Quoted
    if (c === 39 || c === 34) {
      const e = stringEnd(text, i, end, c);
      if (e >= 0) {
        tokens.push(token(text, i, e, StringLiteral));
        i = e;
      } else {
        const u = unclosedEnd(text, i, end);
        tokens.push(token(text, i, u, UnclosedString));
        i = u;
      }
      continue;
    }
    if (c === 96) {
      let j = i + 1;
      let close = -1;
      while (j < end) {
        if (text.charCodeAt(j) === 96) {
          if (j + 1 < end && text.charCodeAt(j + 1) === 96) j += 2;
          else {
            close = j + 1;
            break;
          }
        } else j++;
      }
      // Backtracking, as for strings: the last doubled back-quote can close.
      if (close < 0) close = lastDoubledBackquote(text, i, end);
      if (close >= 0) {
        tokens.push(token(text, i, close, BackquotedIdentifier));
        i = close;
      } else {
        tokens.push(token(text, i, i + 1, Unknown));
        i++;
      }
      continue;
    }
    if (c === 60) {
      // <placeholder>
      const f = n;
      if ((f >= 65 && f <= 90) || (f >= 97 && f <= 122) || f === 95) {
        let j = i + 2;
        while (j < end) {
          const d = text.charCodeAt(j);
          if (isWord(d) || d === 46 || d === 45) j++;
          else break;
        }
        if (j < end && text.charCodeAt(j) === 62) {
          tokens.push(token(text, i, j + 1, Placeholder));
          i = j + 1;
          continue;
        }
      }
    }
    if (isDigit(c) || c === 46) {
      const e = numberEnd(text, i, end);
      if (e >= 0) {
        tokens.push(token(text, i, e, NumberLiteral));
        i = e;
        continue;
      }
    }
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128) {
      let j = i + 1;
      while (j < end && isIdentPart(text.charCodeAt(j))) j++;
      const t = token(text, i, j, Identifier);
      assignKeyword(t);
      tokens.push(t);
      i = j;
      continue;
    }
    const p = punctuation(text, i, end, c);
    if (p) {
      tokens.push(token(text, i, i + p[0], p[1]));
      i += p[0];
      continue;
    }
    tokens.push(token(text, i, i + 1, Unknown));
    i++;
  }
  return { tokens, comments };
}

/** With no closing back-quote: the end of the last doubled back-quote taken as the closing one, or -1. */
function lastDoubledBackquote(text: string, i: number, end: number): number {
  let last = -1;
  let j = i + 1;
  while (j < end) {
    if (text.charCodeAt(j) === 96 && j + 1 < end && text.charCodeAt(j + 1) === 96) {
      last = j;
      j += 2;
    } else j++;
  }
  return last < 0 ? -1 : last + 1;
}

export function isKeywordToken(token: IToken): boolean {
  return (token.tokenType.CATEGORIES ?? []).includes(Keyword);
}
