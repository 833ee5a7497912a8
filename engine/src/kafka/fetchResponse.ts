// The engine's decoder for kafkajs' Fetch responses (versions 0–11, record batches v2 and legacy message sets).
//
// kafkajs decodes every record into an object with its offset and timestamp as decimal strings, computed
// through its Long type, and every header into an object: in the engine's CPU profile that was about half of
// the time spent per row. A task only needs each record's offset, timestamp and value, so this decoder keeps a
// batch's records as three parallel arrays: values are views into the response buffer (no copy), offsets and
// timestamps are numbers relative to the batch header. Compressed batches are inflated with kafkajs' codecs,
// legacy (magic 0/1) message sets go through kafkajs' own decoder, and the request, connection, SASL and TLS
// stay kafkajs'. `parse` is kafkajs' too, so broker error codes become the same kafkajs errors as before.
import Decoder from 'kafkajs/src/protocol/decoder';
import MessageSetDecoder from 'kafkajs/src/protocol/messageSet/decoder';
import { lookupCodecByAttributes } from 'kafkajs/src/protocol/message/compression';

export interface FetchedBatch {
  baseOffset: bigint;
  lastOffsetDelta: number;
  /** Milliseconds; with LOG_APPEND_TIME every record carries `maxTimestamp`. */
  firstTimestamp: number;
  maxTimestamp: number;
  logAppendTime: boolean;
  producerId: bigint;
  transactional: boolean;
  /** A control batch holds transaction markers, not data. */
  control: boolean;
  /** Per record, in order: offset − baseOffset, timestamp − firstTimestamp. */
  offsetDeltas: number[];
  timestampDeltas: number[];
  /**
   * Per record, where its value lies in `bytes` (start −1: a null value). Offsets rather than views: a view per
   * record is an object that lives until the response is consumed, and at 200,000 records a second the young
   * generation then promotes them; a view made as a value is handed on dies at once. See valueOf.
   */
  valueStarts: number[];
  valueEnds: number[];
  bytes: Buffer;
  /** Control batches only: the marker keys (version int16, type int16: 0 abort, 1 commit). */
  keys?: Array<Buffer | null>;
  /** Sum of key and value lengths, for sizing the next fetch. */
  recordBytes: number;
}

export interface FetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: bigint;
  /** −1n when the broker does not say (Fetch < v4). */
  lastStableOffset: bigint;
  abortedTransactions: Array<{ producerId: bigint; firstOffset: bigint }>;
  batches: FetchedBatch[];
}

export interface FetchResponse {
  throttleTime: number;
  clientSideThrottleTime: number;
  errorCode: number;
  responses: Array<{ topicName: string; partitions: FetchedPartition[] }>;
}

const MAGIC_OFFSET = 16;
/** baseOffset … recordCount: the fixed part of a v2 record batch. */
const BATCH_HEADER = 61;
const TIMESTAMP_TYPE_FLAG = 0x08;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;
const COMPRESSION_MASK = 0x07;

const EMPTY = Buffer.alloc(0);

/** Record `i`'s value: a view of the response, or null. */
export function valueOf(batch: FetchedBatch, i: number): Buffer | null {
  const start = batch.valueStarts[i]!;
  return start < 0 ? null : batch.bytes.subarray(start, batch.valueEnds[i]);
}

/** A cursor over a buffer: zigzag varints as Kafka writes them, read without allocating. */
class Cursor {
  constructor(readonly buf: Buffer, public pos = 0) {}

  varint(): number {
    const buf = this.buf;
    let value = 0;
    let shift = 0;
    let b: number;
    do {
      if (this.pos >= buf.length) throw new RangeError('varint past the end of the record');
      b = buf[this.pos++]!;
      value |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    return (value >>> 1) ^ -(value & 1);
  }

  /** A zigzag varlong as a number: exact up to 2^53, which timestamps and deltas never reach. */
  varlong(): number {
    const buf = this.buf;
    let value = 0;
    let scale = 1;
    let b: number;
    do {
      if (this.pos >= buf.length) throw new RangeError('varlong past the end of the record');
      b = buf[this.pos++]!;
      value += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80 && scale < 2 ** 70);
    return value % 2 === 1 ? -(value + 1) / 2 : value / 2;
  }

  /** Skips a varint-length byte string: where it starts (it ends at `pos`), or −1 for a null (length −1). */
  field(): number {
    const length = this.varint();
    if (length < 0) return -1;
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.buf.length) throw new RangeError('field past the end of the record');
    return start;
  }

  /** A varint-length byte string; null for length −1. */
  bytes(): Buffer | null {
    const start = this.field();
    return start < 0 ? null : this.buf.subarray(start, this.pos);
  }
}

/** Decodes `count` records (v2 format) starting at `c.pos` into `batch`. */
function decodeRecords(c: Cursor, count: number, batch: FetchedBatch): void {
  const keep = batch.keys;
  for (let i = 0; i < count; i++) {
    const length = c.varint();
    const end = c.pos + length;
    if (length < 0 || end > c.buf.length) throw new RangeError(`record ${i} of the batch at offset ${batch.baseOffset} is cut short`);
    c.pos += 1; // attributes: unused by Kafka so far
    batch.timestampDeltas.push(c.varlong());
    batch.offsetDeltas.push(c.varint());
    const key = c.bytes();
    const value = c.field();
    batch.valueStarts.push(value);
    batch.valueEnds.push(value < 0 ? -1 : c.pos);
    keep?.push(key);
    batch.recordBytes += (key?.length ?? 0) + (value < 0 ? 0 : c.pos - value);
    c.pos = end; // headers: not used by Routine Load
  }
}

/** One v2 record batch at `buf[start, start + 12 + length)`. */
async function decodeBatch(buf: Buffer, start: number, length: number): Promise<FetchedBatch> {
  const attributes = buf.readInt16BE(start + 21);
  const control = (attributes & CONTROL_FLAG) !== 0;
  const batch: FetchedBatch = {
    baseOffset: buf.readBigInt64BE(start),
    lastOffsetDelta: buf.readInt32BE(start + 23),
    firstTimestamp: Number(buf.readBigInt64BE(start + 27)),
    maxTimestamp: Number(buf.readBigInt64BE(start + 35)),
    logAppendTime: (attributes & TIMESTAMP_TYPE_FLAG) !== 0,
    producerId: buf.readBigInt64BE(start + 43),
    transactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    control,
    offsetDeltas: [],
    timestampDeltas: [],
    valueStarts: [],
    valueEnds: [],
    bytes: buf,
    recordBytes: 0,
  };
  if (control) batch.keys = [];
  const count = buf.readInt32BE(start + 57);
  const end = start + 12 + length;
  if (count <= 0) return batch;
  if ((attributes & COMPRESSION_MASK) === 0) {
    decodeRecords(new Cursor(buf.subarray(0, end), start + BATCH_HEADER), count, batch);
  } else {
    // kafkajs' codecs (gzip built in; others once registered), so the same compressions work as before.
    const codec = lookupCodecByAttributes(attributes);
    const inflated = await codec.decompress(buf.subarray(start + BATCH_HEADER, end));
    batch.bytes = inflated;
    decodeRecords(new Cursor(inflated), count, batch);
  }
  return batch;
}

/** A legacy message set (magic 0/1), through kafkajs' decoder: one batch per message. */
async function decodeLegacy(records: Buffer): Promise<FetchedBatch[]> {
  const messages = await MessageSetDecoder(new Decoder(records), records.length);
  return messages.map((m) => {
    const timestamp = Number(m.timestamp ?? -1);
    return {
      baseOffset: BigInt(m.offset),
      lastOffsetDelta: 0,
      firstTimestamp: timestamp,
      maxTimestamp: timestamp,
      logAppendTime: false,
      producerId: -1n,
      transactional: false,
      control: false,
      offsetDeltas: [0],
      timestampDeltas: [0],
      valueStarts: [m.value ? 0 : -1],
      valueEnds: [m.value ? m.value.length : -1],
      bytes: m.value ?? EMPTY,
      recordBytes: (m.key?.length ?? 0) + (m.value?.length ?? 0),
    };
  });
}

/**
 * The batches of a partition's record set. The broker cuts the set at its byte limit, so the last batch may be
 * partial: it is left out, as every Kafka client does, and fetched whole next time.
 */
export async function decodeRecordSet(records: Buffer): Promise<FetchedBatch[]> {
  if (records.length <= MAGIC_OFFSET) return [];
  if (records[MAGIC_OFFSET]! < 2) return decodeLegacy(records);
  const batches: FetchedBatch[] = [];
  let pos = 0;
  while (pos + BATCH_HEADER <= records.length) {
    const length = records.readInt32BE(pos + 8);
    if (pos + 12 + length > records.length) break; // partial
    // A mixed set (a cluster upgrading its message format) stops at the first legacy entry: it is read next time.
    if (records[pos + MAGIC_OFFSET]! !== 2) break;
    batches.push(await decodeBatch(records, pos, length));
    pos += 12 + length;
  }
  return batches;
}

/** Decodes a Fetch response body of the given API version (kafkajs' response layout for versions 0–11). */
export async function decodeFetchResponse(raw: Buffer, version: number): Promise<FetchResponse> {
  const d = new Decoder(raw);
  const int64 = (): bigint => {
    const value = raw.readBigInt64BE(d.offset);
    d.forward(8);
    return value;
  };
  const throttleTime = version >= 1 ? d.readInt32() : 0;
  const errorCode = version >= 7 ? d.readInt16() : 0;
  if (version >= 7) d.readInt32(); // session id: no fetch sessions
  const responses: FetchResponse['responses'] = [];
  const topicCount = d.readInt32();
  for (let t = 0; t < topicCount; t++) {
    const topicName = d.readString();
    const partitions: FetchedPartition[] = [];
    const partitionCount = d.readInt32();
    for (let p = 0; p < partitionCount; p++) {
      const partition = d.readInt32();
      const partitionError = d.readInt16();
      const highWatermark = int64();
      let lastStableOffset = -1n;
      const abortedTransactions: FetchedPartition['abortedTransactions'] = [];
      if (version >= 4) {
        lastStableOffset = int64();
        if (version >= 5) d.forward(8); // log start offset
        const aborted = d.readInt32();
        for (let a = 0; a < aborted; a++) {
          abortedTransactions.push({ producerId: int64(), firstOffset: int64() });
        }
        if (version >= 11) d.readInt32(); // preferred read replica: the engine reads from leaders
      }
      const size = d.readInt32();
      let batches: FetchedBatch[] = [];
      if (size > 0) {
        const available = Math.min(size, raw.length - d.offset);
        batches = await decodeRecordSet(raw.subarray(d.offset, d.offset + available));
        d.forward(available);
      }
      partitions.push({ partition, errorCode: partitionError, highWatermark, lastStableOffset, abortedTransactions, batches });
    }
    responses.push({ topicName, partitions });
  }
  // kafkajs' connection throttles on clientSideThrottleTime (KIP-219) for versions that expect the client to.
  return { throttleTime: version >= 8 ? 0 : throttleTime, clientSideThrottleTime: version >= 8 ? throttleTime : 0, errorCode, responses };
}

/** Offset just past the batch (its header says so even when compaction removed its last records). */
export const batchEnd = (b: FetchedBatch): bigint => b.baseOffset + BigInt(b.lastOffsetDelta) + 1n;

/**
 * The batches a read_committed consumer may see, as Kafka's own consumer decides (Fetcher): a transactional
 * batch is skipped while its producer has an aborted transaction open at or before it; an ABORT marker closes
 * it. Control batches carry no data and are always skipped; callers still advance past their offsets.
 */
export function committedBatches(batches: FetchedBatch[], aborted: FetchedPartition['abortedTransactions']): Set<FetchedBatch> {
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const open = new Set<bigint>();
  const kept = new Set<FetchedBatch>();
  for (const b of batches) {
    const last = batchEnd(b) - 1n;
    while (pending.length > 0 && pending[0]!.firstOffset <= last) open.add(pending.shift()!.producerId);
    if (b.control) {
      const key = b.keys?.[0];
      if (key && key.length >= 4 && key.readInt16BE(2) === 0) open.delete(b.producerId);
      continue;
    }
    if (b.transactional && open.has(b.producerId)) continue;
    kept.add(b);
  }
  return kept;
}
