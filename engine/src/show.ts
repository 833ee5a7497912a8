// SHOW ROUTINE LOAD as StarRocks answers it: its columns, JSON strings as it prints them, passwords
// masked, Statistic with exactly the seed's fields; the `\G` form as in the seed's sample output and
// a MySQL-style table. Also SHOW ROUTINE LOAD TASK and SHOW CREATE ROUTINE LOAD.
// DbName is the plain database name (the seed's `default_cluster:` prefix is from old StarRocks versions).

import { MASK, isSecretKey } from '../../server/src/language/catalogue.js';
import type { JobSnapshot, ResultSet } from './protocol.js';
import { type RoutineLoadJob } from './job.js';
import type { Task } from './task.js';

export const SHOW_ROUTINE_LOAD_COLUMNS = [
  'Id', 'Name', 'CreateTime', 'PauseTime', 'EndTime', 'DbName', 'TableName', 'State', 'DataSourceType', 'CurrentTaskNum',
  'JobProperties', 'DataSourceProperties', 'CustomProperties', 'Statistic', 'Progress', 'TimestampProgress',
  'ReasonOfStateChanged', 'ErrorLogUrls', 'TrackingSQL', 'OtherMsg', 'LatestSourcePosition', 'OffsetLag',
] as const;

export const SHOW_ROUTINE_LOAD_TASK_COLUMNS = [
  'TaskId', 'TxnId', 'TxnStatus', 'JobId', 'CreateTime', 'LastScheduledTime', 'ExecuteStartTime', 'Timeout', 'BeId',
  'DataSourceProperties', 'Message',
] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** `yyyy-MM-dd HH:mm:ss` in the engine's local time, as StarRocks prints times. */
export function formatTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || ms < 0) return null;
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Progress as SHOW prints it: the last consumed offset (next - 1), or StarRocks' names for special values. */
export function shownOffset(next: bigint): string {
  if (next === -2n) return 'OFFSET_BEGINNING';
  if (next === -1n) return 'OFFSET_END';
  if (next === 0n) return 'OFFSET_ZERO';
  return (next - 1n).toString();
}

export function maskedCustomProperties(job: RoutineLoadJob): Record<string, string> {
  return Object.fromEntries(Object.entries(job.definition.customProperties).map(([k, v]) => [k, isSecretKey(k) ? MASK : v]));
}

/** JobProperties: the seed sample's keys first, then the rest of StarRocks' newer ones. Values are strings. */
export function jobPropertiesOf(job: RoutineLoadJob): Record<string, string> {
  const d = job.definition;
  const out: Record<string, string> = {
    partitions: d.loadDesc.partitions?.names.length ? d.loadDesc.partitions.names.join(',') : '*',
    columnToColumnExpr: d.loadDesc.columns?.length ? d.loadDesc.columns.map((c) => c.replace(/\s*[\r\n]+\s*/g, ' ')).join(',') : '*',
    maxBatchIntervalS: String(job.maxBatchIntervalS),
    whereExpr: d.loadDesc.where ? d.loadDesc.where.replace(/\s*[\r\n]+\s*/g, ' ') : '*',
    maxBatchSizeBytes: String(job.maxBatchSize),
  };
  if (job.format === 'json') {
    out.dataFormat = 'json';
  } else {
    out.columnSeparator = `'${d.loadDesc.columnSeparator ?? '\t'}'`;
    if (d.loadDesc.rowDelimiter !== undefined) out.rowDelimiter = `'${d.loadDesc.rowDelimiter}'`;
  }
  out.maxErrorNum = String(job.maxErrorNumber);
  out.currentTaskConcurrentNum = String(job.currentTaskNum);
  out.maxBatchRows = String(job.maxBatchRows);
  out.desireTaskConcurrentNum = String(job.desiredConcurrentNumber);
  out.maxFilterRatio = String(job.maxFilterRatio);
  if (d.jobProperties.task_consume_second) out.taskConsumeSecond = d.jobProperties.task_consume_second;
  if (d.jobProperties.task_timeout_second) out.taskTimeoutSecond = d.jobProperties.task_timeout_second;
  out.format = job.format;
  out.strict_mode = String(job.strictMode);
  // StarRocks shows the creating session's zone, else its own default.
  out.timezone = job.property('timezone') ?? 'Asia/Shanghai';
  out.strip_outer_array = String(job.stripOuterArray);
  out.jsonpaths = job.property('jsonpaths') ?? '';
  out.json_root = job.property('json_root') ?? '';
  out.partial_update = job.property('partial_update') ?? 'false';
  out.log_rejected_record_num = job.property('log_rejected_record_num') ?? '0';
  out.pause_on_fatal_parse_error = job.property('pause_on_fatal_parse_error') ?? 'false';
  for (const key of ['merge_condition', 'trim_space', 'enclose', 'escape']) {
    if (d.jobProperties[key] !== undefined) out[key] = d.jobProperties[key];
  }
  return out;
}

export function dataSourcePropertiesOf(job: RoutineLoadJob): Record<string, string> {
  return {
    topic: job.definition.kafka.topic,
    currentKafkaPartitions: job.currentKafkaPartitions.join(','),
    brokerList: job.definition.kafka.brokerList,
  };
}

function progressPartitions(job: RoutineLoadJob): number[] {
  const ps = new Set<number>([...job.currentKafkaPartitions, ...job.progress.keys()]);
  return [...ps].sort((a, b) => a - b);
}

export function progressOf(job: RoutineLoadJob): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of progressPartitions(job)) {
    const next = job.progress.get(p);
    if (next !== undefined) out[String(p)] = shownOffset(next);
  }
  return out;
}

export function timestampProgressOf(job: RoutineLoadJob): Record<string, string> {
  return Object.fromEntries([...job.timestampProgress].sort((a, b) => a[0] - b[0]).map(([p, ts]) => [String(p), String(ts)]));
}

export function latestSourcePositionOf(job: RoutineLoadJob): Record<string, string> {
  return Object.fromEntries([...job.latestOffsets].sort((a, b) => a[0] - b[0]).map(([p, hw]) => [String(p), hw.toString()]));
}

/** OffsetLag as StarRocks computes it: latest - shown progress, so a caught-up partition shows 1. */
export function showOffsetLagOf(job: RoutineLoadJob): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [p, hw] of [...job.latestOffsets].sort((a, b) => a[0] - b[0])) {
    const next = job.progress.get(p);
    if (next === undefined || next < 0n) continue;
    const lag = hw - (next - 1n);
    out[String(p)] = Number(lag > 0n ? lag : 0n);
  }
  return out;
}

/** The real lag in messages (high watermark - next offset), for the extension. */
export function offsetLagOf(job: RoutineLoadJob): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [p, hw] of [...job.latestOffsets].sort((a, b) => a[0] - b[0])) {
    const next = job.progress.get(p);
    if (next === undefined || next < 0n) continue;
    out[String(p)] = Number(hw > next ? hw - next : 0n);
  }
  return out;
}

function otherMsgOf(job: RoutineLoadJob): string {
  return job.otherMsg ? `${formatTime(job.otherMsg.timeMs)}: ${job.otherMsg.msg}` : '';
}

export function trackingSqlOf(job: RoutineLoadJob): string {
  return job.errorLogUrls.length ? `select tracking_log from information_schema.load_tracking_logs where job_id=${job.id}` : '';
}

export function snapshot(job: RoutineLoadJob): JobSnapshot {
  return {
    id: job.id,
    name: job.name,
    dbName: job.dbName,
    tableName: job.definition.tableName,
    state: job.state,
    shownState: job.shownState,
    createTime: formatTime(job.createTimeMs) ?? '',
    pauseTime: formatTime(job.pauseTimeMs),
    endTime: formatTime(job.endTimeMs),
    currentTaskNum: job.currentTaskNum,
    jobProperties: jobPropertiesOf(job),
    dataSourceProperties: dataSourcePropertiesOf(job),
    customProperties: maskedCustomProperties(job),
    statistic: job.shownStatistic,
    progress: progressOf(job),
    latestSourcePosition: latestSourcePositionOf(job),
    offsetLag: offsetLagOf(job),
    reasonOfStateChanged: job.reasonOfStateChanged,
    pausedByEngine: job.pausedByEngine,
    errorLogUrls: [...job.errorLogUrls],
    otherMsg: otherMsgOf(job),
  };
}

/** One SHOW ROUTINE LOAD row, in SHOW_ROUTINE_LOAD_COLUMNS order. */
export function showRow(job: RoutineLoadJob): (string | null)[] {
  return [
    String(job.id),
    job.name,
    formatTime(job.createTimeMs),
    formatTime(job.pauseTimeMs),
    formatTime(job.endTimeMs),
    job.dbName,
    job.definition.tableName,
    job.shownState,
    'KAFKA',
    String(job.currentTaskNum),
    JSON.stringify(jobPropertiesOf(job)),
    JSON.stringify(dataSourcePropertiesOf(job)),
    JSON.stringify(maskedCustomProperties(job)),
    JSON.stringify(job.shownStatistic),
    JSON.stringify(progressOf(job)),
    JSON.stringify(timestampProgressOf(job)),
    job.reasonOfStateChanged,
    job.errorLogUrls.join(', '),
    trackingSqlOf(job),
    otherMsgOf(job),
    JSON.stringify(latestSourcePositionOf(job)),
    JSON.stringify(showOffsetLagOf(job)),
  ];
}

export function showRoutineLoad(jobs: readonly RoutineLoadJob[]): ResultSet {
  return { columns: [...SHOW_ROUTINE_LOAD_COLUMNS], rows: jobs.map(showRow) };
}

export function showRoutineLoadTask(job: RoutineLoadJob, tasks: readonly Task[], timeoutS: number): ResultSet {
  const rows = tasks.map((task) => {
    const start = task.startOffsets();
    const progress = Object.fromEntries([...start].map(([p, o]) => [String(p), Number(o)]));
    const latest = Object.fromEntries(task.partitions.filter((p) => job.latestOffsets.has(p)).map((p) => [String(p), Number(job.latestOffsets.get(p))]));
    return [
      task.id,
      String(task.txnId ?? -1),
      task.txnStatus,
      String(job.id),
      formatTime(task.createTimeMs),
      formatTime(task.lastScheduledTimeMs),
      formatTime(task.executeStartTimeMs),
      String(timeoutS),
      '-1',
      `Progress:${JSON.stringify(progress)},LatestOffset:${JSON.stringify(latest)}`,
      task.message,
    ];
  });
  return { columns: [...SHOW_ROUTINE_LOAD_TASK_COLUMNS], rows };
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** CREATE ROUTINE LOAD rebuilt from the job's definition, secrets masked (the original text is never kept). */
export function showCreateRoutineLoad(job: RoutineLoadJob): ResultSet {
  const d = job.definition;
  const lines: string[] = [`CREATE ROUTINE LOAD ${d.dbName}.${d.name} ON ${d.tableName}`];
  const load: string[] = [];
  if (d.loadDesc.columnSeparator !== undefined) load.push(`COLUMNS TERMINATED BY ${quote(d.loadDesc.columnSeparator)}`);
  if (d.loadDesc.rowDelimiter !== undefined) load.push(`ROWS TERMINATED BY ${quote(d.loadDesc.rowDelimiter)}`);
  if (d.loadDesc.columns?.length) load.push(`COLUMNS (${d.loadDesc.columns.join(', ')})`);
  if (d.loadDesc.where) load.push(`WHERE ${d.loadDesc.where}`);
  if (d.loadDesc.partitions?.names.length) load.push(`${d.loadDesc.partitions.temporary ? 'TEMPORARY ' : ''}PARTITION (${d.loadDesc.partitions.names.join(', ')})`);
  if (load.length) lines.push(load.join(',\n'));
  const props = Object.entries(d.jobProperties);
  if (props.length) lines.push(`PROPERTIES\n(\n${props.map(([k, v]) => `${quote(k)} = ${quote(v)}`).join(',\n')}\n)`);
  const kafka: [string, string][] = [['kafka_broker_list', d.kafka.brokerList], ['kafka_topic', d.kafka.topic]];
  if (d.kafka.partitions?.length) kafka.push(['kafka_partitions', d.kafka.partitions.join(',')]);
  if (d.kafka.offsets?.length) kafka.push(['kafka_offsets', d.kafka.offsets.join(',')]);
  for (const [k, v] of Object.entries(d.customProperties)) kafka.push([`property.${k}`, isSecretKey(k) ? MASK : v]);
  lines.push(`FROM KAFKA\n(\n${kafka.map(([k, v]) => `${quote(k)} = ${quote(v)}`).join(',\n')}\n);`);
  return { columns: ['Job', 'Create Job'], rows: [[d.name, lines.join('\n')]] };
}

// ------------------------------------------------------------ renderers

function footer(count: number, elapsedMs: number): string {
  const secs = (elapsedMs / 1000).toFixed(2);
  if (count === 0) return `Empty set (${secs} sec)`;
  return `${count} ${count === 1 ? 'row' : 'rows'} in set (${secs} sec)`;
}

/** The `\G` form, as in the seed's sample output: `Column: value` lines, unset values as N/A. */
export function renderVertical(result: ResultSet, elapsedMs = 0): string {
  const out: string[] = [];
  result.rows.forEach((row, i) => {
    out.push(`*************************** ${i + 1}. row ***************************`);
    result.columns.forEach((column, j) => {
      const value = row[j] ?? 'N/A';
      out.push(value === '' ? `${column}:` : `${column}: ${value}`);
    });
  });
  out.push(footer(result.rows.length, elapsedMs));
  return out.join('\n');
}

/** A MySQL client style table. */
export function renderTable(result: ResultSet, elapsedMs = 0): string {
  if (result.rows.length === 0) return footer(0, elapsedMs);
  const cells = result.rows.map((row) => row.map((v) => (v ?? 'NULL').replace(/\r?\n/g, ' ')));
  const widths = result.columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const fmt = (vals: string[]) => `| ${vals.map((v, j) => v.padEnd(widths[j])).join(' | ')} |`;
  return [line, fmt(result.columns), line, ...cells.map(fmt), line, footer(result.rows.length, elapsedMs)].join('\n');
}
