// The engine in its own process, as the daemon runs it. Two modes:
//  - "open": Engine.open in this process; the parent drives it over IPC and receives every job change.
//  - "daemon": the engine daemon on its socket (what the extension talks to through EngineClient).
// Either way the process reports its CPU time, sampled peak memory and the time its tasks spent in Stream Load.
import { Engine, type EngineSettings } from '../../engine/src/engine';
import { EngineDaemon, daemonSecretProvider, type EngineHandle } from '../../engine/src/daemon';
import type { JobSnapshot } from '../../engine/src/protocol';
import { instrumentedSource, instrumentedStreamLoad, type SourceTally, type StreamLoadTally } from '../lib/streamload';
import { runQueueWaitSeconds } from '../lib/machine';
import { MemorySampler, serve } from '../lib/child';

export interface JobEvent {
  type: 'job';
  t: number;
  name: string;
  state: string;
  loadedRows: number;
  totalRows: number;
  errorRows: number;
  receivedBytes: number;
  committedTaskNum: number;
  progress: Record<string, string>;
  reason: string;
  otherMsg: string;
}

export interface EngineStats {
  cpuUserS: number;
  cpuSystemS: number;
  wallS: number;
  peakRssMB: number;
  peakHeapMB: number;
  rssMB: number;
  streamLoad: StreamLoadTally;
  source: SourceTally;
  /** Seconds runnable but waiting for a CPU (other processes had the cores). */
  runQueueWaitS: number;
  streamLoadKind: 'adapter' | 'stand-in';
  /** Monotonic clock (µs, the CPU profile's clock) at resetStats and now, to cut a profile to the run. */
  hrStartUs: number;
  hrNowUs: number;
}

const memory = new MemorySampler(20);
let engine: Engine | undefined;
let daemon: EngineDaemon | undefined;
let tally: StreamLoadTally = { loads: 0, bytes: 0, serverMs: 0, spans: [], server: [] };
let kind: 'adapter' | 'stand-in' = 'stand-in';
const source: SourceTally = { reads: 0, messages: 0, spans: [] };
const sourceFactory = instrumentedSource(source);
let waitBase = runQueueWaitSeconds();
let cpuBase = process.cpuUsage();
let wallBase = performance.now();
let hrBase = process.hrtime.bigint();
const last = new Map<string, string>();

function report(job: JobSnapshot): void {
  const key = `${job.state}/${job.statistic.loadedRows}/${job.statistic.errorRows}`;
  if (last.get(job.name) === key) return;
  last.set(job.name, key);
  const event: JobEvent = {
    type: 'job', t: Date.now(), name: job.name, state: job.state, loadedRows: job.statistic.loadedRows, totalRows: job.statistic.totalRows,
    errorRows: job.statistic.errorRows, receivedBytes: job.statistic.receivedBytes, committedTaskNum: job.statistic.committedTaskNum,
    progress: job.progress, reason: job.reasonOfStateChanged, otherMsg: job.otherMsg,
  };
  process.send?.(event);
}

async function factoryFor(beUrl: string) {
  const made = await instrumentedStreamLoad(beUrl);
  tally = made.tally;
  kind = made.kind;
  return made.factory;
}

serve(async (c) => {
  switch (c.type) {
    case 'open': {
      const factory = await factoryFor(String(c.beUrl));
      engine = await Engine.open({
        stateDir: String(c.stateDir),
        starrocks: { feUrl: String(c.feUrl), user: 'root', password: '' },
        settings: c.settings as Partial<EngineSettings>,
        streamLoadFactory: factory,
        sourceFactory,
      });
      engine.on('jobChanged', report);
      return { pid: process.pid, streamLoad: kind };
    }
    case 'daemon': {
      const factory = await factoryFor(String(c.beUrl));
      daemon = await EngineDaemon.start({
        stateDir: String(c.stateDir),
        openEngine: async (o) => {
          const e = await Engine.open({ stateDir: o.stateDir, starrocks: o.starrocks, settings: o.settings, secrets: daemonSecretProvider(o.secrets), streamLoadFactory: factory, sourceFactory });
          e.on('jobChanged', report);
          return e as unknown as EngineHandle;
        },
      });
      return { pid: process.pid, socketPath: daemon.socketPath, streamLoad: kind };
    }
    case 'execute': {
      if (!engine) throw new Error('the engine is not open');
      return await engine.execute(String(c.sql));
    }
    case 'jobs':
      return engine?.jobs() ?? [];
    case 'resetStats':
      cpuBase = process.cpuUsage();
      wallBase = performance.now();
      hrBase = process.hrtime.bigint();
      memory.reset();
      tally.loads = 0;
      tally.bytes = 0;
      tally.serverMs = 0;
      tally.spans = [];
      tally.server = [];
      Object.assign(source, { reads: 0, messages: 0, spans: [] });
      waitBase = runQueueWaitSeconds();
      return null;
    case 'stats': {
      memory.sample();
      const cpu = process.cpuUsage(cpuBase);
      const stats: EngineStats = {
        cpuUserS: cpu.user / 1e6, cpuSystemS: cpu.system / 1e6, wallS: (performance.now() - wallBase) / 1000,
        peakRssMB: memory.peakRss / 2 ** 20, peakHeapMB: memory.peakHeap / 2 ** 20, rssMB: process.memoryUsage().rss / 2 ** 20,
        streamLoad: { ...tally, spans: [...tally.spans], server: [...tally.server] }, source: { ...source, spans: [...source.spans] }, runQueueWaitS: runQueueWaitSeconds() - waitBase, streamLoadKind: kind,
        hrStartUs: Number(hrBase / 1000n), hrNowUs: Number(process.hrtime.bigint() / 1000n),
      };
      return stats;
    }
    case 'close': {
      memory.stop();
      await engine?.close(5000);
      await daemon?.close('bench finished');
      setTimeout(() => process.exit(0), 50);
      return null;
    }
    default:
      throw new Error(`unknown command ${c.type}`);
  }
});
