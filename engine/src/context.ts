// What the schedulers share with the Engine facade: settings, the clock, the store, events and the ports.

import type { KafkaSource, StreamLoadClient } from './ports.js';
import type { RoutineLoadJob } from './job.js';
import type { ErrorReason } from './reasons.js';
import type { EngineSettings } from './settings.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface EngineContext {
  settings: EngineSettings;
  /** Random per state directory; part of every label. */
  instanceId: string;
  now(): number;
  /** Write the whole state to disk, atomically; returns once it is durable. */
  persist(): void;
  /** A job's visible state changed: tell the listeners. */
  changed(job: RoutineLoadJob): void;
  /** Log for the user (never a secret). */
  log(level: LogLevel, message: string, jobName?: string): void;
  streamLoad: StreamLoadClient;
  /** A Kafka source for the job with its secrets resolved, or the reason the job must pause. */
  createSource(job: RoutineLoadJob): Promise<KafkaSource | ErrorReason>;
}

/** Sleep that an AbortSignal cuts short; resolves false when aborted. */
export function sleepFor(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
