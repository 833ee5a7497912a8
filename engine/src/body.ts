// Bodies: the Stream Load body of one task, built from the messages it read.
//
// CSV: the messages joined by the row delimiter (one message = one row, as the seed says).
// JSON: StarRocks' BE hands each Kafka message to the JSON scanner as its own document. Stream Load
// takes one document per request, so the task sends ONE JSON array holding every message's document
// with strip_outer_array=true (always sent for JSON). When the job itself sets strip_outer_array, each
// message is an array and its elements are spliced into the outer one. json_root is applied by the
// engine per message before that (StarRocks applies it per document; sent as a header it would apply
// to the outer array). Messages that are not valid JSON are not sent: they count as error rows, as
// StarRocks counts a message it cannot parse — unless the job sets pause_on_fatal_parse_error, which
// pauses it instead (StarRocks' errCode 5611). Documents are forwarded as their original text, so big
// integers keep every digit (only json_root extraction re-serialises).

import type { PartitionBatch } from './ports.js';
import { decodeDelimiter, type RoutineLoadJob } from './job.js';
import type { BodyPool } from './bodyPool.js';
import { jsonValueBytes } from './jsonCheck.js';

export interface Body {
  body: Buffer;
  /** The buffer `body` lies in: back to the job's BodyPool once StarRocks committed the batch. */
  buffer: Buffer;
  /** Rows in the body. */
  rows: number;
  /** Messages the engine could not turn into rows (invalid JSON, json_root missing). */
  localErrorRows: number;
  receivedBytes: number;
  /** The first message that is not JSON at all, described for pause_on_fatal_parse_error. */
  parseError?: string;
}

/** The body of messages already read (a recorded range read again, or a source that does not stream). */
export function buildBody(job: RoutineLoadJob, batches: readonly PartitionBatch[]): Body {
  let bytes = 0;
  for (const batch of batches) for (const value of batch.values) bytes += value.length + 1;
  const writer = new BodyWriter(job, 0, bytes);
  for (const batch of batches) for (const value of batch.values) writer.add(batch.partition, value);
  return writer.finish();
}

/**
 * Room to start a body with: the messages a read expects times the body bytes per message of the job's last batch,
 * never more than max_batch_size (a read stops there), plus a little for delimiters.
 */
export function bodyRoom(expectedMessages: number, bytesPerMessage: number, maxBatchSize: number): number {
  return Math.ceil(Math.min(expectedMessages * bytesPerMessage, maxBatchSize) * 1.05);
}

/**
 * Builds a body message by message as the source delivers them, so that when a read ends its body is ready: the
 * copying and the JSON checks happen while the read waits for Kafka, not between the read and the Stream Load.
 * Rows go into one buffer from the job's BodyPool that doubles when full. Copies use Uint8Array#set: Buffer#copy
 * checks its arguments on every call, which shows at 200,000 short rows a body.
 */
export class BodyWriter {
  /** Messages added, whatever became of them. */
  messages = 0;
  private buf: Buffer;
  private pos = 0;
  private rows = 0;
  private localErrorRows = 0;
  private receivedBytes = 0;
  private parseError: string | undefined;
  private readonly json: boolean;
  private readonly delimiter: Buffer;
  private readonly root: string;
  private readonly strip: boolean;
  private readonly pool: BodyPool;
  private sizeFromFirst: { expected: number; maxBytes: number } | undefined;

  /**
   * @param expectedMessages how many messages the read expects: the body starts with room for them (at the job's
   *   last body bytes per message, or the first message's size for a job's first batch), up to max_batch_size.
   * @param capacity room to start with when the caller knows it.
   */
  constructor(job: RoutineLoadJob, expectedMessages = 0, capacity = 0) {
    this.json = job.format === 'json';
    // CSV: the messages joined by the row delimiter. JSON: `[` document (, document)* `]`.
    this.delimiter = this.json ? Buffer.from(',') : decodeDelimiter(job.definition.loadDesc.rowDelimiter ?? '\\n');
    this.root = job.property('json_root') ?? '';
    this.strip = job.stripOuterArray;
    this.pool = job.bodies;
    const expected = Math.min(expectedMessages, job.maxBatchRows);
    if (expected > 0 && job.bodyBytesPerMessage > 0) capacity = Math.max(capacity, bodyRoom(expected, job.bodyBytesPerMessage, job.maxBatchSize));
    // A job's first batch: sized from its first message rather than doubling its way up (each doubling copies).
    else if (expected > 0 && capacity === 0) this.sizeFromFirst = { expected, maxBytes: job.maxBatchSize };
    this.buf = this.pool.take(capacity);
    if (this.json) this.buf[this.pos++] = 0x5b;
  }

  add(partition: number, value: Buffer): void {
    if (this.sizeFromFirst) {
      this.reserve(bodyRoom(this.sizeFromFirst.expected, value.length + this.delimiter.length, this.sizeFromFirst.maxBytes));
      this.sizeFromFirst = undefined;
    }
    this.messages += 1;
    this.receivedBytes += value.length;
    if (!this.json) {
      // Trailing delimiters trimmed: one message is one row, and a stray trailing delimiter would make an extra row.
      const d = this.delimiter.length;
      let len = value.length;
      if (d > 0) while (len >= d && endsWith(value, len, this.delimiter)) len -= d;
      this.row(len === value.length ? value : value.subarray(0, len), 1);
      return;
    }
    // The common case — no json_root, no strip_outer_array — forwards each message's bytes as they are: a byte
    // scan checks that the message is exactly one JSON value (what JSON.parse would accept) and is valid UTF-8,
    // without decoding or parsing it. A message the scan does not accept goes the general way, so invalid messages
    // count as error rows (and pause_on_fatal_parse_error sees them) exactly as before.
    if (!this.root && !this.strip) {
      const slice = jsonValueBytes(value);
      if (slice) {
        this.row(slice, 1);
        return;
      }
    }
    this.generalJson(partition, value);
  }

  finish(): Body {
    if (this.json) {
      this.reserve(1);
      this.buf[this.pos++] = 0x5d;
    }
    const body = this.buf.subarray(0, this.pos);
    return { body, buffer: this.buf, rows: this.rows, localErrorRows: this.localErrorRows, receivedBytes: this.receivedBytes, ...(this.parseError ? { parseError: this.parseError } : {}) };
  }

  /** Appends one piece holding `rows` rows, after the delimiter when it is not the first. */
  private row(piece: Uint8Array, rows: number): void {
    const d = this.delimiter.length;
    this.reserve(piece.length + d);
    if (this.rows > 0) {
      // The usual one-byte delimiter (',' between JSON documents, '\n' between CSV rows) is stored, not copied:
      // a copy call costs twice as much as the store, once per row.
      if (d === 1) this.buf[this.pos++] = this.delimiter[0]!;
      else {
        this.buf.set(this.delimiter, this.pos);
        this.pos += d;
      }
    }
    this.buf.set(piece, this.pos);
    this.pos += piece.length;
    this.rows += rows;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = this.pool.take(Math.max(this.buf.length * 2, this.pos + bytes));
    grown.set(this.buf.subarray(0, this.pos));
    this.pool.give(this.buf);
    this.buf = grown;
  }

  private generalJson(partition: number, value: Buffer): void {
    const text = value.toString('utf8').trim();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.localErrorRows += 1;
      this.parseError ??= `parse error: a message of partition ${partition} is not valid JSON (${(err as Error).message}): ${preview(text)}`;
      return;
    }
    let doc = parsed;
    let docText = text;
    if (this.root) {
      doc = evaluateJsonRoot(parsed, this.root);
      if (doc === undefined) {
        this.localErrorRows += 1;
        return;
      }
      docText = JSON.stringify(doc);
    }
    if (!this.strip) {
      this.row(Buffer.from(docText, 'utf8'), 1);
      return;
    }
    if (!Array.isArray(doc)) {
      this.localErrorRows += 1;
      return;
    }
    if (doc.length === 0) return;
    // Each element of the message's array is one row.
    const elements = this.root ? doc.map((d) => JSON.stringify(d)).join(',') : docText.slice(docText.indexOf('[') + 1, docText.lastIndexOf(']')).trim();
    this.row(Buffer.from(elements, 'utf8'), doc.length);
  }
}

/** Whether value[0, len) ends with `suffix`. */
function endsWith(value: Buffer, len: number, suffix: Buffer): boolean {
  const d = suffix.length;
  for (let j = 1; j <= d; j++) if (value[len - j] !== suffix[d - j]) return false;
  return true;
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
