// The sandbox's state without HTTP: catalog, rows, transactions, error logs, faults and the data directory.

import { randomBytes } from 'node:crypto';
import { Catalog, DdlError, TableDef } from './catalog';
import { Faults } from './faults';
import { SyntaxFailure } from './language';
import { QueryError, QueryResult, runQuery } from './query';
import { appendBatch, Batch, DataDir, TableData } from './storage';
import { LoadStats, Transactions, Txn, TxnRecord } from './transactions';

export interface CoreOptions {
  /** DDL run at start-up (CREATE DATABASE / CREATE TABLE). */
  ddl?: string;
  /** Persist rows, labels and tables here; in memory when absent. */
  dataDir?: string;
  /**
   * Keep no rows, as StarRocks' BLACKHOLE() sink: every load is received, parsed, converted and checked as usual and
   * answered with the same counts, but committed rows are counted instead of stored, and SELECT sees none. For
   * measuring a client on the same machine without the stand-in's storage (every stored body is fresh memory).
   */
  discardRows?: boolean;
}

export class SqlError extends Error {}

export class SandboxCore {
  readonly catalog = new Catalog();
  readonly txns = new Transactions();
  readonly faults = new Faults();
  private readonly data = new Map<string, TableData>();
  private readonly errorLogs = new Map<string, string[]>();
  private readonly ddlLog: string[] = [];
  private readonly dir?: DataDir;
  readonly discardRows: boolean;
  /** Rows committed and not kept (discardRows). */
  discardedRows = 0;

  constructor(options: CoreOptions = {}) {
    this.discardRows = options.discardRows ?? false;
    if (options.dataDir) {
      this.dir = new DataDir(options.dataDir);
      this.restore(this.dir);
    }
    if (options.ddl) this.executeDdl(options.ddl, true);
  }

  tableData(db: string, table: string): TableData | undefined {
    return this.data.get(`${db}\u0000${table}`);
  }

  /** Runs DDL text; `replay` accepts tables that already exist with the same DDL (restart with the same --ddl). */
  executeDdl(text: string, replay = false): { created: number } {
    let result;
    try {
      result = this.catalog.execute(text, { replay });
    } catch (error) {
      if (error instanceof DdlError || error instanceof SyntaxFailure) throw new SqlError(error.message);
      throw error;
    }
    for (const def of result.tables) this.data.set(`${def.db}\u0000${def.name}`, new TableData(def));
    if (result.applied.length > 0) {
      this.ddlLog.push(...result.applied);
      this.dir?.writeCatalog(this.ddlLog);
    }
    return { created: result.created };
  }

  /** A SELECT (read-back) or DDL. */
  sql(text: string): QueryResult | { created: number } {
    if (/^\s*select\b/i.test(text)) {
      try {
        return runQuery(text, this.catalog, (db, t) => this.tableData(db, t));
      } catch (error) {
        if (error instanceof QueryError || error instanceof SyntaxFailure) throw new SqlError(error.message);
        throw error;
      }
    }
    return this.executeDdl(text);
  }

  // ---------------------------------------------------------------- transactions

  /** Stages rows in a transaction (Stream Load once; the transaction API per /load). */
  stage(txn: Txn, batch: Batch, stats: Omit<LoadStats, 'loaded' | 'errorUrl'>): void {
    if (!txn.batch) txn.batch = batch;
    else appendBatch(txn.batch, batch);
    txn.stats.total += stats.total;
    txn.stats.filtered += stats.filtered;
    txn.stats.unselected += stats.unselected;
    txn.stats.bytes += stats.bytes;
    txn.stats.loaded = txn.stats.total - txn.stats.filtered - txn.stats.unselected;
  }

  /** PREPARE → PREPARED: the rows become durable and wait for commit or rollback. */
  prepare(txn: Txn): void {
    if (txn.batch) this.dir?.writeSegment(txn.id, txn.batch);
    txn.state = 'PREPARED';
    this.persist();
  }

  /** Makes the rows visible and keeps the label as FINISHED. */
  commit(txn: Txn): void {
    const def = this.catalog.table(txn.db, txn.table);
    const table = this.tableData(txn.db, txn.table);
    if (!def || !table) throw new Error(`table ${txn.db}.${txn.table} disappeared`);
    if (txn.batch && txn.batch.rows > 0 && this.discardRows) {
      this.discardedRows += txn.batch.rows;
      if (txn.state === 'PREPARED') this.dir?.dropSegment(txn.id);
    } else if (txn.batch && txn.batch.rows > 0) {
      if (txn.state !== 'PREPARED') this.dir?.writeSegment(txn.id, txn.batch);
      table.apply(txn.batch);
    } else if (txn.state === 'PREPARED') {
      this.dir?.dropSegment(txn.id);
    }
    txn.batch = undefined;
    txn.state = 'VISIBLE';
    txn.finishedMs = Date.now();
    this.persist();
  }

  abort(txn: Txn, reason: string): void {
    if (txn.state === 'ABORTED' || txn.state === 'VISIBLE' || txn.state === 'COMMITTED') return;
    const wasPrepared = txn.state === 'PREPARED';
    txn.batch = undefined;
    txn.state = 'ABORTED';
    txn.reason = reason;
    txn.finishedMs = Date.now();
    if (wasPrepared) this.dir?.dropSegment(txn.id);
    this.persist();
  }

  private persist(): void {
    this.dir?.writeState<TxnRecord>({ nextTxnId: this.txns.nextId, txns: this.txns.records() });
  }

  private restore(dir: DataDir): void {
    const statements = dir.readCatalog();
    for (const statement of statements) {
      const result = this.catalog.execute(statement, { replay: true });
      for (const def of result.tables) this.data.set(`${def.db}\u0000${def.name}`, new TableData(def));
      this.ddlLog.push(statement);
    }
    const state = dir.readState<TxnRecord>();
    if (!state) return;
    let changed = false;
    for (const record of state.txns) {
      const txn: Txn = { ...record };
      if (txn.state === 'VISIBLE' || txn.state === 'COMMITTED') {
        const batch = dir.readSegment(txn.id);
        const table = this.tableData(txn.db, txn.table);
        if (batch && table) table.apply(batch);
        txn.state = 'VISIBLE';
      } else if (txn.state === 'PREPARED') {
        txn.batch = dir.readSegment(txn.id);
      } else if (txn.state === 'PREPARE') {
        // A load that was running when the sandbox stopped never finished: StarRocks aborts it too.
        txn.state = 'ABORTED';
        txn.reason = 'sandbox restarted';
        txn.finishedMs = Date.now();
        changed = true;
      }
      this.txns.remember(txn);
    }
    this.txns.nextId = Math.max(this.txns.nextId, state.nextTxnId);
    if (changed) this.persist();
  }

  // ---------------------------------------------------------------- error logs

  saveErrorLog(lines: string[]): string {
    const file = `error_log_${randomBytes(8).toString('hex')}`;
    this.errorLogs.set(file, lines);
    if (this.errorLogs.size > 1000) this.errorLogs.delete(this.errorLogs.keys().next().value!);
    return file;
  }

  errorLog(file: string): string[] | undefined {
    return this.errorLogs.get(file);
  }

  tables(): TableDef[] {
    return [...this.catalog.databases.values()].flatMap((m) => [...m.values()]);
  }
}
