// One column of a load's rows, kept compactly until something reads it: numbers in a Float64Array, text
// as byte ranges of the load's body, NULL as a tag, anything else as it is. A load then makes no object
// per value, so its rows cost neither a copy nor the garbage collector's time while they wait in a table.
// Reading a value back gives exactly what was stored: a byte range decodes to the text it was cut from.

import type { Stored } from './types';

/** The body a batch's byte ranges lie in: valid UTF-8 (the fast paths take no other). */
export class Source {
  /** The whole body as text, decoded on the first read-back of an ASCII body. */
  private text?: string;

  constructor(readonly bytes: Buffer, readonly ascii: boolean) {}

  /** One value, decoded on its own: while loading, few values are ever decoded. */
  decode(start: number, end: number): string {
    return this.bytes.toString(this.ascii ? 'latin1' : 'utf8', start, end);
  }

  /** One value for read-back, where every value is read: an ASCII body is decoded once and sliced. */
  read(start: number, end: number): string {
    if (!this.ascii) return this.bytes.toString('utf8', start, end);
    this.text ??= this.bytes.toString('latin1');
    return this.text.slice(start, end);
  }
}

const NULL = 0;
const NUMBER = 1;
const RANGE = 2;
const OTHER = 3;

export class Vector {
  private tags: Uint8Array;
  private numbers?: Float64Array;
  private starts?: Int32Array;
  private ends?: Int32Array;
  /** OTHER values by row (strings not in the body, e.g. converted or unescaped ones). */
  private others?: Stored[];

  constructor(private source: Source | undefined, capacity = 1024) {
    this.tags = new Uint8Array(capacity);
  }

  static of(values: Stored[]): Vector {
    const v = new Vector(undefined, Math.max(1, values.length));
    for (let i = 0; i < values.length; i++) v.set(i, values[i]!);
    return v;
  }

  get(i: number): Stored {
    switch (this.tags[i]) {
      case NUMBER: return this.numbers![i]!;
      case RANGE: return this.source!.read(this.starts![i]!, this.ends![i]!);
      case OTHER: return this.others![i]!;
      default: return null;
    }
  }

  set(i: number, v: Stored): void {
    if (v === null) this.setNull(i);
    else if (typeof v === 'number') this.setNumber(i, v);
    else {
      if (i >= this.tags.length) this.grow(i);
      this.tags[i] = OTHER;
      (this.others ??= [])[i] = v;
    }
  }

  setNull(i: number): void {
    if (i >= this.tags.length) this.grow(i);
    this.tags[i] = NULL;
  }

  setNumber(i: number, n: number): void {
    if (i >= this.tags.length) this.grow(i);
    this.tags[i] = NUMBER;
    (this.numbers ??= new Float64Array(this.tags.length))[i] = n;
  }

  /** The text at bytes [start, end) of the source. */
  setRange(i: number, start: number, end: number): void {
    if (i >= this.tags.length) this.grow(i);
    this.tags[i] = RANGE;
    (this.starts ??= new Int32Array(this.tags.length))[i] = start;
    (this.ends ??= new Int32Array(this.tags.length))[i] = end;
  }

  /** The first n values as plain values (read-back, persistence). */
  values(n: number): Stored[] {
    const out = new Array<Stored>(n);
    for (let i = 0; i < n; i++) out[i] = this.get(i);
    return out;
  }

  /** Bytes of the source the first n values refer to. */
  rangeBytes(n: number): number {
    if (!this.starts) return 0;
    let bytes = 0;
    for (let i = 0; i < n; i++) if (this.tags[i] === RANGE) bytes += this.ends![i]! - this.starts[i]!;
    return bytes;
  }

  /**
   * Keeps the first n values; with `into`, the ranges are copied to `into` from `at` on (a body mostly
   * left behind is not kept for a few values). Returns where `into` is filled to.
   */
  finish(n: number, into?: Source, at = 0): number {
    this.tags = fit(this.tags, n);
    this.numbers = this.numbers && fit(this.numbers, n);
    this.starts = this.starts && fit(this.starts, n);
    this.ends = this.ends && fit(this.ends, n);
    if (this.others) this.others.length = Math.min(this.others.length, n);
    if (!into || !this.starts || !this.ends) return at;
    for (let i = 0; i < n; i++) {
      if (this.tags[i] !== RANGE) continue;
      const length = this.source!.bytes.copy(into.bytes, at, this.starts[i]!, this.ends[i]!);
      this.starts[i] = at;
      at += length;
      this.ends[i] = at;
    }
    this.source = into;
    return at;
  }

  /** Room for n values (a load that can tell how many rows it will have grows once). */
  reserve(n: number): void {
    if (n > this.tags.length) this.resize(n);
  }

  private grow(i: number): void {
    let capacity = Math.max(16, this.tags.length * 2);
    while (capacity <= i) capacity *= 2;
    this.resize(capacity);
  }

  private resize(capacity: number): void {
    this.tags = widen(this.tags, new Uint8Array(capacity));
    if (this.numbers) this.numbers = widen(this.numbers, new Float64Array(capacity));
    if (this.starts) this.starts = widen(this.starts, new Int32Array(capacity));
    if (this.ends) this.ends = widen(this.ends, new Int32Array(capacity));
  }
}

function widen<T extends Uint8Array | Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** The first n values: a view while at most a third of the array is unused, else a copy (not to keep the rest). */
function fit<T extends Uint8Array | Float64Array | Int32Array>(a: T, n: number): T {
  return (a.length > n + (n >> 1) + 64 ? a.slice(0, n) : a.subarray(0, n)) as T;
}
