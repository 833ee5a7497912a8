// Throughput of the engine's two I/O adapters.
// Kafka: the source reading a pre-filled topic (default 200k messages of 100 bytes over 5 partitions) against a plain
// kafkajs consumer (group join + eachBatch) reading the same topic, plus the latency of small task-sized reads.
// Stream Load: the client's cost per request (FE handshake + BE PUT) against a bare undici PUT to the BE.
// Run: node --import tsx bench/io.ts [messages] [valueBytes]   (starts a Kafka broker unless ROUTINE_LOAD_KAFKA is set)
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'undici';
import { createKafkaSource } from '../engine/src/kafka';
import { createStreamLoadClient } from '../engine/src/streamload';
import type { Offset } from '../engine/src/ports';
import { createTopic, startKafka, uniqueTopic } from '../test/helpers/kafka';
import { startTinyStarRocks } from '../test/unit/streamload/tiny-starrocks';

export interface Rate {
  ms: number;
  messages: number;
  bytes: number;
  messagesPerSecond: number;
  megabytesPerSecond: number;
}

export interface KafkaIoResult {
  messages: number;
  valueBytes: number;
  partitions: number;
  produceMs: number;
  /** First read by a fresh source (connect + metadata + fetches). */
  sourceCold: Rate;
  /** The same range again on the same source (connections reused), best of 4. */
  sourceWarm: Rate;
  /** Plain kafkajs consumer from run() (includes its group join) to the last message, best of 3. */
  consumerTotal: Rate;
  /** Plain kafkajs consumer from its first message to its last: the steady fetch rate. */
  consumerSteady: Rate;
  consumerJoinMs: number;
  /** Median latency of a task-sized read (100 messages per partition, all 5 partitions) on a warm source. */
  smallReadMedianMs: number;
}

export interface StreamLoadIoResult {
  requests: number;
  bodyBytes: number;
  /** Median ms of client.load (FE 307 handshake on node:http + BE PUT on undici) against a local FE/BE. */
  clientMedianMs: number;
  clientP95Ms: number;
  /** Median ms of a bare undici PUT straight to the same BE (the floor). */
  bareMedianMs: number;
  overheadMs: number;
}

const rate = (ms: number, messages: number, bytes: number): Rate => ({
  ms,
  messages,
  bytes,
  messagesPerSecond: messages / (ms / 1000),
  megabytesPerSecond: bytes / 1024 / 1024 / (ms / 1000),
});

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

export async function benchKafkaIo(bootstrap: string, messages = 200000, valueBytes = 100, partitions = 5): Promise<KafkaIoResult> {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const topic = uniqueTopic('bench-io');
  await createTopic(bootstrap, topic, partitions);
  const kafka = new Kafka({ clientId: 'bench-io', brokers: [bootstrap], logLevel: logLevel.ERROR });
  const producer = kafka.producer();
  await producer.connect();
  const t0 = performance.now();
  const perSend = 5000;
  for (let sent = 0; sent < messages; sent += perSend) {
    const n = Math.min(perSend, messages - sent);
    await producer.send({
      topic,
      acks: 1,
      messages: Array.from({ length: n }, (_, k) => ({ partition: (sent + k) % partitions, value: Buffer.alloc(valueBytes, 97 + ((sent + k) % 26)) })),
    });
  }
  const produceMs = performance.now() - t0;
  await producer.disconnect();

  const all = Array.from({ length: partitions }, (_, p) => p);
  const source = createKafkaSource({ brokers: [bootstrap], topic, clientProperties: {}, groupId: `bench-${topic}`, clientId: 'bench-io' });
  const wm = await source.watermarks(all);
  const until = new Map<number, Offset>(all.map((p) => [p, wm.get(p)?.high ?? 0n]));
  const fromZero = new Map<number, Offset>(all.map((p) => [p, 0n]));

  const timedRead = async (src: typeof source, start: Map<number, Offset>, untilOffsets: Map<number, Offset>) => {
    const t = performance.now();
    const batches = await src.read(start, { deadlineMs: Date.now() + 120000, maxBytes: Number.MAX_SAFE_INTEGER, untilOffsets });
    const ms = performance.now() - t;
    const count = batches.reduce((n, b) => n + b.values.length, 0);
    const bytes = batches.reduce((n, b) => n + b.values.reduce((m, v) => m + v.length, 0), 0);
    return rate(ms, count, bytes);
  };

  const fresh = createKafkaSource({ brokers: [bootstrap], topic, clientProperties: {}, groupId: `bench-${topic}`, clientId: 'bench-io' });
  const sourceCold = await timedRead(fresh, fromZero, until);
  await fresh.close();
  if (sourceCold.messages !== messages) throw new Error(`the source read ${sourceCold.messages} of ${messages} messages`);

  const small: number[] = [];
  for (let i = 0; i < 30; i++) {
    const base = BigInt((i * 100) % Math.max(1, Math.floor(messages / partitions) - 100));
    const start = new Map<number, Offset>(all.map((p) => [p, base]));
    const end = new Map<number, Offset>(all.map((p) => [p, base + 100n]));
    small.push((await timedRead(source, start, end)).ms);
  }

  // Plain kafkajs consumer, the way one would without this source. The machine is shared, so each side runs
  // three times, interleaved, and the best run counts.
  const plain = async () => {
    const consumer = kafka.consumer({ groupId: `bench-plain-${topic}-${Math.random().toString(36).slice(2)}`, maxBytesPerPartition: 1024 * 1024, maxBytes: 50 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let count = 0;
    let bytes = 0;
    let first = 0;
    let joined = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = performance.now();
    });
    const started = performance.now();
    const finished = new Promise<number>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (first === 0) first = performance.now();
          for (const m of batch.messages) {
            count++;
            bytes += m.value?.length ?? 0;
          }
          if (count >= messages) resolve(performance.now());
        },
      });
    });
    const end = await finished;
    await consumer.disconnect();
    return { total: rate(end - started, count, bytes), steady: rate(end - first, count, bytes), joinMs: joined - started };
  };
  let best: Awaited<ReturnType<typeof plain>> | undefined;
  let sourceWarm = await timedRead(source, fromZero, until);
  for (let i = 0; i < 3; i++) {
    const p = await plain();
    if (!best || p.steady.ms < best.steady.ms) best = p;
    const w = await timedRead(source, fromZero, until);
    if (w.ms < sourceWarm.ms) sourceWarm = w;
  }
  await source.close();
  const consumed = best as NonNullable<typeof best>;

  return {
    messages,
    valueBytes,
    partitions,
    produceMs,
    sourceCold,
    sourceWarm,
    consumerTotal: consumed.total,
    consumerSteady: consumed.steady,
    consumerJoinMs: consumed.joinMs,
    smallReadMedianMs: quantile(small, 0.5),
  };
}

export async function benchStreamLoadIo(requests = 200, bodyBytes = 10 * 1024): Promise<StreamLoadIoResult> {
  const sr = await startTinyStarRocks({ users: { root: 'pw' } });
  const client = createStreamLoadClient({ feUrl: sr.feUrl, user: 'root', password: 'pw' });
  const body = Buffer.from(('1,abcdefghij\n').repeat(Math.ceil(bodyBytes / 13)).slice(0, bodyBytes));
  const headers = { format: 'csv', column_separator: ',' };
  const viaClient: number[] = [];
  const bare: number[] = [];
  const pool = new Pool(sr.beUrl, { connections: 8 });
  const auth = 'Basic ' + Buffer.from('root:pw').toString('base64');
  try {
    for (let i = 0; i < requests + 20; i++) {
      let t = performance.now();
      const r = await client.load({ db: 'bench', table: 't', label: `bench-io-${i}`, headers, body, timeoutMs: 10000 });
      if (r.Status !== 'Success') throw new Error(`load ${i}: ${r.Status} ${r.Message}`);
      if (i >= 20) viaClient.push(performance.now() - t);
      t = performance.now();
      const res = await pool.request({
        path: '/api/bench/t/_stream_load',
        method: 'PUT',
        headers: { ...headers, label: `bench-io-bare-${i}`, authorization: auth, 'content-length': String(body.length) },
        body,
      });
      await res.body.text();
      if (i >= 20) bare.push(performance.now() - t);
    }
  } finally {
    await client.close();
    await pool.close();
    await sr.stop();
  }
  const clientMedianMs = quantile(viaClient, 0.5);
  const bareMedianMs = quantile(bare, 0.5);
  return { requests, bodyBytes, clientMedianMs, clientP95Ms: quantile(viaClient, 0.95), bareMedianMs, overheadMs: clientMedianMs - bareMedianMs };
}

function show(name: string, r: Rate): string {
  return `${name.padEnd(34)} ${r.messagesPerSecond.toFixed(0).padStart(9)} msg/s ${r.megabytesPerSecond.toFixed(1).padStart(7)} MB/s  (${r.ms.toFixed(0)} ms)`;
}

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? 200000);
  const valueBytes = Number(process.argv[3] ?? 100);
  const broker = await startKafka();
  try {
    const k = await benchKafkaIo(broker.bootstrap, messages, valueBytes);
    console.log(`kafka: ${k.messages} messages of ${k.valueBytes} B over ${k.partitions} partitions (produced in ${k.produceMs.toFixed(0)} ms)`);
    console.log(show('  source, fresh (connect + read)', k.sourceCold));
    console.log(show('  source, warm (same range again)', k.sourceWarm));
    console.log(show('  kafkajs consumer, from run()', k.consumerTotal));
    console.log(show('  kafkajs consumer, steady', k.consumerSteady));
    console.log(`  kafkajs consumer group join: ${k.consumerJoinMs.toFixed(0)} ms`);
    console.log(`  source task-sized read (5 x 100 msgs), median: ${k.smallReadMedianMs.toFixed(1)} ms`);
  } finally {
    await broker.stop();
  }
  for (const size of [1024, 1024 * 1024]) {
    const s = await benchStreamLoadIo(size > 100000 ? 50 : 200, size);
    console.log(
      `stream load: ${s.requests} loads of ${(s.bodyBytes / 1024).toFixed(0)} KB: client median ${s.clientMedianMs.toFixed(2)} ms (p95 ${s.clientP95Ms.toFixed(2)}), ` +
        `bare undici PUT to the BE ${s.bareMedianMs.toFixed(2)} ms, handshake overhead ${s.overheadMs.toFixed(2)} ms`,
    );
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
