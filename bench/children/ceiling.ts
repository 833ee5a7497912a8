// The ceiling: a plain kafkajs consumer (what a user could write instead of the engine) reading the same topic
// from the beginning, in its own process like the engine. Timed from joining its group to the last row.
import { Kafka, logLevel } from 'kafkajs';
import { MemorySampler, serve } from '../lib/child';
import { runQueueWaitSeconds } from '../lib/machine';

export interface CeilingResult {
  rows: number;
  bytes: number;
  /** ms from joining the group to the first batch, and to the last row. */
  firstMs: number;
  totalMs: number;
  cpuS: number;
  runQueueWaitS: number;
  peakRssMB: number;
  /** [ms since join, rows so far] every ~100 ms, for the chart. */
  series: Array<[number, number]>;
}

const memory = new MemorySampler(20);

serve(async (c) => {
  if (c.type === 'close') {
    setTimeout(() => process.exit(0), 20);
    return null;
  }
  if (c.type !== 'consume') throw new Error(`unknown command ${c.type}`);
  const expected = Number(c.rows);
  const kafka = new Kafka({ clientId: 'bench-ceiling', brokers: [String(c.broker)], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-ceiling-${process.pid}-${Date.now()}`, maxBytes: 10 * 2 ** 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: String(c.topic), fromBeginning: true });
  let joined = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => { joined ||= performance.now(); });
  let rows = 0;
  let bytes = 0;
  let first = 0;
  const series: Array<[number, number]> = [];
  let lastPoint = 0;
  const cpu0 = process.cpuUsage();
  const wait0 = runQueueWaitSeconds();
  memory.reset();
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        if (!first) first = now;
        for (const m of batch.messages) bytes += m.value?.length ?? 0;
        rows += batch.messages.length;
        if (now - lastPoint >= 100) {
          series.push([now, rows]);
          lastPoint = now;
        }
        if (rows >= expected) resolve(performance.now());
      },
    });
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`kafkajs consumer read ${rows} of ${expected} rows in 180 s`)), 180_000).unref());
  const end = await Promise.race([done, timeout]);
  const cpu = process.cpuUsage(cpu0);
  const runQueueWaitS = runQueueWaitSeconds() - wait0;
  await consumer.disconnect();
  const t0 = joined || first;
  const result: CeilingResult = {
    rows, bytes, firstMs: first - t0, totalMs: end - t0, cpuS: (cpu.user + cpu.system) / 1e6, runQueueWaitS, peakRssMB: memory.peakRss / 2 ** 20,
    series: [...series.map(([t, r]) => [t - t0, r] as [number, number]), [end - t0, rows]],
  };
  return result;
});
