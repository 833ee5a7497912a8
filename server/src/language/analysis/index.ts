// analyze(): every rule over one document, with the workspace's tables and jobs in view.
import type { AlterRoutineLoadStatement, CreateRoutineLoadStatement, ParsedStatement, ParseResult, Property, Statement } from '../ast';
import type { Diagnostic } from '../diagnostics';
import { internalError, parse } from '../parse';
import { WorkspaceIndex } from '../workspace';
import { reporter, type RuleContext } from './context';
import { checkDataSource } from './kafka';
import { checkJobName, checkLoadProperties } from './loadProperties';
import { checkJobProperties, checkKafkaProperties, propertyMap, type StatementMode } from './properties';
import { checkShow, checkShowTask } from './show';
import { checkFunctions, checkJsonpathsCount, checkTarget, columnsOf } from './tables';
import { findProperty } from '../catalogue';

export interface AnalyzedDocument {
  uri: string;
  text: string;
  parse?: ParseResult;
}

/**
 * Per-statement results of `analyze` for one document, kept between its versions: a statement
 * whose text, database and (for a job) the workspace's table definitions are unchanged is not
 * analysed again; its diagnostics are moved to where it now is. Rules that look across
 * statements (a job name used twice) are not cached. One cache per document.
 */
export class AnalysisCache {
  private entries = new Map<string, Diagnostic[]>();
  private next = new Map<string, Diagnostic[]>();

  /** Diagnostics relative to the statement's start, or undefined. */
  get(key: string): Diagnostic[] | undefined {
    const hit = this.entries.get(key) ?? this.next.get(key);
    if (hit) this.next.set(key, hit);
    return hit;
  }

  set(key: string, relative: Diagnostic[]): void {
    this.next.set(key, relative);
  }

  /** End of one analysis: keep what it used, drop the rest. */
  commit(): void {
    this.entries = this.next;
    this.next = new Map();
  }

  get size(): number {
    return this.entries.size;
  }
}

export function analyze(doc: AnalyzedDocument, workspace?: WorkspaceIndex, cache?: AnalysisCache): Diagnostic[] {
  const result = doc.parse ?? parse(doc.text);
  const diagnostics: Diagnostic[] = [];
  const report = reporter(diagnostics);
  for (const parsed of result.statements) {
    for (const e of parsed.errors) {
      report(e.code, e.span, e.message, e.data, e.severity ?? 'error');
    }
  }
  // The document's own tables and jobs count even when the caller's index has not seen it yet.
  const view = workspace?.has(doc.uri) ? workspace : (workspace ?? new WorkspaceIndex()).overlay(doc.uri, result);
  let db: string | undefined;
  for (const parsed of result.statements) {
    const statement = parsed.statement;
    if (!statement) continue;
    if (statement.kind === 'use') db = statement.db.name;
    if (!ANALYSED.has(statement.kind)) continue;
    const base = parsed.span.start;
    // What the statement's rules read: its text (its tree and syntax errors follow from it), its
    // database and, for a job, the workspace's tables.
    const key = cache ? `${statement.kind === 'createRoutineLoad' ? view.schemaVersion : ''}\0${db ?? '\u0001'}\0${result.text.slice(base, parsed.span.end)}` : '';
    let relative = cache?.get(key);
    if (!relative) {
      const own: Diagnostic[] = [];
      analyzeOne(parsed, statement, { uri: doc.uri, text: result.text, workspace: view, db, broken: false, report: reporter(own) });
      relative = own.map((d) => ({ ...d, span: { start: d.span.start - base, end: d.span.end - base } }));
      cache?.set(key, relative);
    }
    for (const d of relative) {
      const moved: Diagnostic = { code: d.code, severity: d.severity, message: d.message, span: { start: d.span.start + base, end: d.span.end + base } };
      if (d.data) moved.data = d.data;
      diagnostics.push(moved);
    }
    if (statement.kind === 'createRoutineLoad') {
      checkDuplicateJob(statement, { uri: doc.uri, text: result.text, workspace: view, db: statement.job.db?.name ?? db, broken: false, report });
    }
  }
  cache?.commit();
  return diagnostics;
}

/** The statements the rules look at. */
const ANALYSED = new Set<Statement['kind']>(['createRoutineLoad', 'alterRoutineLoad', 'showRoutineLoad', 'showRoutineLoadTask']);

function analyzeOne(parsed: ParsedStatement, statement: Statement, ctx: RuleContext): void {
  ctx.broken = parsed.errors.some((e) => e.code === 'RL001');
  try {
    analyzeStatement(statement, ctx);
  } catch (error) {
    // A rule must never take the others down; an internal failure is not the user's problem.
    // A stack overflow (a tree deeper than the nesting check foresaw) is said on the statement.
    if (error instanceof RangeError) {
      const e = internalError(ctx.text, statement.span, error);
      ctx.report(e.code, e.span, e.message);
    }
  }
}

function analyzeStatement(s: Statement, ctx: RuleContext): void {
  switch (s.kind) {
    case 'createRoutineLoad':
    case 'alterRoutineLoad':
      analyzeJob(s, s.kind === 'createRoutineLoad' ? 'create' : 'alter', { ...ctx, db: s.job.db?.name ?? ctx.db });
      break;
    case 'showRoutineLoad':
      checkShow(s, ctx);
      break;
    case 'showRoutineLoadTask':
      checkShowTask(s, ctx);
      break;
    default:
      break;
  }
}

function analyzeJob(s: CreateRoutineLoadStatement | AlterRoutineLoadStatement, mode: StatementMode, ctx: RuleContext): void {
  if (mode === 'create') checkJobName(s.job.name.name, s.job.name.span, ctx);
  checkLoadProperties(s.loadProperties, ctx);
  const jobProps = s.jobProperties ? propertyMap(s.jobProperties.properties, ctx) : new Map<string, Property>();
  if (s.jobProperties) checkJobProperties(s.jobProperties.properties, mode, ctx);
  if (s.dataSource) {
    checkDataSource(s.dataSource, mode, ctx);
    if (s.dataSource.type.name.toUpperCase() === 'KAFKA') checkKafkaProperties(s.dataSource.properties, mode, ctx);
  } else if (mode === 'create' && !ctx.broken) {
    ctx.report('RL216', s.span, 'CREATE ROUTINE LOAD needs FROM KAFKA ("kafka_broker_list" = "…", "kafka_topic" = "…") at the end');
  }
  checkFormat(s, jobProps, mode, ctx);
  checkTaskTimes(jobProps, ctx);
  for (const lp of s.loadProperties) {
    if (lp.kind === 'columns') for (const c of lp.columns) if (c.expr) checkFunctions(c.expr, ctx);
    if (lp.kind === 'where') checkFunctions(lp.expr, ctx);
  }
  if (s.kind === 'createRoutineLoad') {
    checkJsonpathsCount(columnsOf(s.loadProperties), jobProps, ctx);
    checkTarget(s, jobProps, ctx);
    // checkDuplicateJob runs in analyze(): it looks across statements, so it is never cached.
  }
}

/** JSON-only properties without JSON, and CSV separators with JSON (both ignored by StarRocks). */
function checkFormat(s: CreateRoutineLoadStatement | AlterRoutineLoadStatement, jobProps: Map<string, Property>, mode: StatementMode, ctx: RuleContext): void {
  // ALTER cannot change format, so the job's format is unknown here.
  if (mode === 'alter') return;
  const format = jobProps.get('format')?.value.value.trim().toLowerCase() || 'csv';
  if (format !== 'csv' && format !== 'json') return;
  for (const [key, p] of jobProps) {
    const spec = findProperty(key);
    if (!spec?.formats || spec.formats.includes(format)) continue;
    if (format === 'csv') {
      ctx.report('RL113', p.key.span, `${key} applies to JSON only, and this job reads CSV: add "format" = "json"`, { fix: 'addProperty', key: 'format', value: 'json' });
    } else {
      ctx.report('RL113', p.key.span, `${key} applies to CSV only, and this job reads JSON: it is ignored`, { fix: 'remove' });
    }
  }
  if (format === 'json') {
    for (const lp of s.loadProperties) {
      if (lp.kind === 'columnSeparator' || lp.kind === 'rowDelimiter') {
        const what = lp.kind === 'columnSeparator' ? 'COLUMNS TERMINATED BY' : 'ROWS TERMINATED BY';
        ctx.report('RL114', lp.span, `${what} applies to CSV only; with "format" = "json" it is ignored: remove it`, { fix: 'remove' });
      }
    }
  }
}

function checkTaskTimes(jobProps: Map<string, Property>, ctx: RuleContext): void {
  const consume = jobProps.get('task_consume_second');
  const timeout = jobProps.get('task_timeout_second');
  if (!consume || !timeout) return;
  const c = Number(consume.value.value.trim());
  const t = Number(timeout.value.value.trim());
  if (!Number.isInteger(c) || !Number.isInteger(t) || c <= 0 || t <= 0) return;
  if (t <= c) {
    ctx.report('RL112', timeout.value.span, `task_timeout_second must be larger than task_consume_second (${t} ≤ ${c}): a task needs time to commit after consuming; StarRocks uses 4 × consume`, { fix: 'clamp', value: String(c * 4) });
  }
}

function checkDuplicateJob(s: CreateRoutineLoadStatement, ctx: RuleContext): void {
  const name = s.job.name.name;
  if (!ctx.workspace || !name || /^<.*>$/.test(name)) return;
  const others = ctx.workspace.jobs(ctx.db, name).filter((j) => !(j.uri === ctx.uri && j.span.start === s.job.span.start));
  if (others.length === 0 || others.every((j) => j.db !== ctx.db)) return;
  const other = others[0];
  const where = other.uri === ctx.uri ? 'in this file' : `in ${other.uri}`;
  ctx.report('RL306', s.job.name.span, `Name ${name} already used in db ${ctx.db ?? '(current)'}: another CREATE ROUTINE LOAD ${where} uses it; job names are unique within a database`, { otherUri: other.uri, otherSpan: other.span });
}
