// Where the cursor is inside a statement, read from tokens rather than the tree, because the
// statement being typed is usually incomplete. Completion, hover and signature help start here.
import { scan, upper, unquote, type Token } from './scan';

export type StatementHead =
  | 'createRoutineLoad'
  | 'alterRoutineLoad'
  | 'jobControl'
  | 'show'
  | 'createTable'
  | 'other'
  | 'empty';

/** A parenthesised list the cursor is in. */
export interface Enclosure {
  open: Token;
  /** What the list belongs to. */
  owner: 'jobProperties' | 'kafkaProperties' | 'tableProperties' | 'columns' | 'partition' | 'call' | 'other';
  /** The word before `(` (function name for calls). */
  ownerToken?: Token;
  /** Index (in `tokens`) of the `(`. */
  openIndex: number;
}

export interface CursorContext {
  head: StatementHead;
  /** All tokens of the statement. */
  tokens: Token[];
  /** Tokens that end before the cursor's token. */
  before: Token[];
  /** The token the cursor is in or at the end of (a word being typed, a string being edited). */
  current?: Token;
  /** Innermost parenthesised list around the cursor. */
  enclosure?: Enclosure;
  /** Depth-0 clause keyword the cursor follows: ON, FOR, WHERE, FROM, … */
  clause?: string;
  /** The cursor is inside a comment. */
  inComment: boolean;
}

export function statementHead(tokens: readonly Token[]): StatementHead {
  const w = tokens.slice(0, 4).map(upper);
  if (w.length === 0) return 'empty';
  if (w[0] === 'CREATE' && w[1] === 'ROUTINE') return 'createRoutineLoad';
  if (w[0] === 'CREATE' && (w[1] === 'TABLE' || (w[1] === 'EXTERNAL' && w[2] === 'TABLE'))) return 'createTable';
  if (w[0] === 'ALTER' && w[1] === 'ROUTINE') return 'alterRoutineLoad';
  if (w[0] === 'PAUSE' || w[0] === 'RESUME' || w[0] === 'STOP') return 'jobControl';
  if (w[0] === 'SHOW') return 'show';
  if (tokens.length === 1 && tokens[0].kind === 'word') return 'empty';
  return 'other';
}

const CLAUSE_WORDS = new Set(['ON', 'FOR', 'WHERE', 'FROM', 'PROPERTIES', 'COLUMNS', 'PARTITION', 'ORDER', 'LIMIT', 'TERMINATED', 'ROWS']);

/** The cursor context at `offset` in the statement text[start, end). */
export function cursorContext(text: string, start: number, end: number, offset: number): CursorContext {
  const all = scan(text, start, Math.max(end, offset), true);
  const inComment = all.some((t) => t.kind === 'comment' && t.start < offset && (offset < t.end || (offset === t.end && !t.text.startsWith('/*'))));
  const tokens = all.filter((t) => t.kind !== 'comment');
  let current: Token | undefined;
  let cut = tokens.length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.end < offset) continue;
    if (t.start >= offset) {
      cut = i;
      break;
    }
    // The cursor is inside t, or right after it.
    const inside = t.start < offset && offset < t.end;
    const atEnd = t.end === offset && (t.kind === 'word' || t.kind === 'number' || ((t.kind === 'string' || t.kind === 'quoted') && !t.closed));
    if (inside || atEnd) {
      current = t;
      cut = i;
    } else {
      cut = i + 1;
    }
    break;
  }
  const before = tokens.slice(0, cut);
  const head = statementHead(current && before.length === 0 ? [current] : before.length ? tokens : []);
  return { head, tokens, before, current, enclosure: enclosureOf(before, head), clause: clauseOf(before), inComment };
}

function enclosureOf(before: readonly Token[], head: StatementHead): Enclosure | undefined {
  let depth = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    const t = before[i];
    if (t.kind !== 'punct') continue;
    if (t.text === ')') depth++;
    else if (t.text === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const prev = before[i - 1];
      const word = upper(prev);
      let owner: Enclosure['owner'] = 'other';
      if (word === 'PROPERTIES') owner = head === 'createTable' ? 'tableProperties' : 'jobProperties';
      else if (prev && upper(before[i - 2]) === 'FROM' && (head === 'createRoutineLoad' || head === 'alterRoutineLoad')) owner = 'kafkaProperties';
      else if (word === 'COLUMNS' && head !== 'createTable') owner = 'columns';
      else if (word === 'PARTITION' || word === 'PARTITIONS') owner = 'partition';
      else if (prev && prev.kind === 'word' && prev.end === t.start && !CLAUSE_WORDS.has(word)) owner = 'call';
      else if (prev && prev.kind === 'word' && !['IN', 'AND', 'OR', 'NOT', 'WHERE', 'ON', 'BY', 'KEY'].includes(word)) owner = 'call';
      return { open: t, owner, ownerToken: prev, openIndex: i };
    }
  }
  return undefined;
}

/** The last depth-0 clause keyword before the cursor. */
function clauseOf(before: readonly Token[]): string | undefined {
  let depth = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    const t = before[i];
    if (t.kind === 'punct') {
      if (t.text === ')') depth++;
      else if (t.text === '(') depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth === 0 && t.kind === 'word') {
      const w = t.text.toUpperCase();
      if (CLAUSE_WORDS.has(w)) return w;
    }
  }
  return undefined;
}

/** Keys already written in a property list, and the key whose value the cursor is in (if any). */
export interface PropertyPosition {
  /** 'key': a property name goes here; 'value': the value of `key`. */
  slot: 'key' | 'value' | 'none';
  key?: string;
  present: Set<string>;
  /** Values of the list's properties that are already written (for topic → partitions). */
  values: Map<string, string>;
}

export function propertyPosition(ctx: CursorContext): PropertyPosition {
  const present = new Set<string>();
  const values = new Map<string, string>();
  const enc = ctx.enclosure;
  if (!enc) return { slot: 'none', present, values };
  // Collect every `"k" = "v"` of this list (before and after the cursor), skipping the one being edited.
  const tokens = ctx.tokens;
  let depth = 0;
  for (let i = enc.openIndex + 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')') {
      if (depth === 0) break;
      depth--;
    }
    if (depth === 0 && t.kind === 'string' && t !== ctx.current && tokens[i + 1]?.text === '=') {
      const k = unquote(t).toLowerCase();
      present.add(k);
      const v = tokens[i + 2];
      if (v && v.kind === 'string') values.set(k, unquote(v));
    }
  }
  const prev = ctx.before[ctx.before.length - 1];
  if (!prev || prev.text === '(' || prev.text === ',') return { slot: 'key', present, values };
  if (prev.text === '=') {
    const keyToken = ctx.before[ctx.before.length - 2];
    if (keyToken && (keyToken.kind === 'string' || keyToken.kind === 'word')) {
      return { slot: 'value', key: (keyToken.kind === 'string' ? unquote(keyToken) : keyToken.text).toLowerCase(), present, values };
    }
  }
  return { slot: 'none', present, values };
}

/** The target table of a CREATE ROUTINE LOAD (`ON [db.]t`), from tokens. */
export function targetTable(tokens: readonly Token[]): { db?: string; name: string; token: Token } | undefined {
  for (let i = 0; i < tokens.length; i++) {
    if (upper(tokens[i]) !== 'ON') continue;
    const a = tokens[i + 1];
    if (!a || (a.kind !== 'word' && a.kind !== 'quoted')) return undefined;
    if (tokens[i + 2]?.text === '.' && tokens[i + 3] && (tokens[i + 3].kind === 'word' || tokens[i + 3].kind === 'quoted')) {
      return { db: nameOf(a), name: nameOf(tokens[i + 3]), token: tokens[i + 3] };
    }
    return { name: nameOf(a), token: a };
  }
  return undefined;
}

/** The job name after `FOR` (or after CREATE ROUTINE LOAD), without db. */
export function jobName(tokens: readonly Token[], head: StatementHead): { db?: string; name: string; token: Token } | undefined {
  let i = -1;
  if (head === 'createRoutineLoad') i = 3;
  else {
    const f = tokens.findIndex((t) => upper(t) === 'FOR');
    if (f >= 0) i = f + 1;
  }
  const a = tokens[i];
  if (i < 0 || !a || (a.kind !== 'word' && a.kind !== 'quoted')) return undefined;
  if (tokens[i + 1]?.text === '.' && tokens[i + 2] && (tokens[i + 2].kind === 'word' || tokens[i + 2].kind === 'quoted')) {
    return { db: nameOf(a), name: nameOf(tokens[i + 2]), token: tokens[i + 2] };
  }
  return { name: nameOf(a), token: a };
}

export function nameOf(token: Token): string {
  return token.kind === 'quoted' ? unquote(token) : token.text;
}

/** Names listed in COLUMNS ( … ): mapped and derived (left of `=`). */
export function columnsListed(tokens: readonly Token[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (upper(tokens[i]) !== 'COLUMNS' || tokens[i + 1]?.text !== '(') continue;
    let depth = 0;
    let expectName = true;
    for (let j = i + 2; j < tokens.length; j++) {
      const t = tokens[j];
      if (t.text === '(') depth++;
      else if (t.text === ')') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && t.text === ',') expectName = true;
      else if (depth === 0 && expectName && (t.kind === 'word' || t.kind === 'quoted')) {
        names.push(nameOf(t));
        expectName = false;
      } else if (depth === 0) expectName = false;
    }
  }
  return names;
}
