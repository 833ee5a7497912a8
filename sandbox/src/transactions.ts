// Load transactions and their labels, as StarRocks' DatabaseTransactionMgr keeps them:
// a label is unique per database among transactions that are not ABORTED, and a finished
// transaction keeps its label for label_keep_max_second (3 days).

import type { Batch } from './storage';

export type TxnState = 'PREPARE' | 'PREPARED' | 'COMMITTED' | 'VISIBLE' | 'ABORTED';

export interface LoadStats {
  total: number;
  loaded: number;
  filtered: number;
  unselected: number;
  bytes: number;
  errorUrl?: string;
}

export interface Txn {
  id: number;
  db: string;
  table: string;
  label: string;
  state: TxnState;
  kind: 'stream' | 'transaction';
  createdMs: number;
  finishedMs?: number;
  timeoutS: number;
  reason?: string;
  stats: LoadStats;
  /** Rows waiting for commit (in memory; prepared ones are also on disk). */
  batch?: Batch;
  /** Transaction API: the data headers of the first /load, which later loads must repeat. */
  loadHeaders?: string;
}

/** What is persisted of a transaction. */
export type TxnRecord = Omit<Txn, 'batch'>;

export const LABEL_REGEX = /^[-\w]{1,128}$/;
const LABEL_KEEP_MS = 259_200_000;

export class LabelAlreadyExistsError extends Error {
  constructor(readonly existing: Txn) {
    super(`Label [${existing.label}] has already been used.`);
  }

  /** ExistingJobStatus: PREPARE/PREPARED are RUNNING, COMMITTED/VISIBLE are FINISHED. */
  get existingStatus(): 'RUNNING' | 'FINISHED' {
    return this.existing.state === 'COMMITTED' || this.existing.state === 'VISIBLE' ? 'FINISHED' : 'RUNNING';
  }
}

export class LabelFormatError extends Error {}

export function checkLabel(label: string): void {
  if (!LABEL_REGEX.test(label)) throw new LabelFormatError(`Label format error. regex: ^[-\\w]{1,128}$, label: ${label}`);
}

export class Transactions {
  nextId = 1000;
  private readonly labels = new Map<string, Map<string, Txn>>();
  private readonly byId = new Map<number, Txn>();

  begin(db: string, table: string, label: string, kind: Txn['kind'], timeoutS: number, now = Date.now()): Txn {
    checkLabel(label);
    const existing = this.find(db, label, now);
    if (existing && existing.state !== 'ABORTED') throw new LabelAlreadyExistsError(existing);
    const txn: Txn = {
      id: this.nextId++, db, table, label, state: 'PREPARE', kind, createdMs: now, timeoutS,
      stats: { total: 0, loaded: 0, filtered: 0, unselected: 0, bytes: 0 },
    };
    this.remember(txn);
    return txn;
  }

  /** The transaction holding a label in a database (the latest one), if it has not expired. */
  find(db: string, label: string, now = Date.now()): Txn | undefined {
    const txn = this.labels.get(db)?.get(label);
    if (!txn) return undefined;
    if (txn.finishedMs !== undefined && now - txn.finishedMs > LABEL_KEEP_MS) {
      this.labels.get(db)!.delete(label);
      this.byId.delete(txn.id);
      return undefined;
    }
    return txn;
  }

  byTxnId(id: number): Txn | undefined {
    return this.byId.get(id);
  }

  remember(txn: Txn): void {
    let ofDb = this.labels.get(txn.db);
    if (!ofDb) this.labels.set(txn.db, (ofDb = new Map()));
    ofDb.set(txn.label, txn);
    this.byId.set(txn.id, txn);
    if (txn.id >= this.nextId) this.nextId = txn.id + 1;
  }

  all(): Txn[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  records(): TxnRecord[] {
    return this.all().map(({ batch: _batch, ...rest }) => rest);
  }
}
