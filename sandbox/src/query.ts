// Read-back for tests and the demo: SELECT <cols|*|COUNT(*)> FROM db.table [WHERE …] [ORDER BY …] [LIMIT n [OFFSET m]].
// Only the clause boundaries are found here; every expression is parsed by the language core.

import type { Expression } from '../../server/src/language/ast';
import type { Catalog } from './catalog';
import { compileExpression, Compiled } from './expressions';
import { compareValues, truthy } from './functions';
import { parseExpression } from './language';
import type { TableData } from './storage';
import { compareStored } from './storage';
import { DEFAULT_TIMEZONE, zone } from './time';
import type { Stored } from './types';

export class QueryError extends Error {}

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

const CLAUSES = ['select', 'from', 'where', 'order by', 'limit'] as const;
type Clause = (typeof CLAUSES)[number];

/** Splits text at top-level (outside quotes and parentheses) occurrences of a character. */
function splitTop(text: string, at: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === at) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** Finds the clause keywords at top level. */
function clauses(sql: string): Map<Clause, string> {
  const found: { clause: Clause; at: number; bodyAt: number }[] = [];
  let depth = 0;
  let quote = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') { quote = c; continue; }
    if (c === '(') { depth++; continue; }
    if (c === ')') { depth--; continue; }
    if (depth !== 0 || (i > 0 && /\w/.test(sql[i - 1]!))) continue;
    for (const clause of CLAUSES) {
      const m = new RegExp(`^${clause.replace(' ', '\\s+')}\\b`, 'i').exec(sql.slice(i));
      if (m) {
        found.push({ clause, at: i, bodyAt: i + m[0].length });
        i += m[0].length - 1;
        break;
      }
    }
  }
  const out = new Map<Clause, string>();
  found.forEach((f, k) => {
    if (out.has(f.clause)) throw new QueryError(`Unexpected second ${f.clause.toUpperCase()} clause`);
    out.set(f.clause, sql.slice(f.bodyAt, found[k + 1]?.at ?? sql.length).trim());
  });
  if (found[0]?.clause !== 'select' || found[0].at !== 0) throw new QueryError('The sandbox answers SELECT … FROM db.table [WHERE …] [ORDER BY …] [LIMIT n] only');
  return out;
}

function identifier(s: string): string {
  return s.trim().replace(/^`(.*)`$/, '$1');
}

function expr(text: string): Expression {
  try {
    return parseExpression(text);
  } catch (error) {
    throw new QueryError(error instanceof Error ? error.message : String(error));
  }
}

export function runQuery(sql: string, catalog: Catalog, data: (db: string, table: string) => TableData | undefined): QueryResult {
  const text = sql.trim().replace(/;\s*$/, '');
  const parts = clauses(text);
  const from = parts.get('from');
  if (!from) throw new QueryError('No FROM clause: use SELECT … FROM db.table');
  const name = splitTop(from, '.').map(identifier);
  if (name.length !== 2) throw new QueryError(`Name the table with its database: FROM db.table (got ${from})`);
  const [db, tableName] = name as [string, string];
  if (!catalog.database(db)) throw new QueryError(`Unknown database '${db}'`);
  const def = catalog.table(db, tableName);
  const table = data(db, tableName);
  if (!def || !table) throw new QueryError(`Unknown table '${db}.${tableName}'`);

  const ctx = { zone: zone(DEFAULT_TIMEZONE)!, nowMs: Date.now() };
  const index = new Map(def.columns.map((c, i) => [c.name.toLowerCase(), i]));
  const scope = { slot: (n: string) => index.get(n.toLowerCase()), tableName: def.name };
  const compile = (t: string): Compiled => {
    try {
      return compileExpression(expr(t), scope, ctx);
    } catch (error) {
      throw new QueryError(error instanceof Error ? error.message : String(error));
    }
  };

  const rowCount = table.rows;
  const row: Stored[] = new Array<Stored>(def.columns.length);
  const load = (i: number): Stored[] => {
    for (let c = 0; c < row.length; c++) row[c] = table.columns[c]![i]!;
    return row;
  };

  let selected: number[] = [];
  const whereText = parts.get('where');
  const where = whereText ? compile(whereText) : undefined;
  for (let i = 0; i < rowCount; i++) if (!where || truthy(where(load(i)))) selected.push(i);

  const items = splitTop(parts.get('select') ?? '', ',');
  const counted = items.length === 1 ? /^count\s*\(\s*(?:\*|1)\s*\)(?:\s+(?:as\s+)?`?(\w+)`?)?$/i.exec(items[0]!) : null;
  if (counted) {
    const name = counted[1] ?? 'count(*)';
    return { columns: [name], rows: [{ [name]: selected.length }] };
  }

  const orderText = parts.get('order by');
  if (orderText) {
    const keys = splitTop(orderText, ',').map((item) => {
      const m = /^(.*?)(?:\s+(asc|desc))?$/is.exec(item)!;
      const fn = compile(m[1]!);
      return { fn, desc: m[2]?.toLowerCase() === 'desc' };
    });
    const values = selected.map((i) => keys.map((k) => k.fn(load(i))));
    const order = selected.map((_, k) => k);
    order.sort((a, b) => {
      for (let k = 0; k < keys.length; k++) {
        const x = values[a]![k] as Stored;
        const y = values[b]![k] as Stored;
        let c = x === null || y === null ? compareStored(x, y) : compareValues(x, y);
        if (Number.isNaN(c)) c = compareStored(x, y);
        if (c !== 0) return keys[k]!.desc ? -c : c;
      }
      return a - b;
    });
    selected = order.map((k) => selected[k]!);
  }

  const limitText = parts.get('limit');
  if (limitText) {
    const m = /^(\d+)(?:\s*,\s*(\d+)|\s+offset\s+(\d+))?$/i.exec(limitText);
    if (!m) throw new QueryError(`Invalid LIMIT: ${limitText}`);
    const [offset, count] = m[2] !== undefined ? [Number(m[1]), Number(m[2])] : [Number(m[3] ?? 0), Number(m[1])];
    selected = selected.slice(offset, offset + count);
  }

  const outputs: { name: string; fn: Compiled }[] = [];
  for (const item of items) {
    if (item === '*') {
      def.columns.forEach((c, i) => outputs.push({ name: c.name, fn: (r) => r[i] }));
      continue;
    }
    // Only an explicit `AS alias` renames: anything else is the expression itself.
    const alias = /^(.*\S)\s+as\s+(`[^`]+`|\w+)$/is.exec(item);
    const source = alias ? alias[1]! : item;
    outputs.push({ name: alias ? identifier(alias[2]!) : identifier(item), fn: compile(source) });
  }
  const rows = selected.map((i) => {
    const r = load(i);
    const out: Record<string, unknown> = {};
    for (const o of outputs) out[o.name] = o.fn(r) ?? null;
    return out;
  });
  return { columns: outputs.map((o) => o.name), rows };
}
