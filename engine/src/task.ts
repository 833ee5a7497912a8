// Task: a unit of work split from a RoutineLoadJob — fixed partitions and start offsets. It reads
// them for at most the consume time (or the byte limit), fixes and records the range it read,
// builds one body (body.ts) and sends one Stream Load whose label is derived from that range.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SourceError, StreamLoadError,
  type KafkaSource, type Offset, type PartitionBatch, type StreamLoadClient, type StreamLoadResponse,
} from './ports.js';
import {
  streamLoadHeaders, type CommittedBatch, type PartitionRange, type PendingTask, type RoutineLoadJob, type SentCounts,
} from './job.js';
import { BodyWriter, buildBody, type Body } from './body.js';
import { classifyResponse, deriveLabel } from './exactlyOnce.js';
import { reasons, type ErrorReason } from './reasons.js';

export interface TaskEnvironment {
  source: KafkaSource;
  streamLoad: StreamLoadClient;
  instanceId: string;
  consumeS: number;
  timeoutS: number;
  labelRecheckMs: number;
  now: () => number;
  /** Durably record the fixed range before sending (exactly-once step 1). */
  recordPending: (pending: PendingTask) => Promise<void>;
  /** Log for the user, on the job's behalf (never a secret). */
  log: (level: 'debug' | 'info' | 'warn', message: string) => void;
  /** The task slot's read-ahead: the next range, read while this task's Stream Load runs. */
  readAhead?: ReadAhead;
}

/** What a task read from the job's progress: the ranges it will record and the body of their messages. */
export interface NewRead {
  ranges: PartitionRange[];
  caughtUp: boolean;
  /** Built while the messages arrived. */
  body: Body;
  /** The most rows the read could take (see batchRows). */
  rowLimit: number;
}

/** A backlog's first batch is this fraction of max_batch_rows. */
const FIRST_BATCH_SHARE = 8;

/**
 * Rows a read may take. The seed: max_batch_rows is the most a task reads. When a task slot starts (a new job,
 * RESUME, an engine start) or finds more than max_batch_rows waiting (a backlog), its batch is an eighth of
 * max_batch_rows and each batch read ahead doubles, up to max_batch_rows: the first Stream Load starts after a
 * short read instead of a full one, and from then on a load runs while the next batch is read. Catching up costs
 * three more transactions; a job that keeps up reads everything waiting in one.
 */
export function batchRows(maxBatchRows: number, waiting: number, previousLimit?: number, slotStart = false): number {
  if (previousLimit !== undefined) return Math.min(maxBatchRows, previousLimit * 2);
  if (slotStart || waiting > maxBatchRows) return Math.ceil(maxBatchRows / FIRST_BATCH_SHARE);
  return maxBatchRows;
}

/**
 * Read-ahead of one task slot (one per task loop, so memory stays at one extra batch per slot). While a task's
 * Stream Load runs, the range after it is read into memory, UNRECORDED. The slot's next task adopts it only if it
 * starts exactly where the read-ahead started (the previous batch committed and nothing moved the progress);
 * otherwise (an abort, a retry that ended differently, ALTER, PAUSE) it is discarded. An adopted read goes through
 * the same steps as a fresh one — its range is recorded durably before it is sent and its label derives from
 * it — so exactly-once does not depend on it.
 */
export class ReadAhead {
  private current: { start: Map<number, Offset>; result: Promise<NewRead | undefined>; controller: AbortController } | undefined;
  adopted = 0;
  discarded = 0;
  /** Whether the slot has read yet: its first read (a job's start, RESUME, an engine start) starts short. */
  fresh = true;

  get pending(): boolean {
    return this.current !== undefined;
  }

  begin(start: Map<number, Offset>, read: (signal: AbortSignal) => Promise<NewRead | TaskResult>): void {
    this.discard();
    const controller = new AbortController();
    const result = read(controller.signal).then(
      (r) => ('kind' in r || controller.signal.aborted ? undefined : r),
      () => undefined, // the next task reads again and reports the failure itself
    );
    this.current = { start: new Map(start), result, controller };
  }

  /** The read-ahead if it starts exactly at `start`; otherwise it is discarded and the task reads itself. */
  take(start: Map<number, Offset>): Promise<NewRead | undefined> | undefined {
    const current = this.current;
    if (!current) return undefined;
    this.current = undefined;
    if (!sameOffsets(current.start, start)) {
      current.controller.abort();
      this.discarded += 1;
      return undefined;
    }
    this.adopted += 1;
    return current.result;
  }

  discard(): void {
    if (!this.current) return;
    this.current.controller.abort();
    this.current = undefined;
    this.discarded += 1;
  }
}

function sameOffsets(a: Map<number, Offset>, b: Map<number, Offset>): boolean {
  if (a.size !== b.size) return false;
  for (const [p, o] of a) if (b.get(p) !== o) return false;
  return true;
}

export type TaskResult =
  /** Nothing new in Kafka: the partitions are caught up. */
  | { kind: 'noData' }
  /** StarRocks committed the range (or skipped it by its own rule): progress may move. */
  | ({
      kind: 'committed';
      pending: PendingTask;
      caughtUp: boolean;
      txnId?: number;
      message: string;
    } & Omit<CommittedBatch, 'ranges'>)
  /** StarRocks aborted the transaction: the range is not loaded; try again after max_batch_interval. */
  | { kind: 'aborted'; pending?: PendingTask; message: string; errorUrl?: string }
  /** The outcome is unknown (network, timeout, label still running): send the same range again later. */
  | { kind: 'retry'; pending?: PendingTask; message: string; timedOut: boolean }
  /** The job must pause; `keepPending` tells whether the recorded range must be replayed on RESUME. */
  | { kind: 'pause'; reason: ErrorReason; pending?: PendingTask; keepPending: boolean };

export type TxnStatus = 'UNKNOWN' | 'PREPARE' | 'COMMITTED' | 'VISIBLE' | 'ABORTED';

export class Task {
  readonly id = randomUUID();
  readonly createTimeMs: number;
  lastScheduledTimeMs: number | null = null;
  executeStartTimeMs: number | null = null;
  txnId: number | null = null;
  txnStatus: TxnStatus = 'UNKNOWN';
  message = '';
  /** The body of a recorded range, kept so a retry in this process does not read Kafka again. */
  private cached: { pending: PendingTask; body: Body } | undefined;

  constructor(
    readonly job: RoutineLoadJob,
    /** The partitions this task owns, fixed for its life. */
    readonly partitions: readonly number[],
    now: number,
    /** A recorded range this task must send again, exactly. */
    public replay?: PendingTask,
  ) {
    this.createTimeMs = now;
  }

  /** Start offsets: the recorded range when replaying, else the job's progress. */
  startOffsets(): Map<number, Offset> {
    if (this.replay) return new Map(this.replay.ranges.map((r) => [r.partition, r.from]));
    return new Map(this.partitions.map((p) => [p, this.job.progress.get(p) ?? 0n]));
  }

  async run(env: TaskEnvironment, signal: AbortSignal): Promise<TaskResult> {
    const started = env.now();
    this.executeStartTimeMs = started;
    this.txnStatus = 'UNKNOWN';
    const deadline = started + env.timeoutS * 1000;
    let pending: PendingTask | undefined = this.replay;
    let body: Body;
    let caughtUp = true;
    try {
      if (this.cached && pending && this.cached.pending.label === pending.label) {
        body = this.cached.body;
      } else if (pending) {
        const batches = await this.readExactly(env, pending, deadline, signal);
        if ('kind' in batches) return batches;
        body = buildBody(this.job, batches);
      } else {
        const start = this.startOffsets();
        const ahead = env.readAhead?.take(start);
        const read = (ahead && (await ahead)) || (await this.readNew(env, signal, start));
        if ('kind' in read) return read;
        caughtUp = read.caughtUp;
        // More is waiting in Kafka: read it — building its body as it arrives — while this batch is recorded and
        // loads (unrecorded; see ReadAhead).
        if (!caughtUp && env.readAhead && !signal.aborted) {
          const next = new Map(start);
          for (const r of read.ranges) next.set(r.partition, r.to + 1n);
          env.readAhead.begin(next, (aheadSignal) => this.readNew(env, aheadSignal, next, read.rowLimit));
          env.log('debug', `reading ahead from ${[...next].map(([p, o]) => `${p}:${o}`).join(', ')} while the batch from ${[...start].map(([p, o]) => `${p}:${o}`).join(', ')} loads`);
        }
        body = read.body;
        // Checked before the range is recorded: nothing is sent and progress stays before the bad message, so
        // RESUME meets it again unless the offsets are ALTERed or the property is set to false. A recorded range
        // is never judged again this way: it may already be in StarRocks, so it is always sent as recorded.
        if (body.parseError && this.job.pauseOnFatalParseError) {
          return { kind: 'pause', reason: reasons.parseError(body.parseError), keepPending: false };
        }
        pending = {
          label: deriveLabel(this.job.name, this.job.id, env.instanceId, this.job.uuid, read.ranges),
          ranges: read.ranges,
          createdAtMs: env.now(),
          sent: sentCounts(body),
        };
        // Exactly-once step 1: the range is on disk before StarRocks sees a byte of it.
        await env.recordPending(pending);
        this.replay = pending;
      }
    } catch (err) {
      return this.sourceFailure(err, pending);
    }
    if (body.rows === 0) {
      this.job.bodies.give(body.buffer);
      // Every message was rejected by the engine: nothing to send, progress moves (StarRocks: no rows imported).
      return {
        kind: 'committed', pending, caughtUp, totalRows: body.localErrorRows, loadedRows: 0, errorRows: body.localErrorRows,
        unselectedRows: 0, receivedBytes: body.receivedBytes, executeTimeMs: env.now() - started, message: 'No rows were imported from upstream',
      };
    }
    this.cached = { pending, body };
    const result = await this.send(env, pending, body, caughtUp, started, deadline, signal);
    if (result.kind === 'committed') {
      // StarRocks read the whole body to answer so: its buffer serves the job's next batches.
      this.cached = undefined;
      this.job.bodies.give(body.buffer);
    }
    return result;
  }

  private async send(
    env: TaskEnvironment, pending: PendingTask, body: Body, caughtUp: boolean, started: number, deadline: number, signal: AbortSignal,
  ): Promise<TaskResult> {
    const headers = streamLoadHeaders(this.job, env.timeoutS);
    let waitingLogged = false;
    for (;;) {
      const remaining = deadline - env.now();
      if (remaining <= 0) return { kind: 'retry', pending, message: `task timed out after ${env.timeoutS} s`, timedOut: true };
      let response: StreamLoadResponse;
      try {
        this.txnStatus = 'PREPARE';
        response = await env.streamLoad.load({
          db: this.job.dbName, table: this.job.definition.tableName, label: pending.label, headers, body: body.body,
          timeoutMs: remaining, signal,
        });
      } catch (err) {
        this.txnStatus = 'UNKNOWN';
        if (signal.aborted) return { kind: 'retry', pending, message: 'task interrupted', timedOut: false };
        if (err instanceof StreamLoadError) {
          if (err.kind === 'authentication') return { kind: 'pause', reason: reasons.streamLoadRefused(err.message), pending, keepPending: true };
          if (err.kind === 'unknownTable') return { kind: 'pause', reason: reasons.streamLoadRefused(err.message), pending, keepPending: true };
          return { kind: 'retry', pending, message: err.message, timedOut: err.kind === 'timeout' };
        }
        return { kind: 'retry', pending, message: (err as Error).message ?? String(err), timedOut: false };
      }
      if (typeof response.TxnId === 'number') this.txnId = response.TxnId;
      const outcome = classifyResponse(response.Status, response.ExistingJobStatus, response.Message ?? '');
      this.message = response.Message ?? '';
      switch (outcome.kind) {
        case 'committed':
        case 'skipped': {
          this.txnStatus = outcome.kind === 'committed' ? 'VISIBLE' : 'ABORTED';
          const duplicate = response.Status === 'Label Already Exists';
          const counts = duplicate ? this.countsOfEarlierAttempt(env, pending, body) : countsOfAnswer(response, body, outcome.kind === 'skipped');
          return {
            kind: 'committed', pending, caughtUp, ...counts,
            executeTimeMs: env.now() - started,
            errorUrl: typeof response.ErrorURL === 'string' && response.ErrorURL ? response.ErrorURL : undefined,
            txnId: response.TxnId,
            message: duplicate ? `label ${pending.label} was already committed` : response.Message,
          };
        }
        case 'inProgress': {
          // An earlier attempt's transaction is still open in StarRocks (its answer was lost or it timed out):
          // ask again with the same label until it finishes — committed is counted once, aborted is sent again.
          this.txnStatus = 'PREPARE';
          this.message = `label ${pending.label} is still RUNNING in StarRocks; asking again every ${env.labelRecheckMs} ms`;
          if (!waitingLogged) {
            env.log('info', `${this.message} until it finishes or the task times out`);
            waitingLogged = true;
          }
          const wait = Math.min(env.labelRecheckMs, Math.max(0, deadline - env.now()));
          try {
            await sleep(wait, undefined, { signal });
          } catch {
            return { kind: 'retry', pending, message: 'task interrupted', timedOut: false };
          }
          continue;
        }
        case 'tooManyFilteredRows':
          this.txnStatus = 'ABORTED';
          return { kind: 'pause', reason: reasons.tooManyFilteredRows(outcome.message), pending, keepPending: false };
        case 'failed':
          this.txnStatus = 'ABORTED';
          return {
            kind: 'aborted', pending, message: outcome.message,
            errorUrl: typeof response.ErrorURL === 'string' && response.ErrorURL ? response.ErrorURL : undefined,
          };
      }
    }
  }

  /**
   * Counts of a batch an earlier attempt committed, whose answer never arrived (a crash, a timeout, a lost
   * connection): StarRocks' `Label Already Exists` answer carries none, so they come from what was recorded
   * before sending. Total rows, bytes and the engine's own error rows are exact. How StarRocks split the sent
   * rows into loaded, filtered and unselected is not recoverable over Stream Load (the label's state is all
   * StarRocks keeps answering), so they count as loaded — and the log says so.
   */
  private countsOfEarlierAttempt(env: TaskEnvironment, pending: PendingTask, body: Body): Counts {
    const sent = pending.sent ?? sentCounts(body);
    env.log(
      'info',
      `batch ${pending.label} was committed by an earlier attempt whose answer was lost; StarRocks does not repeat its counts, ` +
        `so its ${sent.rows} row(s) count as loaded (rows that StarRocks filtered or WHERE removed in it cannot be told apart)`,
    );
    return {
      totalRows: sent.rows + sent.engineErrorRows,
      loadedRows: sent.rows,
      errorRows: sent.engineErrorRows,
      unselectedRows: 0,
      receivedBytes: sent.receivedBytes,
    };
  }

  /**
   * Read new data from the job's progress, stopping at the high watermarks seen now.
   * @param previousLimit the row limit of the batch this read follows without a pause (a read-ahead).
   */
  private async readNew(env: TaskEnvironment, signal: AbortSignal, start: Map<number, Offset>, previousLimit?: number): Promise<TaskResult | NewRead> {
    const marks = await env.source.watermarks([...start.keys()]);
    const toRead = new Map<number, Offset>();
    const until = new Map<number, Offset>();
    for (const [partition, offset] of start) {
      const mark = marks.get(partition);
      if (!mark) continue;
      this.job.latestOffsets.set(partition, mark.high);
      if (offset < mark.low) return { kind: 'pause', reason: reasons.offsetOutOfRange(partition, offset, mark.low), keepPending: false };
      if (offset > mark.high) return { kind: 'pause', reason: reasons.offsetBeyondLatest(offset, mark.high, partition), keepPending: false };
      if (offset < mark.high) {
        toRead.set(partition, offset);
        until.set(partition, mark.high);
      }
    }
    if (toRead.size === 0) {
      // Caught up: a job that waits for data holds no spare body buffers (the next batches may be small).
      this.job.bodies.clear();
      return { kind: 'noData' };
    }
    // The body is built as the messages arrive (see BodyWriter), so it is ready when the read ends.
    let expected = 0;
    for (const [partition, from] of toRead) expected += Number((until.get(partition) ?? from) - from);
    const slotStart = env.readAhead?.fresh ?? false;
    if (env.readAhead) env.readAhead.fresh = false;
    const rowLimit = batchRows(this.job.maxBatchRows, expected, previousLimit, slotStart);
    // Working through a backlog, every body gets room for a full batch: the pool then hands a later batch a buffer
    // an earlier one already touched, instead of fresh memory for each larger batch (see BodyPool). Only the
    // bytes written take memory.
    const writer = new BodyWriter(this.job, rowLimit < expected ? this.job.maxBatchRows : expected);
    const batches = await env.source.read(toRead, {
      deadlineMs: env.now() + env.consumeS * 1000,
      maxBytes: this.job.maxBatchSize,
      // The seed: max_batch_rows is the most rows a task reads. A large backlog becomes several batches that
      // pipeline (read-ahead) instead of one huge body.
      maxRows: rowLimit,
      untilOffsets: until,
      signal,
      onValue: (partition, value) => writer.add(partition, value),
    });
    const ranges: PartitionRange[] = [];
    const used: PartitionBatch[] = [];
    let caughtUp = true;
    for (const batch of batches) {
      if (batch.lastOffset < batch.from) continue;
      ranges.push({ partition: batch.partition, from: batch.from, to: batch.lastOffset, lastTimestampMs: batch.lastTimestampMs });
      used.push(batch);
    }
    for (const [partition, high] of until) {
      const batch = batches.find((b) => b.partition === partition);
      // StarRocks' isProgressKeepUp: the next task runs at once when this one stopped short of the watermark.
      if (!batch || batch.lastOffset + 1n < high) caughtUp = false;
    }
    if (ranges.length === 0) return signal.aborted ? { kind: 'retry', message: 'task interrupted', timedOut: false } : { kind: 'noData' };
    let messages = 0;
    for (const batch of used) messages += batch.messages ?? batch.values.length;
    // A source that does not report messages as it reads them gets its body built now.
    const body = writer.messages === messages ? writer.finish() : buildBody(this.job, used);
    if (messages > 0) this.job.bodyBytesPerMessage = body.body.length / messages;
    return { ranges, caughtUp, body, rowLimit };
  }

  /** Read a recorded range again, exactly [from, to] per partition, however many reads it takes. */
  private async readExactly(env: TaskEnvironment, pending: PendingTask, deadline: number, signal: AbortSignal): Promise<TaskResult | PartitionBatch[]> {
    const collected = new Map<number, PartitionBatch>();
    const marks = await env.source.watermarks(pending.ranges.map((r) => r.partition));
    for (const range of pending.ranges) {
      const mark = marks.get(range.partition);
      if (mark && range.from < mark.low) {
        // The recorded batch is gone from Kafka (retention): it cannot be sent again.
        return { kind: 'pause', reason: reasons.offsetOutOfRange(range.partition, range.from, mark.low), pending, keepPending: true };
      }
      collected.set(range.partition, { partition: range.partition, from: range.from, lastOffset: range.from - 1n, values: [] });
    }
    let stalls = 0;
    for (;;) {
      const start = new Map<number, Offset>();
      const until = new Map<number, Offset>();
      for (const range of pending.ranges) {
        const got = collected.get(range.partition);
        if (got && got.lastOffset < range.to) {
          start.set(range.partition, got.lastOffset + 1n);
          until.set(range.partition, range.to + 1n);
        }
      }
      if (start.size === 0) break;
      if (env.now() >= deadline || signal.aborted) return { kind: 'retry', pending, message: 'could not read the recorded range again in time', timedOut: true };
      const batches = await env.source.read(start, { deadlineMs: Math.min(deadline, env.now() + env.consumeS * 1000), maxBytes: Number.MAX_SAFE_INTEGER, untilOffsets: until, signal });
      let progressed = false;
      for (const batch of batches) {
        const got = collected.get(batch.partition);
        if (!got || batch.lastOffset <= got.lastOffset) continue;
        // One push per value: spreading a 200k-message batch into push() exceeds the call stack.
        for (const value of batch.values) got.values.push(value);
        got.lastOffset = batch.lastOffset;
        if (batch.lastTimestampMs !== undefined) got.lastTimestampMs = batch.lastTimestampMs;
        progressed = true;
      }
      // Transaction markers can end a range without a message at `to`: two reads without progress mean done.
      stalls = progressed ? 0 : stalls + 1;
      if (stalls >= 2) break;
    }
    return [...collected.values()];
  }

  private sourceFailure(err: unknown, pending: PendingTask | undefined): TaskResult {
    if (err instanceof SourceError) {
      switch (err.kind) {
        case 'offsetOutOfRange':
          return {
            kind: 'pause',
            reason: reasons.offsetOutOfRange(err.partition ?? -1, this.startOffsets().get(err.partition ?? -1) ?? -1n, undefined),
            pending, keepPending: pending !== undefined,
          };
        case 'authentication':
        case 'ssl':
        case 'configuration':
        case 'unknownTopic':
          return { kind: 'pause', reason: reasons.taskFatal(err.message), pending, keepPending: pending !== undefined };
        default:
          return { kind: 'retry', pending, message: `kafka consume failed, err: ${err.message}`, timedOut: false };
      }
    }
    return { kind: 'retry', pending, message: (err as Error)?.message ?? String(err), timedOut: false };
  }
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

interface Counts {
  totalRows: number;
  loadedRows: number;
  errorRows: number;
  unselectedRows: number;
  receivedBytes: number;
}

function sentCounts(body: Body): SentCounts {
  return { rows: body.rows, engineErrorRows: body.localErrorRows, receivedBytes: body.receivedBytes };
}

/** The statistics of StarRocks' answer to the batch, plus the messages the engine rejected before sending. */
function countsOfAnswer(response: StreamLoadResponse, body: Body, skipped: boolean): Counts {
  const total = num(response.NumberTotalRows, body.rows);
  const filtered = num(response.NumberFilteredRows, 0);
  const unselected = num(response.NumberUnselectedRows, 0);
  return {
    totalRows: total + body.localErrorRows,
    // "No rows were imported from upstream": every considered row was an error row.
    loadedRows: skipped ? 0 : num(response.NumberLoadedRows, total - filtered - unselected),
    errorRows: (skipped ? total - unselected : filtered) + body.localErrorRows,
    unselectedRows: unselected,
    receivedBytes: body.receivedBytes,
  };
}
