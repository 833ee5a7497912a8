// The suite's sizes: full (about 10–15 minutes on 2 cores) and --quick (the same comparisons, smaller).
import type { Format } from './data';

export interface Config {
  mode: 'full' | 'quick';
  reps: number;
  formats: Format[];
  partitions: number[];
  rows: Record<Format, number>;
  sandboxRows: number;
  freshness: { ratePerS: number; seconds: number };
  resources: { smallRows: number; reps: number };
  host: { idleSeconds: number };
  adapterMessages: number;
}

export function config(quick: boolean): Config {
  return quick
    ? {
        mode: 'quick', reps: 2, formats: ['csv', 'json'], partitions: [1, 5], rows: { csv: 60_000, json: 12_000 }, sandboxRows: 300_000,
        freshness: { ratePerS: 2000, seconds: 15 }, resources: { smallRows: 15_000, reps: 1 }, host: { idleSeconds: 2 }, adapterMessages: 30_000,
      }
    : {
        mode: 'full', reps: 3, formats: ['csv', 'json'], partitions: [1, 5], rows: { csv: 300_000, json: 60_000 }, sandboxRows: 1_000_000,
        freshness: { ratePerS: 2000, seconds: 40 }, resources: { smallRows: 75_000, reps: 2 }, host: { idleSeconds: 3 }, adapterMessages: 200_000,
      };
}
