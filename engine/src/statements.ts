// execute(sql): CREATE / ALTER / PAUSE / RESUME / STOP / SHOW [ALL] ROUTINE LOAD / SHOW ROUTINE LOAD TASK /
// SHOW CREATE ROUTINE LOAD with StarRocks' rules and messages; USE sets the session database.
// Statements the engine does not run (CREATE DATABASE / TABLE, SELECT, …) belong to StarRocks: they are
// answered with a message saying so, not run and not refused, so a whole job file can be executed.

import { findProperty } from '../../server/src/language/catalogue.js';
import type {
  AlterRoutineLoadStatement, CreateRoutineLoadStatement, Expression, LoadProperty, Property, ShowRoutineLoadStatement,
  ShowRoutineLoadTaskStatement, Statement,
} from '../../server/src/language/ast.js';
import type { ExecuteResult, ResultSet } from './protocol.js';
import { isFinal, type JobDefinition, type KafkaDesc, type LoadDesc, type RoutineLoadJob } from './job.js';
import { parseStartOffset } from './jobScheduler.js';
import { SHOW_ROUTINE_LOAD_COLUMNS, showCreateRoutineLoad, showRoutineLoad, showRoutineLoadTask } from './show.js';
import type { Task } from './task.js';
import { analysisErrors, parseSql } from './language.js';

/** A statement StarRocks would refuse: its message, and which statement of the text it was. */
export class EngineStatementError extends Error {
  constructor(message: string, readonly statementIndex?: number, readonly results: ExecuteResult[] = []) {
    super(message);
    this.name = 'EngineStatementError';
  }
}

/** A refusal inside one statement; execute() adds the statement index. */
export class StatementError extends Error {}

/** What the statements need of the engine. */
export interface EngineOps {
  jobs(): RoutineLoadJob[];
  /** The StarRocks user, for "User <u> pauses routine load job". */
  user: string;
  createJob(definition: JobDefinition, initialOffsets: Map<number, bigint>): RoutineLoadJob;
  pauseJob(job: RoutineLoadJob): Promise<void>;
  resumeJob(job: RoutineLoadJob): Promise<void>;
  stopJob(job: RoutineLoadJob): Promise<void>;
  alterJob(job: RoutineLoadJob, change: JobAlteration): Promise<void>;
  tasksOf(job: RoutineLoadJob): Task[];
  taskTimeoutS(job: RoutineLoadJob): number;
}

export interface JobAlteration {
  jobProperties: Record<string, string>;
  loadDesc: Partial<LoadDesc>;
  brokerList?: string;
  customProperties: Record<string, string>;
  /** partition → new next offset (OFFSET_BEGINNING / OFFSET_END allowed). */
  offsets?: Map<number, bigint>;
  kafkaPartitions?: number[];
}

export interface SessionState {
  db?: string;
}

export async function executeSql(ops: EngineOps, sql: string, session: SessionState): Promise<ExecuteResult[]> {
  const parsed = parseSql(sql);
  const problems = analysisErrors(sql, parsed);
  const results: ExecuteResult[] = [];
  for (let index = 0; index < parsed.statements.length; index++) {
    const p = parsed.statements[index];
    const within = problems.filter((d) => d.span.start >= p.span.start && d.span.start <= p.span.end);
    const syntax = p.errors.filter((e) => (e as { severity?: string }).severity === undefined || (e as { severity?: string }).severity === 'error');
    if (syntax.length > 0) throw new EngineStatementError(syntax[0].message, index, results);
    if (!p.statement) continue;
    if (within.length > 0 && p.statement.kind !== 'foreign' && p.statement.kind !== 'createTable' && p.statement.kind !== 'createDatabase') {
      throw new EngineStatementError(within.map((d) => d.message).join('; '), index, results);
    }
    try {
      results.push(await executeStatement(ops, p.statement, sql, session));
    } catch (err) {
      if (err instanceof StatementError || (err as Error).name === 'JobStateError') throw new EngineStatementError((err as Error).message, index, results);
      throw err;
    }
  }
  return results;
}

function requireDb(db: string | undefined): string {
  if (!db) throw new StatementError('No database selected');
  return db;
}

async function executeStatement(ops: EngineOps, s: Statement, sql: string, session: SessionState): Promise<ExecuteResult> {
  switch (s.kind) {
    case 'use':
      session.db = s.db.name;
      return { kind: 'ok', message: 'Database changed' };
    case 'createRoutineLoad': {
      const def = definitionFromCreate(s, sql, session.db);
      const taken = ops.jobs().find((j) => j.dbName === def.dbName && j.name === def.name && !isFinal(j.state));
      if (taken) throw new StatementError(`Name ${def.name} already used in db ${def.dbName}`);
      const job = ops.createJob(def, initialOffsets(def.kafka));
      return { kind: 'ok', message: `Created routine load job ${def.dbName}.${def.name} (id ${job.id})` };
    }
    case 'alterRoutineLoad': {
      const job = operableJob(ops, s.job.db?.name ?? session.db, s.job.name.name);
      if (job.state !== 'PAUSED') throw new StatementError('Only supports modification of PAUSED jobs');
      await ops.alterJob(job, alterationFrom(s, sql, job));
      return { kind: 'ok', message: `Altered routine load job ${job.dbName}.${job.name}` };
    }
    case 'pauseRoutineLoad': {
      const job = operableJob(ops, s.job.db?.name ?? session.db, s.job.name.name);
      await ops.pauseJob(job);
      return { kind: 'ok', message: `Paused routine load job ${job.dbName}.${job.name}` };
    }
    case 'resumeRoutineLoad': {
      const job = operableJob(ops, s.job.db?.name ?? session.db, s.job.name.name);
      await ops.resumeJob(job);
      return { kind: 'ok', message: `Resumed routine load job ${job.dbName}.${job.name}` };
    }
    case 'stopRoutineLoad': {
      const job = operableJob(ops, s.job.db?.name ?? session.db, s.job.name.name);
      await ops.stopJob(job);
      return { kind: 'ok', message: `Stopped routine load job ${job.dbName}.${job.name}` };
    }
    case 'showRoutineLoad':
      return { kind: 'resultSet', resultSet: show(ops, s, session) };
    case 'showRoutineLoadTask':
      return { kind: 'resultSet', resultSet: showTasks(ops, s, session) };
    case 'showCreateRoutineLoad': {
      const db = requireDb(s.job.db?.name ?? session.db);
      const job = latest(ops.jobs().filter((j) => j.dbName === db && j.name === s.job.name.name));
      if (!job) throw new StatementError(`Job: ${s.job.name.name} does not exist in db ${db}`);
      return { kind: 'resultSet', resultSet: showCreateRoutineLoad(job) };
    }
    case 'createDatabase':
    case 'createTable':
      return { kind: 'ok', message: `Not run: ${s.kind === 'createTable' ? 'CREATE TABLE' : 'CREATE DATABASE'} belongs to StarRocks; run it there (the engine runs only routine load statements)` };
    case 'foreign':
      return { kind: 'ok', message: `Not run: ${s.head} belongs to StarRocks; run it there (the engine runs only routine load statements)` };
  }
}

function latest(jobs: RoutineLoadJob[]): RoutineLoadJob | undefined {
  return jobs.find((j) => !isFinal(j.state)) ?? jobs.sort((a, b) => b.id - a.id)[0];
}

/** PAUSE / RESUME / STOP / ALTER act only on a job that is not STOPPED or CANCELLED. */
function operableJob(ops: EngineOps, db: string | undefined, name: string): RoutineLoadJob {
  const database = requireDb(db);
  const job = ops.jobs().find((j) => j.dbName === database && j.name === name && !isFinal(j.state));
  if (!job) throw new StatementError(`There is not operable routine load job with name ${name}`);
  return job;
}

// ------------------------------------------------------------ CREATE

function propertyEntries(properties: Property[] | undefined): [string, string][] {
  return (properties ?? []).map((p) => [p.key.value.trim().toLowerCase(), p.value.value]);
}

function loadDescFrom(loadProperties: LoadProperty[], sql: string): Partial<LoadDesc> {
  const desc: Partial<LoadDesc> = {};
  for (const lp of loadProperties) {
    switch (lp.kind) {
      case 'columnSeparator':
        desc.columnSeparator = lp.value.value;
        break;
      case 'rowDelimiter':
        desc.rowDelimiter = lp.value.value;
        break;
      case 'columns':
        // The original text of each item, so expressions reach Stream Load exactly as written.
        desc.columns = lp.columns.map((c) => sql.slice(c.span.start, c.span.end).trim());
        break;
      case 'where':
        desc.where = sql.slice(lp.expr.span.start, lp.expr.span.end).trim();
        break;
      case 'partitions':
        desc.partitions = { temporary: lp.temporary, names: lp.names.map((n) => n.name) };
        break;
    }
  }
  return desc;
}

function splitList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

function parsePartitions(value: string): number[] {
  if (value.trim() === '') throw new StatementError('kafka_partitions could not be a empty string');
  return splitList(value).map((p) => {
    if (!/^\d+$/.test(p)) throw new StatementError(`Invalid kafka partition: '${p}'. Expected values should be an integer`);
    return Number(p);
  });
}

function parseOffsets(value: string, count: number): string[] {
  if (value.trim() === '') throw new StatementError('kafka_offsets could not be a empty string');
  const offsets = splitList(value);
  if (offsets.length !== count) throw new StatementError('Partitions number should be equals to offsets number');
  for (const o of offsets) {
    if (/^-\d+$/.test(o)) throw new StatementError('Can not specify offset smaller than 0');
    if (!/^(\d+|OFFSET_BEGINNING|OFFSET_END)$/i.test(o)) {
      throw new StatementError(`Invalid kafka offset: '${o}'. Expected values should be an integer, OFFSET_BEGINNING, or OFFSET_END`);
    }
  }
  return offsets;
}

export function definitionFromCreate(s: CreateRoutineLoadStatement, sql: string, sessionDb: string | undefined): JobDefinition {
  const dbName = requireDb(s.job.db?.name ?? sessionDb);
  if (!s.dataSource) throw new StatementError('CREATE ROUTINE LOAD needs FROM KAFKA (...)');
  const type = s.dataSource.type.name.toUpperCase();
  if (type !== 'KAFKA') throw new StatementError(`routine load job does not support this type ${type}`);
  const jobProperties: Record<string, string> = {};
  for (const [key, value] of propertyEntries(s.jobProperties?.properties)) {
    const spec = findProperty(key);
    if (!spec || spec.section !== 'job') throw new StatementError(`${key} is invalid property`);
    jobProperties[key] = value;
  }
  const customProperties: Record<string, string> = {};
  const kafka: Partial<KafkaDesc> = {};
  for (const [key, value] of propertyEntries(s.dataSource.properties)) {
    if (key.startsWith('property.')) customProperties[key.slice('property.'.length)] = value.trim();
    else if (key === 'kafka_broker_list') kafka.brokerList = value.replace(/\s+/g, '');
    else if (key === 'kafka_topic') kafka.topic = value.trim();
    else if (key === 'kafka_partitions') kafka.partitions = parsePartitions(value);
    else if (key === 'kafka_offsets') kafka.offsets = splitList(value);
    else if (key !== 'confluent.schema.registry.url') throw new StatementError(`${key} is invalid kafka custom property`);
  }
  if (!kafka.brokerList) throw new StatementError('kafka_broker_list is a required property');
  if (!kafka.topic) throw new StatementError('kafka_topic is a required property');
  if (kafka.offsets) {
    if (!kafka.partitions) throw new StatementError('Partitions number should be equals to offsets number');
    kafka.offsets = parseOffsets(kafka.offsets.join(','), kafka.partitions.length);
  }
  if (customProperties.kafka_default_offsets !== undefined) {
    const v = customProperties.kafka_default_offsets;
    if (!/^\d+$/.test(v)) {
      try { parseStartOffset(v); } catch (err) { throw new StatementError((err as Error).message); }
    }
  }
  return {
    dbName,
    name: s.job.name.name,
    tableName: s.table.name.name,
    loadDesc: loadDescFrom(s.loadProperties, sql),
    jobProperties,
    kafka: kafka as KafkaDesc,
    customProperties,
  };
}

function initialOffsets(kafka: KafkaDesc): Map<number, bigint> {
  const out = new Map<number, bigint>();
  kafka.partitions?.forEach((p, i) => {
    const given = kafka.offsets?.[i];
    if (given === undefined) return;
    const parsed = parseStartOffset(given);
    if ('offset' in parsed) out.set(p, parsed.offset);
  });
  return out;
}

// ------------------------------------------------------------ ALTER

const ALTER_KAFKA_KEYS = new Set(['kafka_broker_list', 'kafka_partitions', 'kafka_offsets', 'confluent.schema.registry.url']);

function alterationFrom(s: AlterRoutineLoadStatement, sql: string, job: RoutineLoadJob): JobAlteration {
  const change: JobAlteration = { jobProperties: {}, loadDesc: loadDescFrom(s.loadProperties, sql), customProperties: {} };
  for (const [key, value] of propertyEntries(s.jobProperties?.properties)) {
    const spec = findProperty(key);
    if (!spec || spec.section !== 'job' || !spec.alterable) throw new StatementError(`${key} is invalid property`);
    change.jobProperties[key] = value;
  }
  if (s.dataSource) {
    const type = s.dataSource.type.name.toUpperCase();
    if (type !== 'KAFKA') throw new StatementError(`The specified job type is not: ${type}`);
    let partitions: number[] | undefined;
    let offsets: string[] | undefined;
    for (const [key, value] of propertyEntries(s.dataSource.properties)) {
      if (key.startsWith('property.') || key.startsWith('confluent.')) {
        if (key.startsWith('property.')) change.customProperties[key.slice('property.'.length)] = value.trim();
        continue;
      }
      if (!ALTER_KAFKA_KEYS.has(key)) throw new StatementError(`${key} is invalid kafka custom property`);
      if (key === 'kafka_broker_list') change.brokerList = value.replace(/\s+/g, '');
      if (key === 'kafka_partitions') partitions = parsePartitions(value);
      if (key === 'kafka_offsets') offsets = splitList(value);
    }
    if ((partitions === undefined) !== (offsets === undefined)) {
      throw new StatementError(partitions === undefined ? 'Missing kafka partition info' : 'Partition and offset must be specified at the same time');
    }
    if (partitions && offsets) {
      const parsedOffsets = parseOffsets(offsets.join(','), partitions.length);
      const custom = job.definition.kafka.partitions;
      for (const p of partitions) {
        if (custom?.length) {
          if (!custom.includes(p)) throw new StatementError(`The specified partition ${p} is not in the custom partitions`);
        } else if (job.currentKafkaPartitions.length && !job.currentKafkaPartitions.includes(p)) {
          throw new StatementError('The specified partition is not in the consumed partitions');
        }
      }
      change.offsets = new Map(partitions.map((p, i) => {
        const parsed = parseStartOffset(parsedOffsets[i]);
        return [p, 'offset' in parsed ? parsed.offset : -1n];
      }));
    }
  }
  return change;
}

// ------------------------------------------------------------ SHOW

function visibleJobs(ops: EngineOps, db: string | undefined, all: boolean): RoutineLoadJob[] {
  return ops.jobs()
    .filter((j) => db === undefined || j.dbName === db)
    .filter((j) => all || !isFinal(j.state))
    .sort((a, b) => a.id - b.id);
}

/**
 * SHOW [ALL] ROUTINE LOAD [FOR [db.]name] [FROM db] [WHERE …] [ORDER BY …] [LIMIT …].
 * Without any database (no FOR db., FROM or USE), jobs of every database are listed: the engine is one user's.
 */
function show(ops: EngineOps, s: ShowRoutineLoadStatement, session: SessionState): ResultSet {
  const db = s.job?.db?.name ?? s.fromDb?.name ?? session.db;
  let jobs = visibleJobs(ops, db, s.all);
  if (s.job) {
    const name = s.job.name.name;
    jobs = jobs.filter((j) => j.name === name);
    if (jobs.length === 0) {
      throw new StatementError(
        `There is no running job named ${name} in db ${db ?? ''}. Include history? ${s.all}, ` +
          'you can try `show all routine load job for job_name` if you want to list stopped and cancelled jobs',
      );
    }
  }
  const result = showRoutineLoad(jobs);
  let rows = result.rows;
  if (s.where) rows = rows.filter((row) => truthy(evaluate(s.where as Expression, row)));
  for (const item of [...s.orderBy].reverse()) {
    const column = columnIndex(item.expr);
    if (column < 0) continue;
    rows = [...rows].sort((a, b) => compare(a[column], b[column]) * (item.descending ? -1 : 1));
  }
  if (s.limit) rows = rows.slice(s.limit.offset ?? 0, (s.limit.offset ?? 0) + s.limit.count);
  return { columns: result.columns, rows };
}

function showTasks(ops: EngineOps, s: ShowRoutineLoadTaskStatement, session: SessionState): ResultSet {
  const db = s.fromDb?.name ?? session.db;
  const where = s.where;
  const name =
    where && where.kind === 'binary' && where.op === '=' && where.left.kind === 'column' && where.left.name.name.toLowerCase() === 'jobname' &&
    where.right.kind === 'literal' ? String(where.right.value) : undefined;
  if (!where) throw new StatementError('please designate a jobName in where expr such as JobName="ILoveStarRocks"');
  if (name === undefined) throw new StatementError('show routine load job only support one equal expr which is sames like JobName="ILoveStarRocks"');
  const job = visibleJobs(ops, db, true).filter((j) => j.name === name).sort((a, b) => b.id - a.id)[0];
  if (!job) throw new StatementError(`The job named ${name} does not exist in db ${db ?? ''}`);
  return showRoutineLoadTask(job, ops.tasksOf(job), ops.taskTimeoutS(job));
}

const COLUMN_INDEX = new Map<string, number>(SHOW_ROUTINE_LOAD_COLUMNS.map((c, i) => [c.toLowerCase(), i]));

function columnIndex(expr: Expression): number {
  return expr.kind === 'column' ? (COLUMN_INDEX.get(expr.name.name.toLowerCase()) ?? -1) : -1;
}

type Value = string | number | boolean | null;

function evaluate(expr: Expression, row: (string | null)[]): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value as Value;
    case 'column': {
      const i = columnIndex(expr);
      if (i < 0) throw new StatementError(`Column \`${expr.name.name}\` is not allowed in \`where\` clause`);
      return row[i];
    }
    case 'paren':
      return evaluate(expr.inner, row);
    case 'binary': {
      if (expr.op === 'AND') return truthy(evaluate(expr.left, row)) && truthy(evaluate(expr.right, row));
      if (expr.op === 'OR') throw new StatementError('Only `AND` operator is allowed in compound predicates.');
      const l = evaluate(expr.left, row);
      const r = evaluate(expr.right, row);
      const c = compare(l, r);
      switch (expr.op) {
        case '=': return c === 0;
        case '!=': case '<>': return c !== 0;
        case '<': return c < 0;
        case '<=': return c <= 0;
        case '>': return c > 0;
        case '>=': return c >= 0;
        default: throw new StatementError(`Operator \`${expr.op}\` is not allowed in \`where\` clause`);
      }
    }
    case 'like': {
      const v = evaluate(expr.operand, row);
      const pattern = String(evaluate(expr.pattern, row) ?? '');
      const re = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 's');
      const m = v !== null && re.test(String(v));
      return expr.not ? !m : m;
    }
    case 'in': {
      const v = evaluate(expr.operand, row);
      const m = expr.list.some((e) => compare(v, evaluate(e, row)) === 0);
      return expr.not ? !m : m;
    }
    default:
      throw new StatementError('Only simple predicates (=, !=, <, >, LIKE, IN) joined by AND are allowed in the where clause of SHOW ROUTINE LOAD');
  }
}

function truthy(v: Value): boolean {
  return v === true || (typeof v === 'number' && v !== 0);
}

function compare(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const na = Number(a);
  const nb = Number(b);
  if (typeof a !== 'boolean' && typeof b !== 'boolean' && String(a).trim() !== '' && String(b).trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) {
    return na - nb;
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
