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

/** Keyword token types by their upper-case word. */
const KEYWORD_BY_WORD = new Map<string, TokenType>(keywordTokens.map((t) => [t.name, t]));
const MAX_KEYWORD_LENGTH = Math.max(...keywordTokens.map((t) => t.name.length));

/**
 * Chevrotain lexes words as `Identifier` and then looks keywords up in a table: one regular
 * expression per word instead of trying every keyword that starts with the same letter (and its
 * `longer_alt`). The result is the same as matching the keyword patterns: a keyword pattern only
 * wins when it spans the whole word, and `i` matches ASCII letters case-insensitively, so only
 * ASCII words are looked up.
 */
class KeywordLexer extends Lexer {
  override tokenize(text: string, initialMode?: string): ILexingResult {
    const result = super.tokenize(text, initialMode);
    const tokens = result.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.tokenType !== Identifier) continue;
      const image = t.image;
      if (image.length < 2 || image.length > MAX_KEYWORD_LENGTH || !ASCII_WORD.test(image)) continue;
      const kw = KEYWORD_BY_WORD.get(image.toUpperCase());
      if (kw) {
        t.tokenType = kw;
        t.tokenTypeIdx = kw.tokenTypeIdx as number;
      }
    }
    return result;
  }
}
const ASCII_WORD = /^[A-Za-z_][A-Za-z_0-9$]*$/;

const keywordSet = new Set(keywordTokens);
/** The lexer: every token type but the keywords, which `tokenize` assigns afterwards from a table. */
export const lexer: InstanceType<typeof Lexer> = new KeywordLexer(allTokens.filter((t) => !keywordSet.has(t)), { ensureOptimizations: false, positionTracking: 'onlyOffset' });

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
}

/** Tokens of `text`; offsets are shifted by `base` so they point into the whole document. */
export function tokenize(text: string, base = 0): LexResult {
  const result = lexer.tokenize(text);
  const comments = (result.groups.comments ?? []) as IToken[];
  // The lexer tracks start offsets only (cheaper); end offsets follow from the image.
  for (const t of result.tokens) {
    t.startOffset += base;
    t.endOffset = t.startOffset + t.image.length - 1;
  }
  for (const t of comments) {
    t.startOffset += base;
    t.endOffset = t.startOffset + t.image.length - 1;
  }
  return { tokens: result.tokens, comments };
}

export function isKeywordToken(token: IToken): boolean {
  return (token.tokenType.CATEGORIES ?? []).includes(Keyword);
}
