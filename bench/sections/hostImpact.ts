// Extension-host impact: this process plays the extension host. It talks to the engine daemon (its own process,
// as ensureEngine starts it) through EngineClient, receives every job event, and measures its own event-loop
// delay while a job loads at full speed in the daemon. Idle first (same process, no job) as the baseline.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EngineClient } from '../../engine/src/client';
import type { JobEvent } from '../children/engine';
import { Child } from '../lib/child';
import { createJobSql, tableDdl } from '../lib/data';
import { sleep } from '../lib/stats';
import type { World } from '../lib/world';

export interface HostImpactResult {
  rows: number;
  loadSeconds: number;
  rowsPerS: number;
  events: number;
  idle: { p50Ms: number; p99Ms: number; maxMs: number };
  loading: { p50Ms: number; p99Ms: number; maxMs: number };
}

function histogramSummary(h: ReturnType<typeof monitorEventLoopDelay>): { p50Ms: number; p99Ms: number; maxMs: number } {
  return { p50Ms: h.percentile(50) / 1e6, p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 };
}

export async function benchHostImpact(world: World, o: { topic: string; rows: number; idleSeconds: number }): Promise<HostImpactResult> {
  const sandbox = await world.sandbox(tableDdl('csv', 't_host'));
  const stateDir = world.tempDir('daemon');
  const daemon = world.track(Child.start<JobEvent>('engine daemon', 'engine.ts'));
  let client: EngineClient | undefined;
  try {
    await daemon.request({ type: 'daemon', stateDir, beUrl: sandbox.beUrl }, 60_000);
    client = await EngineClient.connect(stateDir, { requestTimeoutMs: 60_000 });
    await client.configure({ starrocks: { feUrl: sandbox.feUrl, user: 'root', password: '' }, settings: { routine_load_task_consume_second: 10, routine_load_task_timeout_second: 60 } });
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await sleep(o.idleSeconds * 1000);
    idle.disable();
    let events = 0;
    let done: (() => void) | undefined;
    const finished = new Promise<void>((resolve) => { done = resolve; });
    let t1 = 0;
    client.onEvent((e) => {
      events++;
      if (e.event === 'jobChanged' && e.job.name === 'host' && e.job.statistic.loadedRows >= o.rows && !t1) {
        t1 = Date.now();
        done?.();
      }
    });
    const loading = monitorEventLoopDelay({ resolution: 1 });
    loading.enable();
    const t0 = Date.now();
    await client.execute(createJobSql({ name: 'host', table: 't_host', topic: o.topic, format: 'csv', broker: world.broker, properties: { max_batch_interval: '5', desired_concurrent_number: '5' } }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the job did not load every row within 180 s')), 180_000); });
    try {
      await Promise.race([finished, timeout]);
    } finally {
      clearTimeout(timer);
    }
    loading.disable();
    const loadSeconds = (t1 - t0) / 1000;
    return { rows: o.rows, loadSeconds, rowsPerS: o.rows / loadSeconds, events, idle: histogramSummary(idle), loading: histogramSummary(loading) };
  } finally {
    await client?.shutdown(10_000).catch(() => client?.close());
    await daemon.stop();
    await sandbox.child.stop();
  }
}
