// Fault injection for reliability tests, switched over HTTP (POST /api/_sandbox/faults) or in process.
// Faults queue up and each applies to the next `count` Stream Loads (BE PUTs) that reach it.

export type FaultKind =
  /** Answer HTTP 500 before anything happens (no transaction, the label stays free). */
  | 'http500'
  /** Read part of the body, then reset the connection; the transaction is aborted. */
  | 'reset'
  /** Begin the transaction and read the body, then wait `delayMs` before finishing (past the client's timeout). */
  | 'delay'
  /** Like delay, but wait until POST /api/_sandbox/faults/release (deterministic tests). */
  | 'hold'
  /** Commit, but answer Status "Publish Timeout". */
  | 'publishTimeout'
  /** Abort and answer Status "Fail" with `message`. */
  | 'fail';

export const FAULT_KINDS: readonly FaultKind[] = ['http500', 'reset', 'delay', 'hold', 'publishTimeout', 'fail'];

export interface FaultSpec {
  kind: FaultKind;
  /** How many loads it applies to (default 1). */
  count?: number;
  message?: string;
  delayMs?: number;
  /** Only loads into this table (`db.table` or `table`). */
  table?: string;
}

export interface Fault extends FaultSpec {
  count: number;
}

export class Faults {
  private queue: Fault[] = [];
  private waiting: (() => void)[] = [];

  add(spec: FaultSpec): Fault {
    if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind "${String(spec.kind)}": use one of ${FAULT_KINDS.join(', ')}`);
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error('fault count must be a positive integer');
    if (spec.kind === 'delay' && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) throw new Error('a delay fault needs delayMs >= 0');
    const fault: Fault = { ...spec, count };
    this.queue.push(fault);
    return fault;
  }

  /** The fault for the next load into db.table, counted as used. */
  take(db: string, table: string): Fault | undefined {
    const i = this.queue.findIndex((f) => f.table === undefined || f.table === table || f.table === `${db}.${table}`);
    if (i < 0) return undefined;
    const fault = this.queue[i]!;
    fault.count--;
    if (fault.count === 0) this.queue.splice(i, 1);
    return fault;
  }

  list(): Fault[] {
    return this.queue.map((f) => ({ ...f }));
  }

  clear(): void {
    this.queue = [];
    this.release();
  }

  /** Resolves when the held loads are released. */
  hold(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Lets every held load finish; returns how many were waiting. */
  release(): number {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
    return waiting.length;
  }

  get held(): number {
    return this.waiting.length;
  }
}
