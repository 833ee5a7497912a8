// The Stream Load client the engine uses in the suite: the real adapter (engine/src/streamload) when it is
// there, else a labelled stand-in that PUTs straight to the sandbox's BE. Either way it is wrapped to count
// how long the engine waits on Stream Load, so each run can say whether HTTP and the sandbox were the limit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StreamLoadError, type KafkaSource, type KafkaSourceConfig, type StreamLoadClient, type StreamLoadResponse, type StreamLoadTarget } from '../../engine/src/ports';
import { createKafkaSource } from '../../engine/src/kafka';

export interface StreamLoadTally {
  loads: number;
  bytes: number;
  /** The sandbox's own LoadTimeMs, summed. */
  serverMs: number;
  /** Each load: [start, end] (epoch ms) and its rows, for the run's timeline. */
  spans: Array<[number, number, number]>;
  /** Each load's own times as the sandbox reports them: receiving the body, then parsing and writing it. */
  server: Array<{ readMs: number; writeMs: number }>;
}

/** What the engine's tasks read from the Kafka source. */
export interface SourceTally {
  reads: number;
  messages: number;
  /** Each read: [start, end] (epoch ms) and its messages, for the run's timeline. */
  spans: Array<[number, number, number]>;
}

/** Wall-clock milliseconds with sub-millisecond precision: spans of both processes' tallies share this clock. */
const now = (): number => performance.timeOrigin + performance.now();

/** Wraps the engine's Kafka source so each run can say how long tasks spent reading. */
export function instrumentedSource(tally: SourceTally): (config: KafkaSourceConfig) => KafkaSource {
  return (config) => {
    const inner = createKafkaSource(config);
    return {
      ...inner,
      partitions: () => inner.partitions(),
      offsetsForTimestamp: (p, t) => inner.offsetsForTimestamp(p, t),
      commit: (o) => inner.commit(o),
      close: () => inner.close(),
      watermarks: (partitions) => inner.watermarks(partitions),
      async read(start, limits) {
        const t = now();
        let messages = 0;
        try {
          const batches = await inner.read(start, limits);
          for (const b of batches) messages += b.messages ?? b.values.length;
          return batches;
        } finally {
          const end = now();
          tally.reads += 1;
          tally.messages += messages;
          tally.spans.push([t, end, messages]);
        }
      },
    };
  };
}

export function realAdapterPresent(): boolean {
  return existsSync(join(__dirname, '..', '..', 'engine', 'src', 'streamload', 'index.ts'));
}

type AdapterModule = { createStreamLoadClient(target: StreamLoadTarget): StreamLoadClient };

function standIn(beUrl: string, target: StreamLoadTarget): StreamLoadClient {
  const auth = `Basic ${Buffer.from(`${target.user}:${target.password}`).toString('base64')}`;
  return {
    async load(req) {
      let res: Response;
      try {
        res = await fetch(`${beUrl}/api/${req.db}/${req.table}/_stream_load`, {
          method: 'PUT',
          headers: { ...req.headers, label: req.label, authorization: auth },
          body: req.body,
          signal: req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)]) : AbortSignal.timeout(req.timeoutMs),
        });
      } catch (err) {
        throw new StreamLoadError('unreachable', (err as Error).message);
      }
      return (await res.json()) as StreamLoadResponse;
    },
    async close() {},
  };
}

/** The factory for Engine.open, and the tally it fills. */
export async function instrumentedStreamLoad(beUrl: string): Promise<{ factory: (t: StreamLoadTarget) => StreamLoadClient; tally: StreamLoadTally; kind: 'adapter' | 'stand-in' }> {
  const tally: StreamLoadTally = { loads: 0, bytes: 0, serverMs: 0, spans: [], server: [] };
  let make: (t: StreamLoadTarget) => StreamLoadClient;
  let kind: 'adapter' | 'stand-in';
  if (realAdapterPresent()) {
    const path = '../../engine/src/streamload/index';
    const mod = (await import(path)) as AdapterModule;
    make = (t) => mod.createStreamLoadClient(t);
    kind = 'adapter';
  } else {
    make = (t) => standIn(beUrl, t);
    kind = 'stand-in';
  }
  const factory = (t: StreamLoadTarget): StreamLoadClient => {
    const inner = make(t);
    return {
      async load(req) {
        const start = now();
        let rows = 0;
        try {
          const r = await inner.load(req);
          tally.serverMs += typeof r.LoadTimeMs === 'number' ? r.LoadTimeMs : 0;
          rows = typeof r.NumberTotalRows === 'number' ? r.NumberTotalRows : 0;
          tally.server.push({ readMs: Number(r.ReadDataTimeMs ?? 0), writeMs: Number(r.WriteDataTimeMs ?? 0) });
          return r;
        } finally {
          const end = now();
          tally.loads += 1;
          tally.bytes += req.body.length;
          tally.spans.push([start, end, rows]);
        }
      },
      close: () => inner.close(),
    };
  };
  return { factory, tally, kind };
}
