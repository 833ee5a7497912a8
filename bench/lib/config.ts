// The suite's sizes: full (about 6–10 minutes on 2 cores) and --quick (the same comparisons, smaller).
// Throughput topics hold several batches (max_batch_rows is at least 200,000), so the runs measure the engine's
// steady state — reading one batch while the previous one loads — rather than its first batch alone; a topic
// the kafkajs consumer drains in under a second would mostly time the start.
import type { Format } from './data';

export interface Config {
  mode: 'full' | 'quick';
  reps: number;
  formats: Format[];
  partitions: number[];
  rows: Record<Format, number>;
  sandboxRows: number;
  freshness: { ratePerS: number; seconds: number };
  /** The small topic is a quarter of the CSV throughput topic, which is the 4× one. */
  resources: { reps: number };
  host: { idleSeconds: number };
  adapterMessages: number;
}

export function config(quick: boolean): Config {
  return quick
    ? {
        mode: 'quick', reps: 2, formats: ['csv', 'json'], partitions: [1, 5], rows: { csv: 600_000, json: 400_000 }, sandboxRows: 300_000,
        freshness: { ratePerS: 2000, seconds: 15 }, resources: { reps: 1 }, host: { idleSeconds: 2 }, adapterMessages: 50_000,
      }
    : {
        mode: 'full', reps: 5, formats: ['csv', 'json'], partitions: [1, 5], rows: { csv: 1_200_000, json: 1_200_000 }, sandboxRows: 1_000_000,
        freshness: { ratePerS: 2000, seconds: 40 }, resources: { reps: 2 }, host: { idleSeconds: 3 }, adapterMessages: 200_000,
      };
}
