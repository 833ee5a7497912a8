// Read-ahead (the next range read while a batch loads, unrecorded) and max_batch_rows applied to reads,
// against the in-memory Kafka and StarRocks stand-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../engine/src/engine';
import { ReadAhead, Task, batchRows, type NewRead } from '../../../engine/src/task';
import { BodyPool } from '../../../engine/src/bodyPool';
import { bodyRoom, buildBody } from '../../../engine/src/body';
import { RoutineLoadJob } from '../../../engine/src/job';
import type { StreamLoadRequest, StreamLoadResponse } from '../../../engine/src/ports';
import { FakeKafka, FakeStarRocks, until, waitForJob } from './fakes';

const ROWS = 450_000; // max_batch_rows is at least 200,000: a backlog of more than one batch

function job(name: string, extraKafka = ''): string {
  return `CREATE ROUTINE LOAD db.${name} ON tbl
COLUMNS TERMINATED BY ","
PROPERTIES ("max_batch_rows" = "200000", "max_batch_interval" = "5")
FROM KAFKA ("kafka_broker_list" = "k1:9092", "kafka_topic" = "t", "property.kafka_default_offsets" = "OFFSET_BEGINNING"${extraKafka});`;
}

interface Gate { wait: Promise<void>; open(): void }
function gate(): Gate {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => { open = resolve; });
  return { wait, open };
}

async function withRig(fn: (r: { kafka: FakeKafka; sr: FakeStarRocks; dir: string; engine: Engine; loads: { req: StreamLoadRequest; readsAtStart: number; readsAtEnd: number; pendingOnDisk: boolean }[]; gates: Gate[] }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rl-ahead-'));
  const kafka = new FakeKafka();
  const sr = new FakeStarRocks();
  const loads: { req: StreamLoadRequest; readsAtStart: number; readsAtEnd: number; pendingOnDisk: boolean }[] = [];
  const gates: Gate[] = [];
  const held: Gate[] = [];
  const load = sr.load.bind(sr);
  sr.load = async (req): Promise<StreamLoadResponse> => {
    const state = readFileSync(join(dir, 'state.json'), 'utf8');
    // Kept as the server received it: the engine writes the next batches into this buffer once it committed.
    const entry = { req: { ...req, body: Buffer.from(req.body) }, readsAtStart: kafka.readCalls, readsAtEnd: -1, pendingOnDisk: state.includes(req.label) };
    loads.push(entry);
    const g = gates.shift();
    if (g) {
      held.push(g);
      await g.wait;
    }
    // Give a read-ahead started with this load a moment to run, as a real Stream Load would.
    await new Promise((resolve) => setTimeout(resolve, 20));
    entry.readsAtEnd = kafka.readCalls;
    return load(req);
  };
  const engine = await Engine.open({
    stateDir: dir,
    starrocks: { feUrl: 'http://fe:8030', user: 'root', password: 'pw' },
    sourceFactory: kafka.factory,
    streamLoadFactory: () => sr,
    settings: { retry_backoff_initial_millisecond: 20, retry_backoff_max_millisecond: 100, routine_load_scheduler_interval_millisecond: 100 },
  });
  try {
    await fn({ kafka, sr, dir, engine, loads, gates });
  } finally {
    for (const g of [...gates, ...held]) g.open();
    await engine.close(100);
    rmSync(dir, { recursive: true, force: true });
  }
}

function produce(kafka: FakeKafka, n: number, partitions = 1): void {
  const t = kafka.topic('t', partitions);
  for (let i = 0; i < n; i++) t.produce(i % partitions, `${i},v${i}`);
}

test('max_batch_rows bounds what a task reads: a 450k-row backlog starts with a short batch and doubles, each recorded before it is sent', async () => {
  await withRig(async ({ kafka, sr, engine, loads }) => {
    produce(kafka, ROWS);
    await engine.execute(job('rows'));
    await waitForJob(engine, (j) => j.statistic.loadedRows === ROWS, 20_000);
    const sizes = loads.map((l) => l.req.body.toString().split('\n').length);
    assert.deepEqual(sizes, [25_000, 50_000, 100_000, 200_000, 75_000]);
    assert.ok(loads.every((l) => l.pendingOnDisk), 'every range was on disk before its Stream Load');
    assert.equal(new Set(loads.map((l) => l.req.label)).size, 5);
    assert.equal(sr.loadedRows().length, ROWS);
  });
});

test('batch rows: a starting slot or a backlog starts at an eighth of max_batch_rows and doubles; what fits in one batch is read at once', () => {
  assert.equal(batchRows(200_000, 200_000), 200_000, 'all that waits fits one batch');
  assert.equal(batchRows(200_000, 200_001), 25_000, 'a backlog: a short first batch');
  assert.equal(batchRows(200_000, 10_000_000, 25_000), 50_000, 'read ahead: twice the last');
  assert.equal(batchRows(200_000, 10_000_000, 150_000), 200_000, 'never past max_batch_rows');
  assert.equal(batchRows(1_000_000, 5_000_000), 125_000);
  assert.equal(batchRows(200_000, 150_000, undefined, true), 25_000, 'a slot that starts: a short first batch');
});

test('body buffers are used again once a batch committed, and only then', async () => {
  const j = new RoutineLoadJob(1, 'u', {
    dbName: 'db', name: 'pool', tableName: 't', loadDesc: {}, jobProperties: {}, kafka: { brokerList: 'k:9092', topic: 't' }, customProperties: {},
  }, 0);
  const first = buildBody(j, [{ partition: 0, from: 0n, lastOffset: 0n, values: [Buffer.alloc(100_000, 0x61)] }]);
  const second = buildBody(j, [{ partition: 0, from: 1n, lastOffset: 1n, values: [Buffer.alloc(100_000, 0x62)] }]);
  assert.notEqual(first.buffer, second.buffer, 'no buffer is shared while both batches are in flight');
  j.bodies.give(first.buffer);
  const third = buildBody(j, [{ partition: 0, from: 2n, lastOffset: 2n, values: [Buffer.alloc(90_000, 0x63)] }]);
  assert.equal(third.buffer, first.buffer, 'the committed batch\'s buffer serves the next one');
  assert.equal(third.body.toString(), 'c'.repeat(90_000));
  j.bodies.give(second.buffer);
  assert.ok(j.bodies.bytes >= 100_000);
  j.transform('PAUSED', 0);
  assert.equal(j.bodies.bytes, 0, 'a paused job holds no free buffers');
});

test('a caught-up job holds no spare body buffers', async () => {
  const kafka = new FakeKafka();
  kafka.topic('t', 1).produce(0, '1,a');
  const j = new RoutineLoadJob(1, 'u', {
    dbName: 'db', name: 'idle', tableName: 't', loadDesc: {}, jobProperties: {}, kafka: { brokerList: 'k1:9092', topic: 't' }, customProperties: {},
  }, 0);
  j.progress.set(0, 1n); // everything read
  j.bodies.give(Buffer.allocUnsafe(1 << 20));
  const source = kafka.factory({ brokerList: 'k1:9092', topic: 't', properties: {} } as never);
  const result = await new Task(j, [0], 0).run({
    source, streamLoad: new FakeStarRocks(), instanceId: 'i', consumeS: 1, timeoutS: 10, labelRecheckMs: 10, now: () => Date.now(),
    recordPending: async () => {}, log: () => {},
  }, new AbortController().signal);
  assert.equal(result.kind, 'noData');
  assert.equal(j.bodies.bytes, 0);
});

test('the pool keeps about two buffers a task slot and lets go of buffers far larger than bodies need now', () => {
  const pool = new BodyPool(() => 2);
  const big = [pool.take(50 << 20), pool.take(50 << 20), pool.take(50 << 20)];
  for (const b of big) pool.give(b);
  assert.equal(pool.bytes, 2 * big[0]!.length, 'two kept');
  assert.ok(big[0]!.length >= 50 << 20);
  const next = pool.take(52 << 20);
  assert.equal(next, big[0], 'a body a little larger than the last still fits a kept buffer (fresh ones have headroom)');
  pool.give(next);
  const small = pool.take(100_000);
  assert.ok(small.length < 1 << 20, 'a caught-up job\'s small body does not take a 50 MB buffer');
  assert.equal(pool.bytes, 0, 'and the large ones are let go');
});

test('a body built as messages arrive is the body built after the read: same loads whether the source reports messages or not', async () => {
  const bodies: string[][] = [];
  for (const streamsValues of [true, false]) {
    await withRig(async ({ kafka, engine, loads }) => {
      kafka.streamsValues = streamsValues;
      const t = kafka.topic('t', 1);
      for (let i = 0; i < 1000; i++) t.produce(0, i % 7 === 0 ? `${i},v${i}\n` : `${i},v${i}`); // trailing delimiters trimmed either way
      await engine.execute(job('streamed'));
      await waitForJob(engine, (j) => j.statistic.loadedRows === 1000, 20_000);
      bodies.push(loads.map((l) => l.req.body.toString()));
    });
  }
  assert.deepEqual(bodies[0], bodies[1]);
  assert.equal(bodies[0]!.join('\n').split('\n').length, 1000);
});

test('a body starts with room for the messages expected, never more than max_batch_size', () => {
  assert.equal(bodyRoom(200_000, 0, 100 * 2 ** 20), 0, 'first batch: nothing learnt yet');
  assert.equal(bodyRoom(200_000, 100, 100 * 2 ** 20), 21_000_000);
  // 200,000 one-megabyte messages would be 200 GB: a read stops at max_batch_size.
  assert.equal(bodyRoom(200_000, 2 ** 20, 100 * 2 ** 20), Math.ceil(100 * 2 ** 20 * 1.05));
});

test('read-ahead: the next range is read while a batch loads and adopted by the next task (rows exactly once)', async () => {
  await withRig(async ({ kafka, sr, engine, loads }) => {
    produce(kafka, ROWS);
    await engine.execute(job('ahead'));
    await waitForJob(engine, (j) => j.statistic.loadedRows === ROWS, 20_000);
    assert.equal(loads.length, 5);
    // The second range was read ahead (it starts as soon as the first read ends) by the time the first batch loaded.
    assert.ok(loads[0].readsAtEnd >= 2, `the next range was read while the first batch was built and loaded (${loads[0].readsAtStart} → ${loads[0].readsAtEnd})`);
    // The adopted reads were not repeated: five batches took five reads plus the last task's check for more.
    assert.ok(kafka.readCalls <= 6, `reads: ${kafka.readCalls}`);
    const rows = sr.loadedRows();
    assert.equal(rows.length, ROWS);
    assert.equal(new Set(rows).size, ROWS, 'no row twice');
  });
});

test('read-ahead is discarded after PAUSE and ALTER: the job resumes from the ALTERed offset, not from what was read ahead', async () => {
  await withRig(async ({ kafka, sr, engine, gates, loads }) => {
    produce(kafka, ROWS);
    const held = gate();
    gates.push(held);
    await engine.execute(job('altered'));
    // The first batch is held in Stream Load; the next range is read ahead meanwhile.
    await until(() => loads.length === 1 && kafka.readCalls >= 2, 10_000, 'the first load and a read-ahead');
    const paused = engine.execute('PAUSE ROUTINE LOAD FOR db.altered');
    held.open();
    await paused;
    await engine.execute('ALTER ROUTINE LOAD FOR db.altered FROM KAFKA ("kafka_partitions" = "0", "kafka_offsets" = "400000")');
    await engine.execute('RESUME ROUTINE LOAD FOR db.altered');
    await waitForJob(engine, (j) => j.progress['0'] === String(ROWS - 1), 20_000);
    const rows = sr.loadedRows();
    // The held batch [0, 25000) committed; after the ALTER only [400000, 450000) — never what was read ahead from 25000.
    assert.equal(rows.length, 75_000);
    assert.ok(!rows.includes('25000,v25000'), 'the read-ahead range was not loaded');
    assert.ok(rows.includes('400000,v400000') && rows.includes(`${ROWS - 1},v${ROWS - 1}`));
  });
});

test('ReadAhead: adopted only at the offsets it started from; otherwise discarded', async () => {
  const ahead = new ReadAhead();
  const read: NewRead = { ranges: [{ partition: 0, from: 10n, to: 19n }], caughtUp: true, body: { body: Buffer.from('[]'), buffer: Buffer.alloc(0), rows: 0, localErrorRows: 0, receivedBytes: 0 }, rowLimit: 200_000 };
  let aborted = false;
  ahead.begin(new Map([[0, 10n]]), async (signal) => {
    signal.addEventListener('abort', () => { aborted = true; });
    return read;
  });
  assert.equal(ahead.take(new Map([[0, 11n]])), undefined, 'another start offset: not adopted');
  assert.ok(aborted, 'the discarded read was stopped');
  assert.equal(ahead.take(new Map([[0, 10n]])), undefined, 'and it is gone');
  ahead.begin(new Map([[0, 10n], [1, 5n]]), async () => read);
  assert.equal(ahead.take(new Map([[0, 10n]])), undefined, 'other partitions: not adopted');
  ahead.begin(new Map([[0, 10n]]), async () => read);
  assert.equal(await ahead.take(new Map([[0, 10n]])), read);
  ahead.begin(new Map([[0, 20n]]), async () => ({ kind: 'noData' }));
  assert.equal(await ahead.take(new Map([[0, 20n]])), undefined, 'a read-ahead that found nothing leaves the read to the task');
  ahead.begin(new Map([[0, 20n]]), async () => { throw new Error('broker gone'); });
  assert.equal(await ahead.take(new Map([[0, 20n]])), undefined, 'a failed read-ahead leaves the read (and its error) to the task');
});

test('JSON bodies: valid messages forwarded byte for byte, invalid ones counted as error rows', () => {
  const engineJob = new RoutineLoadJob(1, 'u', {
    dbName: 'db', name: 'j', tableName: 't', loadDesc: {}, jobProperties: { format: 'json' }, kafka: { brokerList: 'k:9092', topic: 't' }, customProperties: {},
  }, 0);
  const values = ['{"id": 1, "big": 12345678901234567890}', 'not json', ' {"id":2}\n', '\ufeff{"id":3}', '{"id":4,}'].map((v) => Buffer.from(v));
  const body = buildBody(engineJob, [{ partition: 0, from: 0n, lastOffset: 4n, values }]);
  assert.equal(body.body.toString(), '[{"id": 1, "big": 12345678901234567890},{"id":2},{"id":3}]');
  assert.equal(body.rows, 3);
  assert.equal(body.localErrorRows, 2);
  assert.match(body.parseError ?? '', /partition 0 is not valid JSON/);
});
