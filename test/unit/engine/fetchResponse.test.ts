// The engine's Fetch response decoder against kafkajs' own: record batches written by kafkajs' encoder (random
// keys, values, nulls, headers, timestamps, gzip, gaps, a cut-off tail, transactions) must decode to the same
// records, and the read_committed filter must keep what kafkajs' filter keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { committedBatches, decodeFetchResponse, valueOf, type FetchedBatch } from '../../../engine/src/kafka/fetchResponse';
import { Random } from '../../helpers/random';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- kafkajs' internal encoders are untyped JavaScript */
const Encoder = require('kafkajs/src/protocol/encoder');
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
const Long = require('kafkajs/src/utils/long');
const kafkajsV11 = require('kafkajs/src/protocol/requests/fetch/v11/response');
const kafkajsV4 = require('kafkajs/src/protocol/requests/fetch/v4/response');
const filterAbortedMessages = require('kafkajs/src/consumer/filterAbortedMessages');
const MessageSet = require('kafkajs/src/protocol/messageSet');

interface BatchSpec {
  firstOffset: number;
  firstTimestamp: number;
  records: Array<{ offsetDelta: number; timestampDelta: number; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer> }>;
  compression?: number;
  transactional?: boolean;
  producerId?: number;
  control?: 'commit' | 'abort';
}

async function encodeBatch(spec: BatchSpec): Promise<Buffer> {
  const records = spec.records.map((r) => Record(r));
  const lastOffsetDelta = Math.max(0, ...spec.records.map((r) => r.offsetDelta));
  const encoded: any = await RecordBatch({
    compression: spec.compression ?? 0,
    firstOffset: Long.fromNumber(spec.firstOffset),
    firstTimestamp: spec.firstTimestamp,
    maxTimestamp: spec.firstTimestamp + Math.max(0, ...spec.records.map((r) => r.timestampDelta)),
    lastOffsetDelta,
    transactional: spec.transactional ?? false,
    producerId: Long.fromNumber(spec.producerId ?? -1),
    records,
  });
  const buffer: Buffer = encoded.buffer;
  if (spec.control) {
    // kafkajs cannot write control batches: set the control bit (attributes at byte 21). The CRC is not checked.
    buffer.writeInt16BE(buffer.readInt16BE(21) | 0x20, 21);
  }
  return buffer;
}

const controlKey = (type: 'commit' | 'abort') => {
  const key = Buffer.alloc(4);
  key.writeInt16BE(type === 'commit' ? 1 : 0, 2);
  return key;
};

/** A Fetch v11 (or v4) response with one topic and the given partitions' record sets. */
function fetchResponse(version: 4 | 11, partitions: Array<{ partition: number; recordSet: Buffer; hw: number; aborted?: Array<{ producerId: number; firstOffset: number }> }>): Buffer {
  const e = new Encoder().writeInt32(0);
  if (version === 11) e.writeInt16(0).writeInt32(0);
  e.writeInt32(1).writeString('topic');
  e.writeInt32(partitions.length);
  for (const p of partitions) {
    e.writeInt32(p.partition).writeInt16(0).writeInt64(Long.fromNumber(p.hw)).writeInt64(Long.fromNumber(p.hw));
    if (version === 11) e.writeInt64(Long.fromNumber(0));
    const aborted = p.aborted ?? [];
    e.writeInt32(aborted.length);
    for (const a of aborted) e.writeInt64(Long.fromNumber(a.producerId)).writeInt64(Long.fromNumber(a.firstOffset));
    if (version === 11) e.writeInt32(-1);
    e.writeBytes(p.recordSet);
  }
  return e.buffer;
}

/** Our batches as kafkajs-like flat records. */
function flatten(batches: FetchedBatch[]) {
  return batches.flatMap((b) =>
    b.offsetDeltas.map((_, i) => valueOf(b, i)).map((value, i) => ({
      offset: String(b.baseOffset + BigInt(b.offsetDeltas[i]!)),
      timestamp: String(b.logAppendTime ? b.maxTimestamp : b.firstTimestamp + b.timestampDeltas[i]!),
      value: value === null ? null : value.toString('hex'),
      control: b.control,
    })),
  );
}

function theirs(messages: any[]) {
  return messages.map((m) => ({ offset: m.offset, timestamp: m.timestamp, value: m.value === null ? null : m.value.toString('hex'), control: m.isControlRecord }));
}

function randomBatches(rnd: Random, start: number): BatchSpec[] {
  const batches: BatchSpec[] = [];
  let offset = start;
  for (let b = rnd.int(1, 6); b > 0; b--) {
    const count = rnd.int(1, 40);
    const records: BatchSpec['records'] = [];
    let delta = 0;
    for (let i = 0; i < count; i++) {
      const size = rnd.pick([0, 1, 5, 100, 300, 20_000]);
      const headers: Record<string, Buffer> = {};
      if (rnd.next() < 0.3) headers[`h${rnd.int(0, 9)}`] = rnd.bytes(rnd.int(0, 20));
      records.push({
        offsetDelta: delta,
        timestampDelta: rnd.pick([0, 1, 63, 64, 8191, 8192, 2 ** 31, 2 ** 40]),
        key: rnd.next() < 0.5 ? null : rnd.bytes(rnd.int(0, 30)),
        value: rnd.next() < 0.1 ? null : rnd.bytes(size),
        headers,
      });
      delta += rnd.next() < 0.1 ? rnd.int(2, 5) : 1; // compaction gaps
    }
    batches.push({ firstOffset: offset, firstTimestamp: 1_700_000_000_000 + rnd.int(0, 1e6), records, compression: rnd.next() < 0.3 ? 1 : 0 });
    offset += delta + rnd.int(0, 3);
  }
  return batches;
}

test('decodes what kafkajs decodes: 200 random record sets, gzip, nulls, headers, gaps, a cut-off tail', async () => {
  for (let seed = 1; seed <= 200; seed++) {
    const rnd = new Random(seed);
    const specs = randomBatches(rnd, rnd.pick([0, 5, 1_000_000, 2 ** 40]));
    let recordSet = Buffer.concat(await Promise.all(specs.map(encodeBatch)));
    // The broker cuts a record set at its byte limit: the partial last batch must be left out by both.
    if (rnd.next() < 0.4) recordSet = recordSet.subarray(0, rnd.int(Math.max(0, recordSet.length - 400), recordSet.length - 1));
    const version = rnd.next() < 0.5 ? 11 : 4;
    const raw = fetchResponse(version, [{ partition: 3, recordSet, hw: 2 ** 41 }]);
    const expected = await (version === 11 ? kafkajsV11 : kafkajsV4).decode(raw);
    const actual = await decodeFetchResponse(raw, version);
    const [ours] = actual.responses[0]!.partitions;
    const [kjs] = expected.responses[0].partitions;
    assert.equal(ours!.partition, 3);
    assert.equal(String(ours!.highWatermark), kjs.highWatermark);
    assert.deepEqual(flatten(ours!.batches), theirs(kjs.messages), `seed ${seed}`);
    for (const b of ours!.batches) {
      const spec = specs.find((s) => BigInt(s.firstOffset) === b.baseOffset)!;
      assert.equal(b.lastOffsetDelta, spec.records.at(-1)!.offsetDelta, `seed ${seed}: the batch header says where it ends`);
    }
  }
});

test('read_committed keeps what kafkajs keeps: aborted transactions, commit and abort markers', async () => {
  for (let seed = 1; seed <= 100; seed++) {
    const rnd = new Random(1000 + seed);
    const specs: BatchSpec[] = [];
    const aborted: Array<{ producerId: number; firstOffset: number }> = [];
    const openTx = new Map<number, boolean>(); // producer → this transaction will abort
    let offset = 0;
    const record = (value: Buffer | null, key: Buffer | null = null) => ({ offsetDelta: 0, timestampDelta: 0, key, value, headers: {} });
    for (let i = rnd.int(3, 25); i > 0; i--) {
      const producerId = rnd.int(1, 3);
      const kind = rnd.next();
      if (kind < 0.3) {
        specs.push({ firstOffset: offset, firstTimestamp: 1, records: [record(rnd.bytes(8))] });
      } else if (kind < 0.75 || !openTx.has(producerId)) {
        if (!openTx.has(producerId)) {
          const willAbort = rnd.next() < 0.5;
          openTx.set(producerId, willAbort);
          if (willAbort) aborted.push({ producerId, firstOffset: offset });
        }
        specs.push({ firstOffset: offset, firstTimestamp: 1, records: [record(rnd.bytes(8))], transactional: true, producerId });
      } else {
        const type = openTx.get(producerId) ? 'abort' : 'commit';
        openTx.delete(producerId);
        specs.push({ firstOffset: offset, firstTimestamp: 1, records: [record(null, controlKey(type))], transactional: true, producerId, control: type });
      }
      offset += 1;
    }
    const recordSet = Buffer.concat(await Promise.all(specs.map(encodeBatch)));
    const raw = fetchResponse(11, [{ partition: 0, recordSet, hw: offset, aborted }]);
    const kjs = (await kafkajsV11.decode(raw)).responses[0].partitions[0];
    const keptByKafkajs = filterAbortedMessages({ messages: kjs.messages, abortedTransactions: kjs.abortedTransactions })
      .filter((m: any) => !m.isControlRecord)
      .map((m: any) => m.offset);
    const ours = (await decodeFetchResponse(raw, 11)).responses[0]!.partitions[0]!;
    const kept = committedBatches(ours.batches, ours.abortedTransactions);
    const keptByUs = ours.batches.filter((b) => kept.has(b)).map((b) => String(b.baseOffset));
    assert.deepEqual(keptByUs, keptByKafkajs, `seed ${1000 + seed}`);
  }
});

test('an empty or tiny record set has no batches', async () => {
  for (const recordSet of [Buffer.alloc(0), Buffer.alloc(10)]) {
    const ours = await decodeFetchResponse(fetchResponse(11, [{ partition: 0, recordSet, hw: 0 }]), 11);
    assert.deepEqual(ours.responses[0]!.partitions[0]!.batches, []);
  }
});

test('a legacy message set (magic 0 and 1) decodes as kafkajs decodes it', async () => {
  for (const messageVersion of [0, 1]) {
    const rnd = new Random(50 + messageVersion);
    const entries = Array.from({ length: 30 }, (_, i) => ({
      key: rnd.next() < 0.5 ? null : rnd.bytes(rnd.int(0, 10)),
      value: rnd.next() < 0.1 ? null : rnd.bytes(rnd.int(0, 300)),
      timestamp: 1_700_000_000_000 + i,
    }));
    const recordSet: Buffer = MessageSet({ messageVersion, compression: 0, entries }).buffer;
    const raw = fetchResponse(4, [{ partition: 1, recordSet, hw: 100 }]);
    const kjs = (await kafkajsV4.decode(raw)).responses[0].partitions[0];
    const ours = (await decodeFetchResponse(raw, 4)).responses[0]!.partitions[0]!;
    assert.equal(ours.batches.length, 30);
    // Magic 0 has no timestamps; magic 1 carries one per message.
    const pick = (r: { offset: string; value: string | null; timestamp: string }) => ({ offset: r.offset, value: r.value, ...(messageVersion === 1 ? { timestamp: r.timestamp } : {}) });
    assert.deepEqual(flatten(ours.batches).map(pick), theirs(kjs.messages).map(pick), `message version ${messageVersion}`);
  }
});
