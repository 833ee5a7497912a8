// Freshness: rows produced at a steady rate below capacity, each request stamped with its produce time (also the
// Kafka timestamp); a row counts as loaded at the engine's commit event whose progress reaches its offset
// (StarRocks shows it from that commit on). Reported as p50 / p95 of produce → loaded.
import { createJobSql, csvRow, tableDdl } from '../lib/data';
import { percentile, sleep } from '../lib/stats';
import { waitForJob, type SandboxChild, type World } from '../lib/world';

export interface FreshnessResult {
  variant: string;
  properties: Record<string, string>;
  ratePerS: number;
  seconds: number;
  rows: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  commits: number;
}

let counter = 0;

export async function benchFreshness(world: World, sandbox: SandboxChild, o: { variant: string; properties: Record<string, string>; ratePerS: number; seconds: number }): Promise<FreshnessResult> {
  const name = `fresh${++counter}`;
  const topic = await world.topic(name, 1);
  await sandbox.child.request({ type: 'ddl', sql: tableDdl('csv', `t_${name}`) });
  const engine = await world.engine(sandbox, {});
  try {
    const commits: Array<{ t: number; offset: number }> = [];
    engine.on((e) => {
      if (e.type !== 'job' || e.name !== name) return;
      const p = Number(e.progress['0']);
      if (Number.isFinite(p)) commits.push({ t: e.t, offset: p });
    });
    const running = waitForJob(engine, name, (e) => e.state === 'RUNNING', 30_000);
    await engine.request({ type: 'execute', sql: createJobSql({ name, table: `t_${name}`, topic, format: 'csv', broker: world.broker, properties: o.properties }) });
    await running;
    const tickMs = 100;
    const perTick = Math.max(1, Math.round((o.ratePerS * tickMs) / 1000));
    const ticks = Math.round((o.seconds * 1000) / tickMs);
    const sent: Array<{ t: number; last: number; rows: number }> = [];
    const start = Date.now();
    let i = 0;
    for (let tick = 0; tick < ticks; tick++) {
      const due = start + tick * tickMs;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const t = Date.now();
      const messages = [];
      for (let k = 0; k < perTick; k++) messages.push({ value: csvRow(i++), timestamp: String(t) });
      const [meta] = await world.producer.send({ topic, acks: 1, messages });
      sent.push({ t, last: Number(meta?.baseOffset ?? Number.NaN) + perTick - 1, rows: perTick });
    }
    const lastOffset = sent[sent.length - 1]!.last;
    const interval = Number(o.properties.max_batch_interval ?? 10);
    await waitForJob(engine, name, (e) => Number(e.progress['0']) >= lastOffset, (interval * 3 + 30) * 1000);
    const latencies: number[] = [];
    for (const s of sent) {
      const c = commits.find((x) => x.offset >= s.last);
      if (c) latencies.push(c.t - s.t);
    }
    return {
      variant: o.variant, properties: o.properties, ratePerS: o.ratePerS, seconds: o.seconds, rows: i,
      p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), maxMs: Math.max(...latencies), commits: new Set(commits.map((c) => c.offset)).size,
    };
  } finally {
    await engine.stop();
  }
}
