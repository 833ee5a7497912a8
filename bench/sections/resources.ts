// Resources: CPU time and sampled peak memory of the engine process for one job and for ten at once, and for one
// job over a topic four times larger (memory must follow the batch limits, not the topic's size).
import { rowBytes } from '../lib/data';
import { median } from '../lib/stats';
import type { World } from '../lib/world';
import { runEngine, type EngineRun } from './engineRun';

export interface ResourceCase {
  id: string;
  jobs: number;
  rowsPerJob: number;
  runs: Array<Omit<EngineRun, 'series'>>;
  cpuS: number;
  cpuSPerMillionRows: number;
  peakRssMB: number;
  peakHeapMB: number;
  rowsPerS: number;
}

export interface ResourcesResult {
  baselineRssMB: number;
  cases: ResourceCase[];
  /** peak RSS (4× topic) ÷ peak RSS (1× topic): 1 means flat, 4 means proportional. */
  fourTimesTopicRssRatio: number;
  tenJobsRssRatio: number;
  tenJobsCpuPerRowRatio: number;
  settings: Record<string, number>;
  properties: Record<string, string>;
}

export async function benchResources(world: World, o: { smallRows: number; reps: number; log: (s: string) => void }): Promise<ResourcesResult> {
  const bytesPerRow = rowBytes('csv');
  const small = (await world.filled('csv', 1, o.smallRows)).topic;
  const big = await world.filled('csv', 1, o.smallRows * 4);
  // Batches of at most 4 MB (max_batch_size) and one second, so even the small topic is several batches and
  // both topics' batches are the same size: memory should follow the batch, not the topic.
  const settings = { routine_load_task_consume_second: 1 };
  const properties = { max_batch_interval: '5', max_batch_size: String(4 * 2 ** 20) };
  const cases: Array<{ id: string; topic: string; rows: number; jobs: number }> = [
    { id: '1 job, 1× topic', topic: small, rows: o.smallRows, jobs: 1 },
    { id: '1 job, 4× topic', topic: big.topic, rows: big.rows, jobs: 1 },
    { id: '10 jobs, 1× topic', topic: small, rows: o.smallRows, jobs: 10 },
  ];
  const out: ResourceCase[] = [];
  let baselineRssMB = Number.NaN;
  for (const c of cases) {
    // A fresh sandbox per case, so the rows of earlier cases do not pile up in its memory.
    const sandbox = await world.sandbox();
    try {
      if (Number.isNaN(baselineRssMB)) {
        const idle = await world.engine(sandbox, settings);
        baselineRssMB = (await idle.request<{ rssMB: number }>({ type: 'stats' })).rssMB;
        await idle.stop();
      }
      const runs: Array<Omit<EngineRun, 'series'>> = [];
      for (let rep = 0; rep < o.reps; rep++) {
        const { series: _s, stats: _t, ...run } = await runEngine(world, sandbox, { topic: c.topic, format: 'csv', rows: c.rows, rowBytes: bytesPerRow, jobs: c.jobs, settings, properties });
        runs.push(run);
        o.log(`    ${c.id}: ${run.engineCpuS.toFixed(2)} CPU s, peak RSS ${run.peakRssMB.toFixed(0)} MB, ${Math.round(run.rowsPerS).toLocaleString('en-US')} rows/s`);
      }
      const cpuS = median(runs.map((r) => r.engineCpuS));
      out.push({
        id: c.id, jobs: c.jobs, rowsPerJob: c.rows, runs, cpuS, cpuSPerMillionRows: (cpuS / (c.rows * c.jobs)) * 1e6,
        peakRssMB: median(runs.map((r) => r.peakRssMB)), peakHeapMB: median(runs.map((r) => r.peakHeapMB)), rowsPerS: median(runs.map((r) => r.rowsPerS)),
      });
    } finally {
      await sandbox.child.stop();
    }
  }
  const [one, four, ten] = out;
  return {
    baselineRssMB, cases: out, settings, properties,
    fourTimesTopicRssRatio: four && one ? four.peakRssMB / one.peakRssMB : Number.NaN,
    tenJobsRssRatio: ten && one ? ten.peakRssMB / one.peakRssMB : Number.NaN,
    tenJobsCpuPerRowRatio: ten && one ? ten.cpuSPerMillionRows / one.cpuSPerMillionRows : Number.NaN,
  };
}
