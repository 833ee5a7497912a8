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
  streamLoads: number;
  /** Share of the run the engine / the sandbox were runnable but had no CPU (the machine was the limit). */
  engineRunQueueShare: number;
  sandboxRunQueueShare: number;
  /** From the timeline: when the first Stream Load started (the first batch read and built), in s after CREATE. */
  firstLoadS: number;
  /** Share of the run at least one read / at least one Stream Load was in flight (the union over tasks). */
  readBusyShare: number;
  loadBusyShare: number;
  /** Share of the time after the first Stream Load started in which one was in flight: near 100% means the loads set the pace. */
  loadBusyAfterFirstShare: number;
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
    const loads = stats.streamLoad.spans;
    const firstLoad = loads.length > 0 ? Math.min(...loads.map((x) => x[0])) : t1;
    const rows = o.rows * jobs;
    const bytes = rows * o.rowBytes;
    return {
      jobs, rows, bytes, seconds, rowsPerS: rows / seconds, mbPerS: bytes / seconds / 1e6,
      engineCpuS: stats.cpuUserS + stats.cpuSystemS, sandboxCpuS: sandboxStats.cpuS, brokerCpuS,
      peakRssMB: stats.peakRssMB, peakHeapMB: stats.peakHeapMB,
      streamLoads: stats.streamLoad.loads, streamLoadKind: stats.streamLoadKind,
      engineRunQueueShare: stats.runQueueWaitS / seconds, sandboxRunQueueShare: sandboxStats.runQueueWaitS / seconds,
      firstLoadS: (firstLoad - t0) / 1000,
      readBusyShare: busyMs(stats.source.spans, t0, t1) / (t1 - t0),
      loadBusyShare: busyMs(loads, t0, t1) / (t1 - t0),
      loadBusyAfterFirstShare: t1 > firstLoad ? busyMs(loads, firstLoad, t1) / (t1 - firstLoad) : 0,
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
    ...stats.streamLoad.spans.map(([a, b, n], i) => {
      const server = stats.streamLoad.server[i];
      return { kind: 'load', a, b, n, note: server ? `  (sandbox: body received in ${Math.round(server.readMs)} ms, parsed and stored in ${Math.round(server.writeMs)} ms)` : '' };
    }),
  ].sort((x, y) => x.a - y.a);
  const ms = (t: number) => String(Math.round(t - t0)).padStart(6);
  const lines = spans.map((s) => `      ${s.kind} ${ms(s.a)} → ${ms(s.b)} ms  ${String(s.n).padStart(7)} rows${'note' in s ? s.note : ''}`);
  process.stdout.write(`${lines.join('\n')}\n      done ${ms(t1)} ms; the sandbox's own LoadTimeMs summed: ${Math.round(stats.streamLoad.serverMs)} ms\n`);
}

/** Milliseconds of [from, to] covered by at least one of the spans. */
export function busyMs(spans: ReadonlyArray<readonly [number, number, number]>, from: number, to: number): number {
  const sorted = spans.map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of sorted) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}
