// RoutineLoadJob: a submitted load job — its definition, state machine, statistics and progress.
// Defaults come from the property catalogue (the one source of truth), never from here.

import { findProperty, isSecretKey } from '../../server/src/language/catalogue.js';
import type { JobState, JobStatistic } from './protocol.js';
import { formatReason, reasons, type ErrorReason } from './reasons.js';
import { BodyPool } from './bodyPool.js';

/** Load properties of CREATE ROUTINE LOAD, as written (expression texts taken from the source). */
export interface LoadDesc {
  columnSeparator?: string;
  rowDelimiter?: string;
  /** Items of COLUMNS (...), each as written: `a`, `pay_dt=from_unixtime(pay_time, '%Y%m%d')`. */
  columns?: string[];
  where?: string;
  partitions?: { temporary: boolean; names: string[] };
}

export interface KafkaDesc {
  brokerList: string;
  topic: string;
  /** kafka_partitions, when given. */
  partitions?: number[];
  /** kafka_offsets, same order as partitions: numbers, OFFSET_BEGINNING or OFFSET_END. */
  offsets?: string[];
}

export interface JobDefinition {
  dbName: string;
  name: string;
  tableName: string;
  loadDesc: LoadDesc;
  /** PROPERTIES (...) as written, keys lower-cased. */
  jobProperties: Record<string, string>;
  kafka: KafkaDesc;
  /** `property.*` of FROM KAFKA without the prefix (kafka_default_offsets, group.id, sasl.*, …). */
  customProperties: Record<string, string>;
}

/** Special offsets as StarRocks stores them until the scheduler resolves them through Kafka. */
export const OFFSET_BEGINNING = -2n;
export const OFFSET_END = -1n;

/** One partition's part of a task: the offsets [from, to] it loads. */
export interface PartitionRange {
  partition: number;
  from: bigint;
  /** Last offset included (inclusive). */
  to: bigint;
  /** Timestamp of the message at `to`, for TimestampProgress. */
  lastTimestampMs?: number;
}

/**
 * A task whose offset range was fixed and written down before its data went to StarRocks.
 * Until it is resolved (committed or definitely aborted), it is the only thing that may load these partitions.
 */
export interface PendingTask {
  label: string;
  ranges: PartitionRange[];
  createdAtMs: number;
  /**
   * What the engine put in the batch, recorded with the range before sending. When StarRocks later answers
   * `Label Already Exists / FINISHED` (the first attempt committed but its answer was lost, maybe in a crash),
   * that answer carries no counts: the statistics then come from here. Absent in records of older versions.
   */
  sent?: SentCounts;
}

/**
 * The counts of a batch known before StarRocks sees it. The split of `rows` into loaded, filtered and
 * unselected rows is StarRocks' to make (WHERE, type conversion, strict_mode) and is known only from its answer.
 */
export interface SentCounts {
  /** Rows in the Stream Load body. */
  rows: number;
  /** Messages the engine itself could not turn into rows (invalid JSON, json_root missing): error rows. */
  engineErrorRows: number;
  /** Bytes of the Kafka messages the batch holds. */
  receivedBytes: number;
}

export interface RawStatistic {
  receivedBytes: number;
  errorRows: number;
  committedTaskNum: number;
  loadedRows: number;
  abortedTaskNum: number;
  totalRows: number;
  unselectedRows: number;
  taskExecuteTimeMs: number;
}

export function emptyStatistic(): RawStatistic {
  return { receivedBytes: 0, errorRows: 0, committedTaskNum: 0, loadedRows: 0, abortedTaskNum: 0, totalRows: 0, unselectedRows: 0, taskExecuteTimeMs: 0 };
}

/** The result of one committed Stream Load, as the job counts it. */
export interface CommittedBatch {
  ranges: PartitionRange[];
  totalRows: number;
  loadedRows: number;
  errorRows: number;
  unselectedRows: number;
  receivedBytes: number;
  executeTimeMs: number;
  errorUrl?: string;
}

export class JobStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobStateError';
  }
}

const FINAL_STATES: ReadonlySet<JobState> = new Set(['STOPPED', 'CANCELLED']);

export function isFinal(state: JobState): boolean {
  return FINAL_STATES.has(state);
}

/** Default of a job property as the catalogue gives it. */
export function catalogueDefault(name: string): string | undefined {
  return findProperty(name)?.default;
}

export class RoutineLoadJob {
  state: JobState = 'NEED_SCHEDULE';
  pauseTimeMs: number | null = null;
  endTimeMs: number | null = null;
  pauseReason: ErrorReason | undefined;
  cancelReason: ErrorReason | undefined;
  pausedByEngine = false;
  /** Set while RUNNING and some partition lags more than the unstable threshold. */
  unstableReason: ErrorReason | undefined;
  statistic: RawStatistic = emptyStatistic();
  /** The error window: rows and error rows since the window last closed. */
  window = { totalRows: 0, errorRows: 0 };
  /** partition → next offset to consume (or OFFSET_BEGINNING / OFFSET_END until resolved). */
  progress = new Map<number, bigint>();
  /** partition → timestamp (ms) of the last consumed message. */
  timestampProgress = new Map<number, number>();
  /** partition → high watermark, from the last check. */
  latestOffsets = new Map<number, bigint>();
  /** Body bytes per message of the last batch (not stored): the next body starts with room for its messages, instead of growing into it. */
  bodyBytesPerMessage = 0;
  /** Body buffers used again batch after batch (not stored): about two per task slot, emptied when the job pauses, stops or catches up. */
  readonly bodies = new BodyPool(() => 2 * Math.max(1, this.currentTaskNum));
  /** Partitions the job consumes now (StarRocks: currentKafkaPartitions). */
  currentKafkaPartitions: number[] = [];
  errorLogUrls: string[] = [];
  otherMsg: { timeMs: number; msg: string } | undefined;
  pendingTasks: PendingTask[] = [];
  /** Number of tasks of the current division (0 when not running). */
  currentTaskNum = 0;
  /** Fields a newer version wrote that this one does not know: kept and written back. */
  unknownFields: Record<string, unknown> = {};

  constructor(
    readonly id: number,
    /** Random, per job: part of every label, so a re-created state directory cannot collide with old labels. */
    readonly uuid: string,
    public definition: JobDefinition,
    readonly createTimeMs: number,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  get dbName(): string {
    return this.definition.dbName;
  }

  /** The value of a job property: as written, else the catalogue's default. */
  property(name: string): string | undefined {
    const written = this.definition.jobProperties[name];
    if (written !== undefined && written !== '') return written;
    return catalogueDefault(name);
  }

  private intProperty(name: string): number {
    const value = Number(this.property(name));
    if (!Number.isFinite(value)) throw new JobStateError(`Property ${name} of job ${this.name} is not a number`);
    return value;
  }

  get desiredConcurrentNumber(): number { return this.intProperty('desired_concurrent_number'); }
  get maxBatchIntervalS(): number { return this.intProperty('max_batch_interval'); }
  get maxBatchRows(): number { return this.intProperty('max_batch_rows'); }
  get maxBatchSize(): number { return this.intProperty('max_batch_size'); }
  get maxErrorNumber(): number { return this.intProperty('max_error_number'); }
  get maxFilterRatio(): number { return Number(this.property('max_filter_ratio') ?? '1'); }
  get format(): 'csv' | 'json' { return (this.property('format') ?? 'csv').toLowerCase() === 'json' ? 'json' : 'csv'; }
  get stripOuterArray(): boolean { return (this.property('strip_outer_array') ?? 'false').toLowerCase() === 'true'; }
  get strictMode(): boolean { return (this.property('strict_mode') ?? 'false').toLowerCase() === 'true'; }
  get pauseOnFatalParseError(): boolean { return (this.property('pause_on_fatal_parse_error') ?? 'false').toLowerCase() === 'true'; }

  /** Consume and timeout seconds: the job's own values override the engine's, as StarRocks derives them. */
  taskTimes(engineConsumeS: number, engineTimeoutS: number): { consumeS: number; timeoutS: number } {
    const consume = Number(this.definition.jobProperties.task_consume_second ?? '');
    const timeout = Number(this.definition.jobProperties.task_timeout_second ?? '');
    const hasConsume = Number.isFinite(consume) && consume > 0;
    const hasTimeout = Number.isFinite(timeout) && timeout > 0;
    if (hasConsume && hasTimeout) return { consumeS: consume, timeoutS: timeout };
    if (hasConsume) return { consumeS: consume, timeoutS: consume * 4 };
    if (hasTimeout) return { consumeS: Math.max(1, timeout / 4), timeoutS: timeout };
    return { consumeS: engineConsumeS, timeoutS: engineTimeoutS };
  }

  // ------------------------------------------------------------ state machine

  /** StarRocks' checkStateTransform: PAUSED → PAUSED and anything out of a final state are refused. */
  checkStateTransform(to: JobState): void {
    if (this.state === 'PAUSED' && to === 'PAUSED') throw new JobStateError('Could not transform PAUSED to PAUSED');
    if (isFinal(this.state)) throw new JobStateError(`Could not transform ${this.state} to ${to}`);
  }

  transform(to: JobState, now: number, reason?: ErrorReason, byEngine = false): void {
    this.checkStateTransform(to);
    this.state = to;
    if (to === 'PAUSED' || isFinal(to)) this.bodies.clear();
    switch (to) {
      case 'NEED_SCHEDULE':
        this.pauseReason = undefined;
        this.pausedByEngine = false;
        this.otherMsg = undefined;
        this.unstableReason = undefined;
        break;
      case 'RUNNING':
        break;
      case 'PAUSED':
        this.pauseTimeMs = now;
        this.pauseReason = reason;
        this.pausedByEngine = byEngine;
        this.currentTaskNum = 0;
        this.unstableReason = undefined;
        break;
      case 'STOPPED':
        this.endTimeMs = now;
        this.pauseReason = reason;
        this.currentTaskNum = 0;
        this.unstableReason = undefined;
        break;
      case 'CANCELLED':
        this.endTimeMs = now;
        this.cancelReason = reason;
        this.currentTaskNum = 0;
        this.unstableReason = undefined;
        break;
    }
  }

  /** What SHOW prints in State: UNSTABLE stands in for a lagging RUNNING job. */
  get shownState(): JobState | 'UNSTABLE' {
    return this.state === 'RUNNING' && this.unstableReason ? 'UNSTABLE' : this.state;
  }

  get reasonOfStateChanged(): string {
    if (this.state === 'PAUSED') return formatReason(this.pauseReason);
    if (this.state === 'CANCELLED') return formatReason(this.cancelReason);
    if (this.state === 'RUNNING' && this.unstableReason) return formatReason(this.unstableReason);
    return '';
  }

  // ------------------------------------------------------------ statistics and progress

  /**
   * Count one committed batch and move progress past it. Returns the pause reason when the
   * error window says so — StarRocks pauses AFTER the batch committed.
   */
  applyCommitted(batch: CommittedBatch): ErrorReason | undefined {
    for (const range of batch.ranges) {
      this.progress.set(range.partition, range.to + 1n);
      if (range.lastTimestampMs !== undefined) this.timestampProgress.set(range.partition, range.lastTimestampMs);
    }
    const s = this.statistic;
    s.totalRows += batch.totalRows;
    s.loadedRows += batch.loadedRows;
    s.errorRows += batch.errorRows;
    s.unselectedRows += batch.unselectedRows;
    s.receivedBytes += batch.receivedBytes;
    s.taskExecuteTimeMs += batch.executeTimeMs;
    s.committedTaskNum += 1;
    if (batch.errorUrl) {
      this.errorLogUrls.push(batch.errorUrl);
      if (this.errorLogUrls.length > 3) this.errorLogUrls = this.errorLogUrls.slice(-3);
    }
    return this.countErrorWindow(batch.totalRows, batch.errorRows);
  }

  /** StarRocks' updateNumOfData: a window of 10 × max_batch_rows rows; more than max_error_number errors pauses. */
  private countErrorWindow(totalRows: number, errorRows: number): ErrorReason | undefined {
    this.window.totalRows += totalRows;
    this.window.errorRows += errorRows;
    const maxErrorNum = this.maxErrorNumber;
    let reason: ErrorReason | undefined;
    if (this.window.totalRows > this.maxBatchRows * 10) {
      if (this.window.errorRows > maxErrorNum) reason = reasons.tooManyErrorRows(this.window.errorRows, maxErrorNum);
      this.window = { totalRows: 0, errorRows: 0 };
    } else if (this.window.errorRows > maxErrorNum) {
      reason = reasons.tooManyErrorRows(this.window.errorRows, maxErrorNum);
      this.window = { totalRows: 0, errorRows: 0 };
    }
    return reason;
  }

  setOtherMsg(now: number, msg: string): void {
    this.otherMsg = { timeMs: now, msg };
  }

  /** The Statistic of SHOW: exactly the seed's fields, rates from the totals as StarRocks computes them. */
  get shownStatistic(): JobStatistic {
    const s = this.statistic;
    const ms = s.taskExecuteTimeMs;
    return {
      receivedBytes: s.receivedBytes,
      errorRows: s.errorRows,
      committedTaskNum: s.committedTaskNum,
      loadedRows: s.loadedRows,
      loadRowsRate: ms > 0 ? Math.floor((s.loadedRows * 1000) / ms) : 0,
      abortedTaskNum: s.abortedTaskNum,
      totalRows: s.totalRows,
      unselectedRows: s.unselectedRows,
      receivedBytesRate: ms > 0 ? Math.floor((s.receivedBytes * 1000) / ms) : 0,
      taskExecuteTimeMs: s.taskExecuteTimeMs,
    };
  }

  /** RUNNING ⇄ UNSTABLE: some partition's last consumed message older than the threshold. */
  updateSubstate(now: number, thresholdS: number, foundNewData: boolean): void {
    if (!foundNewData) {
      this.unstableReason = undefined;
      return;
    }
    let worst: { partition: number; lagS: number } | undefined;
    for (const [partition, ts] of this.timestampProgress) {
      const lagS = Math.floor((now - ts) / 1000);
      if (lagS > thresholdS && (!worst || lagS > worst.lagS)) worst = { partition, lagS };
    }
    this.unstableReason = worst ? reasons.unstable(worst.lagS, worst.partition, thresholdS) : undefined;
  }

  /** Property keys whose values are secrets (never written to disk). */
  secretKeys(): string[] {
    return Object.keys(this.definition.customProperties).filter(isSecretKey).map((k) => `property.${k}`);
  }
}

// ------------------------------------------------------------ Stream Load headers

/**
 * Decode a separator/delimiter as StarRocks does: `\x01` or `0x01` hex, `\t`/`\n` escapes, else the text itself.
 * Returns the bytes to put in the body.
 */
export function decodeDelimiter(value: string): Buffer {
  const hex = /^(?:\\x|0x)([0-9a-fA-F]+)$/i.exec(value);
  if (hex && hex[1].length % 2 === 0) return Buffer.from(hex[1], 'hex');
  return Buffer.from(value.replace(/\\t/g, '\t').replace(/\\n/g, '\n').replace(/\\r/g, '\r'), 'utf8');
}

/** A delimiter as an HTTP header value: printable ASCII as is, anything else in StarRocks' `\x` hex form. */
export function delimiterHeader(value: string): string {
  const bytes = decodeDelimiter(value);
  const printable = [...bytes].every((b) => b >= 0x20 && b < 0x7f && b !== 0x5c);
  return printable ? bytes.toString('latin1') : `\\x${bytes.toString('hex')}`;
}

/** Expression text for a header: one line (headers cannot carry line breaks). */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * The Stream Load headers of one task. JSON is sent as one array of the task's messages with
 * strip_outer_array=true (see task.ts), so json_root is applied by the engine, not sent.
 */
export function streamLoadHeaders(job: RoutineLoadJob, timeoutS: number): Record<string, string> {
  const def = job.definition;
  const headers: Record<string, string> = { format: job.format };
  if (job.format === 'csv') {
    if (def.loadDesc.columnSeparator !== undefined) headers.column_separator = delimiterHeader(def.loadDesc.columnSeparator);
    if (def.loadDesc.rowDelimiter !== undefined) headers.row_delimiter = delimiterHeader(def.loadDesc.rowDelimiter);
  } else {
    headers.strip_outer_array = 'true';
    const jsonpaths = job.property('jsonpaths');
    if (jsonpaths) headers.jsonpaths = oneLine(jsonpaths);
  }
  if (def.loadDesc.columns?.length) headers.columns = def.loadDesc.columns.map(oneLine).join(',');
  if (def.loadDesc.where) headers.where = oneLine(def.loadDesc.where);
  if (def.loadDesc.partitions?.names.length) {
    headers[def.loadDesc.partitions.temporary ? 'temporary_partitions' : 'partitions'] = def.loadDesc.partitions.names.join(',');
  }
  headers.strict_mode = String(job.strictMode);
  const timezone = job.property('timezone');
  if (timezone) headers.timezone = timezone;
  headers.max_filter_ratio = String(job.maxFilterRatio);
  headers.timeout = String(Math.max(1, Math.ceil(timeoutS)));
  for (const key of ['partial_update', 'merge_condition', 'trim_space', 'enclose', 'escape', 'log_rejected_record_num']) {
    const value = def.jobProperties[key];
    if (value !== undefined && value !== '') headers[key] = value;
  }
  return headers;
}
