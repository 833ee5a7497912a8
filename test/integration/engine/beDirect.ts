// Until engine/src/streamload lands: a minimal Stream Load client that PUTs straight to the sandbox's BE
// (StarRocks' BE does not require Expect: 100-continue). Used only when the real adapter is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StreamLoadError, type StreamLoadClient, type StreamLoadTarget } from '../../../engine/src/ports';

export function realAdapterPresent(): boolean {
  return existsSync(join(__dirname, '../../../engine/src/streamload/index.ts'));
}

export function beDirectFactory(beUrl: string): (target: StreamLoadTarget) => StreamLoadClient {
  return (target) => ({
    async load(req) {
      const auth = Buffer.from(`${target.user}:${target.password}`).toString('base64');
      let res: Response;
      try {
        res = await fetch(`${beUrl}/api/${req.db}/${req.table}/_stream_load`, {
          method: 'PUT',
          headers: { ...req.headers, label: req.label, authorization: `Basic ${auth}` },
          body: req.body,
          signal: req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)]) : AbortSignal.timeout(req.timeoutMs),
        });
      } catch (err) {
        throw new StreamLoadError('unreachable', (err as Error).message);
      }
      return (await res.json()) as Awaited<ReturnType<StreamLoadClient['load']>>;
    },
    async close() {},
  });
}
