// What the workspace's CREATE TABLE statements let the analysis check: the target table,
// its NOT NULL columns, COLUMNS names that are placeholders; and functions in expressions.
import type { ColumnMapping, CreateRoutineLoadStatement, Expression, LoadProperty, Property } from '../ast';
import { walkExpression } from '../builder';
import { findFunction, FUNCTIONS } from '../functions';
import { didYouMean } from '../text';
import type { TableInfo } from '../workspace';
import type { RuleContext } from './context';

export function columnsOf(loadProperties: LoadProperty[]): ColumnMapping[] | undefined {
  const lp = loadProperties.find((p) => p.kind === 'columns');
  return lp?.kind === 'columns' ? lp.columns : undefined;
}

export function checkTarget(s: CreateRoutineLoadStatement, jobProps: Map<string, Property>, ctx: RuleContext): void {
  const workspace = ctx.workspace;
  const tableName = s.table.name.name;
  if (!workspace || !tableName || /^<.*>$/.test(tableName)) return;
  const db = s.table.db?.name ?? ctx.db;
  const table = workspace.findTable(db, tableName);
  if (!table) {
    const names = workspace.tables(db).map((t) => t.name);
    const suggestion = didYouMean(tableName, names);
    // Only when the workspace evidently holds this database's DDL: a near-miss name, or its CREATE DATABASE.
    if (suggestion) {
      ctx.report('RL401', s.table.name.span, `Unknown table '${tableName}'${db ? ` in ${db}` : ''}: did you mean ${suggestion}?`, { fix: 'rename', to: suggestion });
    } else if (db && workspace.hasDatabase(db)) {
      ctx.report('RL401', s.table.name.span, `Unknown table '${tableName}': no CREATE TABLE for it in database ${db} in this workspace`);
    }
    return;
  }
  checkColumns(s, table, jobProps, ctx);
}

function checkColumns(s: CreateRoutineLoadStatement, table: TableInfo, jobProps: Map<string, Property>, ctx: RuleContext): void {
  const columns = columnsOf(s.loadProperties);
  if (!columns || ctx.broken) return;
  const tableColumns = new Map(table.statement.columns.map((c) => [c.name.name.toLowerCase(), c]));
  const named = new Set(columns.map((c) => c.name.name.toLowerCase()));
  const used = new Set<string>();
  for (const c of columns) {
    if (c.expr) walkExpression(c.expr, (e) => { if (e.kind === 'column') used.add(e.name.name.toLowerCase()); });
  }
  const where = s.loadProperties.find((p) => p.kind === 'where');
  if (where?.kind === 'where') walkExpression(where.expr, (e) => { if (e.kind === 'column') used.add(e.name.name.toLowerCase()); });
  const fullName = `${table.db ? table.db + '.' : ''}${table.name}`;
  for (const c of columns) {
    const lower = c.name.name.toLowerCase();
    if (tableColumns.has(lower) || used.has(lower)) continue;
    if (c.expr) continue;
    ctx.report('RL403', c.name.span, `${c.name.name} is not a column of ${fullName}: this source field is read and skipped (a placeholder)`);
  }
  const partialUpdate = jobProps.get('partial_update')?.value.value.trim().toLowerCase() === 'true';
  if (partialUpdate) return;
  const missing = table.statement.columns.filter((c) => !c.nullable && c.default === undefined && !c.autoIncrement && !named.has(c.name.name.toLowerCase()));
  for (const c of missing) {
    ctx.report('RL402', s.table.name.span, `NOT NULL column ${c.name.name} of ${fullName} gets no value and has no default: map it in COLUMNS, or every row fails`, { fix: 'addColumn', column: c.name.name });
  }
}

export function checkJsonpathsCount(columns: ColumnMapping[] | undefined, jobProps: Map<string, Property>, ctx: RuleContext): void {
  const jsonpaths = jobProps.get('jsonpaths');
  if (!columns || !jsonpaths) return;
  let paths: unknown;
  try {
    paths = JSON.parse(jsonpaths.value.value);
  } catch {
    return;
  }
  if (!Array.isArray(paths)) return;
  const source = columns.filter((c) => !c.expr).length;
  if (paths.length !== source) {
    ctx.report('RL404', jsonpaths.value.span, `jsonpaths has ${paths.length} entries but COLUMNS reads ${source} source columns (columns with = expressions are derived and need no path): they pair up in order`);
  }
}

export function checkFunctions(expr: Expression, ctx: RuleContext): void {
  walkExpression(expr, (e) => {
    if (e.kind !== 'call') return;
    const spec = findFunction(e.name.name);
    if (!spec) {
      // Only a likely typo is a warning: StarRocks has many more functions than this catalogue.
      const suggestion = didYouMean(e.name.name, FUNCTIONS.map((f) => f.name));
      if (suggestion) ctx.report('RL405', e.name.span, `unknown function ${e.name.name}: did you mean ${suggestion}?`, { fix: 'rename', to: suggestion }, 'warning');
      else ctx.report('RL405', e.name.span, `${e.name.name} is not among the functions this checker knows; StarRocks may still have it`, undefined, 'information');
      return;
    }
    const n = e.star ? 1 : e.args.length;
    if (n < spec.minArgs || n > spec.maxArgs) {
      const expected = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      ctx.report('RL406', e.argsSpan, `${spec.name} takes ${expected} argument${expected === '1' ? '' : 's'}, not ${n}: ${spec.signatures[0]}`);
    }
  });
}
