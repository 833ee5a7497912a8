// Exactly once, the way StarRocks' FE keeps it, adapted to a client of Stream Load:
// 1. A task's offset range is fixed and written to the store BEFORE any byte goes to StarRocks.
// 2. Its label is derived from that range (and the job's identity), so sending the range again —
//    after a retry, a timeout or a crash — carries the same label and StarRocks deduplicates it.
// 3. Progress moves (in the same atomic store write as the statistics) only after StarRocks
//    committed: Success, Publish Timeout, or Label Already Exists whose job is FINISHED.
// 4. On start, a recorded but unresolved range is read again exactly and sent with its label.

import { createHash } from 'node:crypto';
import type { PartitionRange } from './job.js';

const LABEL_MAX = 128;

/**
 * `<job>-<jobId>-<32 hex>`: the hash covers the state directory's instance id, the job's uuid and
 * every partition's `from-to`, so equal ranges of different jobs or directories never share a label.
 */
export function deriveLabel(jobName: string, jobId: number, instanceId: string, jobUuid: string, ranges: readonly PartitionRange[]): string {
  const sorted = [...ranges].sort((a, b) => a.partition - b.partition);
  const digest = createHash('sha256')
    .update(`${instanceId}/${jobUuid}/`)
    .update(sorted.map((r) => `${r.partition}:${r.from}-${r.to}`).join(','))
    .digest('hex')
    .slice(0, 32);
  const suffix = `-${jobId}-${digest}`;
  const safeName = jobName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, LABEL_MAX - suffix.length);
  return `${safeName}${suffix}`;
}

export function isValidLabel(label: string): boolean {
  return /^[-\w]{1,128}$/.test(label);
}

/** How StarRocks' answer settles a task. */
export type LoadOutcome =
  | { kind: 'committed' }
  /** Label Already Exists while its transaction is still running: ask again later with the same label. */
  | { kind: 'inProgress' }
  /** Aborted, but StarRocks' rule moves progress past it (no rows were imported from upstream). */
  | { kind: 'skipped'; message: string }
  | { kind: 'tooManyFilteredRows'; message: string }
  | { kind: 'failed'; message: string };

export function classifyResponse(status: string, existingJobStatus: string | undefined, message: string): LoadOutcome {
  switch (status) {
    case 'Success':
    case 'Publish Timeout':
      return { kind: 'committed' };
    case 'Label Already Exists':
      return existingJobStatus === 'FINISHED' ? { kind: 'committed' } : { kind: 'inProgress' };
    default:
      if (/No rows were imported from upstream|all partitions have no load data/i.test(message)) return { kind: 'skipped', message };
      if (/too many filtered rows/i.test(message)) return { kind: 'tooManyFilteredRows', message };
      return { kind: 'failed', message };
  }
}
