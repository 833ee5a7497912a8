// analyze(): every rule over one document, with the workspace's tables and jobs in view.
import type { AlterRoutineLoadStatement, CreateRoutineLoadStatement, ParseResult, Property, Statement } from '../ast';
import type { Diagnostic } from '../diagnostics';
import { internalError, parse } from '../parse';
import { forEachWithDatabase, WorkspaceIndex } from '../workspace';
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

export function analyze(doc: AnalyzedDocument, workspace?: WorkspaceIndex): Diagnostic[] {
  const result = doc.parse ?? parse(doc.text);
  const diagnostics: Diagnostic[] = [];
  const report = reporter(diagnostics);
  const broken = new Set<Statement>();
  for (const parsed of result.statements) {
    for (const e of parsed.errors) {
      report(e.code, e.span, e.message, e.data, e.severity ?? 'error');
    }
    if (parsed.statement && parsed.errors.some((e) => e.code === 'RL001')) broken.add(parsed.statement);
  }
  // The document's own tables and jobs count even when the caller's index has not seen it yet.
  const view = workspace?.has(doc.uri) ? workspace : (workspace ?? new WorkspaceIndex()).overlay(doc.uri, result);
  forEachWithDatabase(result.statements, (statement, db) => {
    const ctx: RuleContext = { uri: doc.uri, text: result.text, workspace: view, db, broken: broken.has(statement), report };
    try {
      analyzeStatement(statement, ctx);
    } catch (error) {
      // A rule must never take the others down; an internal failure is not the user's problem.
      // A stack overflow (a tree deeper than the nesting check foresaw) is said on the statement.
      if (error instanceof RangeError) {
        const e = internalError(result.text, statement.span, error);
        report(e.code, e.span, e.message);
      }
    }
  });
  return diagnostics;
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
    checkDuplicateJob(s, ctx);
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
