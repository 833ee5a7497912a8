// Task: a unit of work split from a RoutineLoadJob — fixed partitions and start offsets. It reads
// them for at most the consume time (or the byte limit), fixes and records the range it read,
// builds one body and sends one Stream Load whose label is derived from that range.
//
// Bodies. CSV: the messages joined by the row delimiter (one message = one row, as the seed says).
// JSON: StarRocks' BE hands each Kafka message to the JSON scanner as its own document. Stream Load
// takes one document per request, so the task sends ONE JSON array holding every message's document
// with strip_outer_array=true (always sent for JSON). When the job itself sets strip_outer_array, each
// message is an array and its elements are spliced into the outer one. json_root is applied by the
// engine per message before that (StarRocks applies it per document; sent as a header it would apply
// to the outer array). Messages that are not valid JSON are not sent: they count as error rows, as
// StarRocks counts a message it cannot parse — unless the job sets pause_on_fatal_parse_error, which
// pauses it instead (StarRocks' errCode 5611). Documents are forwarded as their original text, so big
// integers keep every digit (only json_root extraction re-serialises).

import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SourceError, StreamLoadError,
  type KafkaSource, type Offset, type PartitionBatch, type StreamLoadClient, type StreamLoadResponse,
} from './ports.js';
import {
  decodeDelimiter, streamLoadHeaders, type CommittedBatch, type PartitionRange, type PendingTask, type RoutineLoadJob, type SentCounts,
} from './job.js';
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

/** What a task read from the job's progress: the ranges it will record and their messages. */
export interface NewRead {
  ranges: PartitionRange[];
  batches: PartitionBatch[];
  caughtUp: boolean;
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

interface Body {
  body: Buffer;
  /** Rows in the body. */
  rows: number;
  /** Messages the engine could not turn into rows (invalid JSON, json_root missing). */
  localErrorRows: number;
  receivedBytes: number;
  /** The first message that is not JSON at all, described for pause_on_fatal_parse_error. */
  parseError?: string;
}

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
        body = buildBody(this.job, read.batches);
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
        // More is waiting in Kafka: read it while this batch loads (unrecorded; see ReadAhead).
        if (!caughtUp && env.readAhead && !signal.aborted) {
          const next = new Map(start);
          for (const r of read.ranges) next.set(r.partition, r.to + 1n);
          env.readAhead.begin(next, (aheadSignal) => this.readNew(env, aheadSignal, next));
          env.log('debug', `reading ahead from ${[...next].map(([p, o]) => `${p}:${o}`).join(', ')} while batch ${pending.label} loads`);
        }
      }
    } catch (err) {
      return this.sourceFailure(err, pending);
    }
    this.cached = { pending, body };
    if (body.rows === 0) {
      // Every message was rejected by the engine: nothing to send, progress moves (StarRocks: no rows imported).
      return {
        kind: 'committed', pending, caughtUp, totalRows: body.localErrorRows, loadedRows: 0, errorRows: body.localErrorRows,
        unselectedRows: 0, receivedBytes: body.receivedBytes, executeTimeMs: env.now() - started, message: 'No rows were imported from upstream',
      };
    }
    return this.send(env, pending, body, caughtUp, started, deadline, signal);
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

  /** Read new data from the job's progress, stopping at the high watermarks seen now. */
  private async readNew(env: TaskEnvironment, signal: AbortSignal, start: Map<number, Offset>): Promise<TaskResult | NewRead> {
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
    if (toRead.size === 0) return { kind: 'noData' };
    const batches = await env.source.read(toRead, {
      deadlineMs: env.now() + env.consumeS * 1000,
      maxBytes: this.job.maxBatchSize,
      // The seed: max_batch_rows is the most rows a task reads. A large backlog becomes several batches that
      // pipeline (read-ahead) instead of one huge body.
      maxRows: this.job.maxBatchRows,
      untilOffsets: until,
      signal,
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
    return { ranges, batches: used, caughtUp };
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

// ------------------------------------------------------------ bodies

export function buildBody(job: RoutineLoadJob, batches: readonly PartitionBatch[]): Body {
  const values = batches.flatMap((b) => b.values);
  const receivedBytes = values.reduce((n, v) => n + v.length, 0);
  return job.format === 'json' ? buildJsonBody(job, batches, receivedBytes) : buildCsvBody(job, values, receivedBytes);
}

function buildCsvBody(job: RoutineLoadJob, values: Buffer[], receivedBytes: number): Body {
  const delimiter = decodeDelimiter(job.definition.loadDesc.rowDelimiter ?? '\\n');
  const d = delimiter.length;
  // One pass to size the body (each message trimmed of trailing delimiters: one message is one row, and a stray
  // trailing delimiter would make an extra empty row), one allocation, one copy per row.
  const lengths = new Int32Array(values.length);
  let total = values.length > 0 ? d * (values.length - 1) : 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    let len = value.length;
    if (d > 0) while (len >= d && endsWith(value, len, delimiter)) len -= d;
    lengths[i] = len;
    total += len;
  }
  const body = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    if (i > 0) pos += delimiter.copy(body, pos);
    pos += values[i].copy(body, pos, 0, lengths[i]);
  }
  return { body, rows: values.length, localErrorRows: 0, receivedBytes };
}

/** Whether value[0, len) ends with `suffix`. */
function endsWith(value: Buffer, len: number, suffix: Buffer): boolean {
  const d = suffix.length;
  for (let j = 1; j <= d; j++) if (value[len - j] !== suffix[d - j]) return false;
  return true;
}

function buildJsonBody(job: RoutineLoadJob, batches: readonly PartitionBatch[], receivedBytes: number): Body {
  const root = job.property('json_root') ?? '';
  const strip = job.stripOuterArray;
  // The common case — no json_root, no strip_outer_array — forwards each message's bytes as they are: a byte scan
  // checks that the message is exactly one JSON value (what JSON.parse would accept) and is valid UTF-8, without
  // decoding or parsing it. A message the scan does not accept goes the general way below, so invalid messages
  // count as error rows (and pause_on_fatal_parse_error sees them) exactly as before.
  const fast = !root && !strip;
  const pieces: Buffer[] = [];
  let localErrorRows = 0;
  let rows = 0;
  let parseError: string | undefined;
  for (const batch of batches) {
    for (const value of batch.values) {
      if (fast) {
        const slice = jsonValueBytes(value);
        if (slice) {
          pieces.push(slice);
          rows += 1;
          continue;
        }
      }
      const text = value.toString('utf8').trim();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        localErrorRows += 1;
        parseError ??= `parse error: a message of partition ${batch.partition} is not valid JSON (${(err as Error).message}): ${preview(text)}`;
        continue;
      }
      let doc = parsed;
      let docText = text;
      if (root) {
        doc = evaluateJsonRoot(parsed, root);
        if (doc === undefined) {
          localErrorRows += 1;
          continue;
        }
        docText = JSON.stringify(doc);
      }
      if (strip) {
        if (!Array.isArray(doc)) {
          localErrorRows += 1;
          continue;
        }
        if (doc.length === 0) continue;
        // Each element of the message's array is one row.
        rows += doc.length;
        if (root) pieces.push(Buffer.from(doc.map((d) => JSON.stringify(d)).join(','), 'utf8'));
        else pieces.push(Buffer.from(docText.slice(docText.indexOf('[') + 1, docText.lastIndexOf(']')).trim(), 'utf8'));
        continue;
      }
      rows += 1;
      pieces.push(Buffer.from(docText, 'utf8'));
    }
  }
  // `[` piece (, piece)* `]` in one allocation.
  let total = 2 + (pieces.length > 0 ? pieces.length - 1 : 0);
  for (const piece of pieces) total += piece.length;
  const body = Buffer.allocUnsafe(total);
  let pos = 0;
  body[pos++] = 0x5b;
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) body[pos++] = 0x2c;
    pos += pieces[i].copy(body, pos);
  }
  body[pos++] = 0x5d;
  return { body, rows, localErrorRows, receivedBytes, ...(parseError ? { parseError } : {}) };
}

// ------------------------------------------------------------ a JSON syntax check on bytes

const MAX_SCAN_DEPTH = 512;

/**
 * The bytes of `value` without surrounding JSON whitespace, if they are exactly one JSON value (RFC 8259, as
 * JSON.parse accepts it) in valid UTF-8; else undefined (the caller parses the message itself: other whitespace
 * String.trim removes, invalid UTF-8, very deep nesting, or invalid JSON).
 */
export function jsonValueBytes(value: Buffer): Buffer | undefined {
  let start = 0;
  let end = value.length;
  while (start < end && isJsonSpace(value[start])) start++;
  while (end > start && isJsonSpace(value[end - 1])) end--;
  if (start === end) return undefined;
  const scan = new JsonScan(value, end);
  const after = scan.value(start, 0);
  if (after !== end) return undefined;
  const slice = value.subarray(start, end);
  if (scan.highBytes && !isUtf8(slice)) return undefined;
  return slice;
}

function isJsonSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

class JsonScan {
  highBytes = false;
  constructor(private readonly b: Buffer, private readonly end: number) {}

  private space(i: number): number {
    while (i < this.end && isJsonSpace(this.b[i])) i++;
    return i;
  }

  /** Index after the value starting at `i` (no leading whitespace), or -1. */
  value(i: number, depth: number): number {
    if (i >= this.end) return -1;
    const c = this.b[i];
    if (c === 0x22) return this.string(i);
    if (c === 0x7b) return this.object(i, depth + 1);
    if (c === 0x5b) return this.array(i, depth + 1);
    if (c === 0x74) return this.literal(i, 'true');
    if (c === 0x66) return this.literal(i, 'false');
    if (c === 0x6e) return this.literal(i, 'null');
    return this.number(i);
  }

  private object(i: number, depth: number): number {
    if (depth > MAX_SCAN_DEPTH) return -1;
    i = this.space(i + 1);
    if (this.b[i] === 0x7d) return i + 1;
    for (;;) {
      if (this.b[i] !== 0x22) return -1;
      i = this.string(i);
      if (i < 0) return -1;
      i = this.space(i);
      if (this.b[i] !== 0x3a) return -1;
      i = this.value(this.space(i + 1), depth);
      if (i < 0) return -1;
      i = this.space(i);
      const c = this.b[i];
      if (c === 0x7d) return i + 1;
      if (c !== 0x2c || i >= this.end) return -1;
      i = this.space(i + 1);
    }
  }

  private array(i: number, depth: number): number {
    if (depth > MAX_SCAN_DEPTH) return -1;
    i = this.space(i + 1);
    if (this.b[i] === 0x5d) return i + 1;
    for (;;) {
      i = this.value(i, depth);
      if (i < 0) return -1;
      i = this.space(i);
      const c = this.b[i];
      if (c === 0x5d) return i + 1;
      if (c !== 0x2c || i >= this.end) return -1;
      i = this.space(i + 1);
    }
  }

  private string(i: number): number {
    const { b, end } = this;
    for (i++; i < end; i++) {
      const c = b[i];
      if (c === 0x22) return i + 1;
      if (c < 0x20) return -1;
      if (c >= 0x80) this.highBytes = true;
      else if (c === 0x5c) {
        i++;
        const e = b[i];
        if (e === 0x75) {
          for (let k = 1; k <= 4; k++) if (!isHex(b[i + k]) || i + k >= end) return -1;
          i += 4;
        } else if (!(e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) {
          return -1;
        }
      }
    }
    return -1;
  }

  private literal(i: number, word: string): number {
    if (i + word.length > this.end) return -1;
    for (let k = 0; k < word.length; k++) if (this.b[i + k] !== word.charCodeAt(k)) return -1;
    return i + word.length;
  }

  private number(i: number): number {
    const { b, end } = this;
    if (b[i] === 0x2d) i++;
    if (i >= end) return -1;
    if (b[i] === 0x30) i++;
    else if (b[i] >= 0x31 && b[i] <= 0x39) while (i < end && isDigit(b[i])) i++;
    else return -1;
    if (i < end && b[i] === 0x2e) {
      i++;
      if (i >= end || !isDigit(b[i])) return -1;
      while (i < end && isDigit(b[i])) i++;
    }
    if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
      if (i >= end || !isDigit(b[i])) return -1;
      while (i < end && isDigit(b[i])) i++;
    }
    return i;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/** The start of a message for a reason text: one line, at most 100 characters. */
function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

/** The JSONPath subset json_root needs: `$`, `$.a.b`, `$['a']`, `$.a[0]`. */
export function evaluateJsonRoot(doc: unknown, path: string): unknown {
  const trimmed = path.trim();
  if (!trimmed.startsWith('$')) return undefined;
  const steps: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < trimmed.length) {
    const m = re.exec(trimmed);
    if (!m) return undefined;
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (m[3] ?? m[4])));
  }
  let current: unknown = doc;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
    if (current === undefined) return undefined;
  }
  return current;
}
