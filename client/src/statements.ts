// Finds the routine-load statements of a .sql document for code lenses and "run the statement
// under the cursor": each statement's extent, kind and job name, from the language core's parse().
// A statement too broken to parse (the user is typing) falls back to a look at its first words,
// so its lens does not flicker away.
import { parse, type QualifiedName, type Statement } from '../../server/src/language/index';

export type StatementKind = 'create' | 'alter' | 'pause' | 'resume' | 'stop' | 'show' | 'showTask' | 'showCreate' | 'use' | 'other';

export interface FoundStatement {
  kind: StatementKind;
  /** Offsets of the statement without leading blanks/comments and without the terminator. */
  start: number;
  end: number;
  text: string;
  /** The job it names, when it names one. */
  db?: string;
  job?: string;
  /** USE's database. */
  useDb?: string;
  /** The destination table of a CREATE (as written: db may be absent). */
  table?: { db?: string; name: string };
  /** The database in force where the statement stands (its own, or the last USE before it). */
  contextDb?: string;
}

/** Split into statements at `;` and `\G` outside quotes and comments. */
export function splitSql(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  let i = 0;
  const n = text.length;
  const push = (end: number) => {
    const s = skipBlank(text, start, end);
    let e = end;
    while (e > s && /\s/.test(text[e - 1])) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  while (i < n) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(text, i, c);
    } else if ((c === '-' && text[i + 1] === '-') || c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === ';') {
      push(i);
      start = ++i;
    } else if (c === '\\' && (text[i + 1] === 'G' || text[i + 1] === 'g')) {
      push(i);
      i += 2;
      start = i;
    } else {
      i++;
    }
  }
  push(n);
  return out;
}

function skipQuoted(text: string, i: number, q: string): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\' && q !== '`') j += 2;
    else if (c === q) {
      if (text[j + 1] === q) j += 2;
      else return j + 1;
    } else j++;
  }
  return text.length;
}

/** Skip blanks and comments from i. */
function skipBlank(text: string, i: number, end: number): number {
  for (;;) {
    while (i < end && /\s/.test(text[i])) i++;
    if (text.startsWith('--', i) || text[i] === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl > end ? end : nl + 1;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 || close > end ? end : close + 2;
    } else return i;
  }
}

const NAME = '(`(?:[^`]|``)+`|[A-Za-z_$\\u0080-\\uffff][\\w$\\u0080-\\uffff]*)';
const QNAME = `${NAME}(?:\\s*\\.\\s*${NAME})?`;
const PATTERNS: [StatementKind, RegExp][] = [
  ['create', new RegExp(`^CREATE\\s+ROUTINE\\s+LOAD\\s+${QNAME}`, 'i')],
  ['alter', new RegExp(`^ALTER\\s+ROUTINE\\s+LOAD\\s+FOR\\s+${QNAME}`, 'i')],
  ['pause', new RegExp(`^PAUSE\\s+ROUTINE\\s+LOAD\\s+FOR\\s+${QNAME}`, 'i')],
  ['resume', new RegExp(`^RESUME\\s+ROUTINE\\s+LOAD\\s+FOR\\s+${QNAME}`, 'i')],
  ['stop', new RegExp(`^STOP\\s+ROUTINE\\s+LOAD\\s+FOR\\s+${QNAME}`, 'i')],
  ['showCreate', new RegExp(`^SHOW\\s+CREATE\\s+ROUTINE\\s+LOAD\\s+(?:FOR\\s+)?${QNAME}`, 'i')],
  ['showTask', /^SHOW\s+ROUTINE\s+LOAD\s+TASK\b/i],
  ['show', new RegExp(`^SHOW\\s+(?:ALL\\s+)?ROUTINE\\s+LOAD(?:\\s+FOR\\s+${QNAME})?`, 'i')],
  ['use', new RegExp(`^USE\\s+${NAME}`, 'i')],
];

function unquote(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  return name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name;
}

function nameOf(q: QualifiedName | undefined): { db?: string; job?: string } {
  return q ? { db: q.db?.name, job: q.name.name } : {};
}

const KINDS: Partial<Record<Statement['kind'], StatementKind>> = {
  createRoutineLoad: 'create', alterRoutineLoad: 'alter', pauseRoutineLoad: 'pause', resumeRoutineLoad: 'resume',
  stopRoutineLoad: 'stop', showRoutineLoad: 'show', showRoutineLoadTask: 'showTask', showCreateRoutineLoad: 'showCreate', use: 'use',
};

/** Statements of `text`, with the database in force at each (its own, or the last USE before it). */
export function findStatements(text: string): FoundStatement[] {
  let currentDb: string | undefined;
  let result;
  try {
    result = parse(text);
  } catch {
    return findStatementsByWords(text);
  }
  return result.statements.map(({ statement, span }) => {
    const body = text.slice(span.start, span.end);
    const base = { start: span.start, end: span.end, text: body };
    if (!statement) {
      const [guess] = findStatementsByWords(body);
      if (!guess) return { ...base, kind: 'other' as const, contextDb: currentDb };
      if (guess.kind === 'use') currentDb = guess.useDb;
      return { ...base, kind: guess.kind, db: guess.db, job: guess.job, useDb: guess.useDb, contextDb: guess.db ?? currentDb };
    }
    const kind = KINDS[statement.kind] ?? 'other';
    if (statement.kind === 'use') {
      currentDb = statement.db.name;
      return { ...base, kind, useDb: currentDb, contextDb: currentDb };
    }
    const named = 'job' in statement ? nameOf(statement.job) : {};
    const table = statement.kind === 'createRoutineLoad' ? { db: statement.table.db?.name, name: statement.table.name.name } : undefined;
    return { ...base, kind, ...named, ...(table ? { table } : {}), contextDb: named.db ?? currentDb };
  });
}

/** The fallback: first words only. */
export function findStatementsByWords(text: string): FoundStatement[] {
  let currentDb: string | undefined;
  return splitSql(text).map(({ start, end }) => {
    const body = text.slice(start, end);
    for (const [kind, re] of PATTERNS) {
      const m = re.exec(body);
      if (!m) continue;
      if (kind === 'use') {
        currentDb = unquote(m[1]);
        return { kind, start, end, text: body, useDb: currentDb, contextDb: currentDb };
      }
      if (m[1] === undefined) return { kind, start, end, text: body, contextDb: currentDb };
      const qualified = m[2] !== undefined;
      const db = qualified ? unquote(m[1]) : undefined;
      const job = unquote(qualified ? m[2] : m[1]);
      return { kind, start, end, text: body, db, job, contextDb: db ?? currentDb };
    }
    return { kind: 'other' as const, start, end, text: body, contextDb: currentDb };
  });
}

/** The statement under (or just before) the cursor offset. */
export function statementAt(statements: FoundStatement[], offset: number): FoundStatement | undefined {
  return statements.find((s) => offset >= s.start && offset <= s.end + 1)
    ?? [...statements].reverse().find((s) => s.end <= offset);
}
