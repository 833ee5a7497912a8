// Rows of each table, column by column, and their persistence under --data-dir.
// DUPLICATE KEY appends; PRIMARY KEY and UNIQUE KEY replace the row with the same key;
// AGGREGATE KEY merges non-key columns with their aggregate (SUM, MAX, MIN, REPLACE, REPLACE_IF_NOT_NULL).

import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, openSync, fsyncSync, closeSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { TableDef } from './catalog';
import { decimalText, Stored } from './types';
import { Source, Vector } from './vector';

/** Converted rows of one load, column by column (the table's column order). */
export class Batch {
  rows = 0;
  readonly vectors: Vector[];

  /** `source`: the body the load's byte ranges refer to (until finish()), if it kept any. */
  constructor(columnCount: number, private source?: Source) {
    this.vectors = Array.from({ length: columnCount }, () => new Vector(source));
  }

  static of(columns: Stored[][], rows: number): Batch {
    const batch = new Batch(0);
    batch.vectors.push(...columns.map((values) => Vector.of(values)));
    batch.rows = rows;
    return batch;
  }

  /** The values, column by column (read-back, persistence: made on each call). */
  get columns(): Stored[][] {
    return this.vectors.map((v) => v.values(this.rows));
  }

  /** A segment file holds the values as before: `{"columns": [[…], …], "rows": n}`. */
  toJSON(): { columns: Stored[][]; rows: number } {
    return { columns: this.columns, rows: this.rows };
  }

  reserve(rows: number): void {
    for (const v of this.vectors) v.reserve(rows);
  }

  /**
   * Fixes the batch at its rows. When the rows refer to less than half of the body (most rows filtered, or
   * few text columns), the bytes they refer to are copied out so the body is not kept for them.
   */
  finish(): void {
    const source = this.source;
    const referred = source ? this.vectors.reduce((sum, v) => sum + v.rangeBytes(this.rows), 0) : 0;
    const into = source && referred * 2 < source.bytes.length ? new Source(Buffer.allocUnsafeSlow(referred), source.ascii) : undefined;
    let at = 0;
    for (const v of this.vectors) at = v.finish(this.rows, into, at);
    // The vectors hold what they still refer to; a copied-out body must not be kept by the batch.
    this.source = undefined;
  }
}

/** Appends one batch to another (the transaction API loads several bodies into one transaction). */
export function appendBatch(into: Batch, from: Batch): void {
  for (let c = 0; c < into.vectors.length; c++) {
    const dst = into.vectors[c]!;
    const src = from.vectors[c]!;
    for (let i = 0; i < from.rows; i++) dst.set(into.rows + i, src.get(i));
  }
  into.rows += from.rows;
}

export class TableData {
  rows = 0;
  /** DUPLICATE KEY: each load's batch kept as it is, so a commit costs nothing per row… */
  private chunks: Batch[] = [];
  /** …until a read-back joins them here. */
  private joined?: Stored[][];
  /** The key models: flat columns, and key → row index to replace or merge. */
  private readonly flat?: Stored[][];
  private readonly index?: Map<unknown, number>;

  constructor(readonly def: TableDef) {
    if (def.keyType !== 'DUPLICATE') {
      this.flat = def.columns.map(() => []);
      this.index = new Map();
    }
  }

  /** All rows, column by column (read-back only: DUPLICATE tables are joined on demand). */
  get columns(): Stored[][] {
    if (this.flat) return this.flat;
    const joined = (this.joined ??= this.def.columns.map(() => []));
    for (const chunk of this.chunks) {
      for (let c = 0; c < joined.length; c++) {
        const values = joined[c]!;
        const vector = chunk.vectors[c]!;
        for (let i = 0; i < chunk.rows; i++) values.push(vector.get(i));
      }
    }
    this.chunks = [];
    return joined;
  }

  apply(batch: Batch): void {
    const n = batch.rows;
    if (!this.flat || !this.index) {
      if (n > 0) this.chunks.push(batch);
      this.rows += n;
      return;
    }
    const cols = this.flat;
    const keys = this.def.keys;
    const values = batch.columns;
    const single = keys.length === 1 ? values[keys[0]!]! : undefined;
    for (let i = 0; i < n; i++) {
      const key = single ? single[i] : keys.map((k) => String(values[k]![i])).join('\u0000');
      const at = this.index.get(key);
      if (at === undefined) {
        this.index.set(key, this.rows);
        for (let c = 0; c < cols.length; c++) cols[c]!.push(values[c]![i]!);
        this.rows++;
      } else if (this.def.keyType === 'AGGREGATE') {
        for (let c = 0; c < cols.length; c++) {
          const column = this.def.columns[c]!;
          if (column.isKey) continue;
          cols[c]![at] = aggregate(column.aggregate!, cols[c]![at]!, values[c]![i]!, column.type.scale);
        }
      } else {
        for (let c = 0; c < cols.length; c++) cols[c]![at] = values[c]![i]!;
      }
    }
  }
}

function aggregate(kind: string, old: Stored, value: Stored, scale: number | undefined): Stored {
  switch (kind) {
    case 'SUM':
      if (old === null) return value;
      if (value === null) return old;
      if (typeof old === 'number' && typeof value === 'number') return old + value;
      return addExact(String(old), String(value), scale ?? 0);
    case 'MAX':
      if (old === null) return value;
      if (value === null) return old;
      return compareStored(value, old) > 0 ? value : old;
    case 'MIN':
      if (old === null) return value;
      if (value === null) return old;
      return compareStored(value, old) < 0 ? value : old;
    case 'REPLACE_IF_NOT_NULL':
      return value === null ? old : value;
    default:
      return value;
  }
}

/** Exact sum of two decimal or big-integer texts. */
function addExact(a: string, b: string, scale: number): string {
  const scaled = (s: string): bigint => {
    const [i, f = ''] = s.split('.');
    return BigInt((i ?? '0') + f.padEnd(scale, '0').slice(0, scale));
  };
  const sum = scaled(a) + scaled(b);
  if (scale === 0) return sum.toString();
  const neg = sum < 0n;
  const digits = (neg ? -sum : sum).toString().padStart(scale + 1, '0');
  return decimalText(`${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`, 38, scale) ?? '0';
}

/** Orders stored values: NULL first, numbers numerically, numeric texts numerically, other texts by code point. */
export function compareStored(a: Stored, b: Stored): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'number' ? a : Number(a);
  const y = typeof b === 'number' ? b : Number(b);
  if ((typeof a === 'number' || typeof b === 'number' || /^-?\d+(\.\d+)?$/.test(String(a))) && !Number.isNaN(x) && !Number.isNaN(y) && /^-?\d+(\.\d+)?$/.test(String(b))) {
    if (x !== y) return x - y;
    if (typeof a === 'string' && typeof b === 'string' && /^-?\d+$/.test(a) && /^-?\d+$/.test(b)) {
      const d = BigInt(a) - BigInt(b);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
    return 0;
  }
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

// ---------------------------------------------------------------- persistence

/** Writes a file so that a crash leaves either the old or the new content, never a torn one. */
export function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export interface PersistedState<T> {
  nextTxnId: number;
  txns: T[];
}

/**
 * The data directory: catalog.json (DDL texts in order), state.json (transactions and labels),
 * segments/<txnId>.json (the rows of each committed or prepared transaction).
 * A segment is written before state.json names it, so a crash in between only leaves an unused file.
 */
export class DataDir {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'segments'), { recursive: true });
  }

  readCatalog(): string[] {
    const path = join(this.dir, 'catalog.json');
    if (!existsSync(path)) return [];
    return (JSON.parse(readFileSync(path, 'utf8')) as { statements: string[] }).statements;
  }

  writeCatalog(statements: string[]): void {
    writeAtomic(join(this.dir, 'catalog.json'), JSON.stringify({ statements }, null, 1));
  }

  readState<T>(): PersistedState<T> | undefined {
    const path = join(this.dir, 'state.json');
    if (!existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as PersistedState<T>;
  }

  writeState<T>(state: PersistedState<T>): void {
    writeAtomic(join(this.dir, 'state.json'), JSON.stringify(state));
  }

  writeSegment(txnId: number, batch: Batch): void {
    writeAtomic(join(this.dir, 'segments', `${txnId}.json`), JSON.stringify(batch));
  }

  readSegment(txnId: number): Batch | undefined {
    const path = join(this.dir, 'segments', `${txnId}.json`);
    if (!existsSync(path)) return undefined;
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { columns: Stored[][]; rows: number };
    return Batch.of(saved.columns, saved.rows);
  }

  dropSegment(txnId: number): void {
    const path = join(this.dir, 'segments', `${txnId}.json`);
    if (existsSync(path)) unlinkSync(path);
  }
}
