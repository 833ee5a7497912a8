// One timed engine run: a fresh engine process, N jobs from OFFSET_BEGINNING of a pre-filled topic, timed from
// CREATE ROUTINE LOAD to the job event that shows every row loaded. CPU of the engine, the sandbox and the
// broker is measured over the same interval, so each run says which of them was busy.
import { createJobSql, tableDdl, type Format } from '../lib/data';
import { engineStats, waitForJob, type SandboxChild, type World } from '../lib/world';
import type { EngineStats } from '../children/engine';

export interface EngineRun {
  jobs: number;
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerS: number;
  mbPerS: number;
  engineCpuS: number;
  sandboxCpuS: number;
  brokerCpuS: number;
  peakRssMB: number;
  peakHeapMB: number;
  /** Share of the run the engine's tasks spent waiting on Stream Load (summed over concurrent tasks). */
  streamLoadShare: number;
  streamLoads: number;
  /** Share of the run the tasks spent reading Kafka (summed over concurrent tasks), and in watermark requests. */
  readShare: number;
  watermarkShare: number;
  /** Share of the run the engine / the sandbox were runnable but had no CPU (the machine was the limit). */
  engineRunQueueShare: number;
  sandboxRunQueueShare: number;
  streamLoadKind: string;
  /** [ms since CREATE, rows loaded by all jobs] at each commit. */
  series: Array<[number, number]>;
}

export interface EngineRunOptions {
  topic: string;
  format: Format;
  /** Rows in the topic each job must load. */
  rows: number;
  rowBytes: number;
  properties?: Record<string, string>;
  settings?: Record<string, number>;
  jobs?: number;
  nodeArgs?: string[];
  cwd?: string;
  timeoutMs?: number;
}

let counter = 0;

export async function runEngine(world: World, sandbox: SandboxChild, o: EngineRunOptions): Promise<EngineRun & { stats: EngineStats }> {
  const jobs = o.jobs ?? 1;
  const names = Array.from({ length: jobs }, () => `j${++counter}`);
  for (const name of names) await sandbox.child.request({ type: 'ddl', sql: tableDdl(o.format, `t_${name}`) });
  const engine = await world.engine(sandbox, o.settings ?? {}, o.nodeArgs ?? [], o.cwd);
  try {
    const loaded = new Map<string, number>();
    const series: Array<[number, number]> = [];
    let t0 = 0;
    engine.on((e) => {
      if (e.type !== 'job' || !t0) return;
      loaded.set(e.name, e.loadedRows);
      let sum = 0;
      for (const v of loaded.values()) sum += v;
      series.push([e.t - t0, sum]);
    });
    const sql = names.map((name) => createJobSql({ name, table: `t_${name}`, topic: o.topic, format: o.format, broker: world.broker, properties: o.properties })).join('\n');
    await engine.request({ type: 'resetStats' });
    await sandbox.child.request({ type: 'resetStats' });
    const broker0 = world.brokerCpuSeconds();
    const waits = names.map((name) => waitForJob(engine, name, (e) => e.loadedRows >= o.rows, o.timeoutMs ?? 180_000));
    t0 = Date.now();
    series.push([0, 0]);
    await engine.request({ type: 'execute', sql });
    const done = await Promise.all(waits);
    const t1 = Math.max(...done.map((e) => e.t));
    const stats = await engineStats(engine);
    const sandboxStats = await sandbox.child.request<{ cpuS: number; runQueueWaitS: number }>({ type: 'stats' });
    const brokerCpuS = world.brokerCpuSeconds() - broker0;
    const seconds = (t1 - t0) / 1000;
    if (process.env.BENCH_TIMELINE) printTimeline(t0, t1, stats);
    const rows = o.rows * jobs;
    const bytes = rows * o.rowBytes;
    return {
      jobs, rows, bytes, seconds, rowsPerS: rows / seconds, mbPerS: bytes / seconds / 1e6,
      engineCpuS: stats.cpuUserS + stats.cpuSystemS, sandboxCpuS: sandboxStats.cpuS, brokerCpuS,
      peakRssMB: stats.peakRssMB, peakHeapMB: stats.peakHeapMB,
      streamLoadShare: stats.streamLoad.ms / 1000 / seconds, streamLoads: stats.streamLoad.loads, streamLoadKind: stats.streamLoadKind,
      readShare: stats.source.readMs / 1000 / seconds, watermarkShare: stats.source.watermarkMs / 1000 / seconds,
      engineRunQueueShare: stats.runQueueWaitS / seconds, sandboxRunQueueShare: sandboxStats.runQueueWaitS / seconds,
      series, stats,
    };
  } finally {
    await engine.stop();
  }
}

/** BENCH_TIMELINE=1: each read and each Stream Load of the run, in ms since CREATE ROUTINE LOAD. */
function printTimeline(t0: number, t1: number, stats: EngineStats): void {
  const spans = [
    ...stats.source.spans.map(([a, b, n]) => ({ kind: 'read', a, b, n })),
    ...stats.streamLoad.spans.map(([a, b, n]) => ({ kind: 'load', a, b, n })),
  ].sort((x, y) => x.a - y.a);
  const ms = (t: number) => String(Math.round(t - t0)).padStart(6);
  const lines = spans.map((s) => `      ${s.kind} ${ms(s.a)} → ${ms(s.b)} ms  ${String(s.n).padStart(7)} rows`);
  process.stdout.write(`${lines.join('\n')}\n      done ${ms(t1)} ms\n`);
}
