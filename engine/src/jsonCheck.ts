// The JSON check of a message: whether its bytes are exactly one JSON value (RFC 8259, as JSON.parse accepts it) in
// valid UTF-8, without decoding or parsing it. JSON bodies forward every message that passes as it is, so this runs
// once per message and was the engine's largest cost on JSON topics. It runs in WebAssembly (engine/wasm/json-check,
// string contents 16 bytes at a time) where the runtime has it, and in JavaScript otherwise (the same grammar and
// depth limit; also for messages larger than the WebAssembly module's input).

import { isUtf8 } from 'node:buffer';
import { JSON_CHECK_WASM } from './jsonCheckWasm.js';
import { instantiate, type WasmMemory } from './wasm.js';

const MAX_SCAN_DEPTH = 512;

/** A checker: -1 when `slice` is not exactly one JSON value, 0 when it is one in ASCII, 1 when it has bytes ≥ 0x80. */
type Check = (slice: Buffer) => number;

/**
 * The bytes of `value` without surrounding JSON whitespace, if they are exactly one JSON value in valid UTF-8; else
 * undefined (the caller parses the message itself: other whitespace String.trim removes, invalid UTF-8, very deep
 * nesting, or invalid JSON).
 */
export function jsonValueBytes(value: Buffer): Buffer | undefined {
  return valueBytes(value, checkWasm);
}

/** The same, always in JavaScript (for tests and for runtimes without WebAssembly). */
export function jsonValueBytesScript(value: Buffer): Buffer | undefined {
  return valueBytes(value, checkScript);
}

function valueBytes(value: Buffer, check: Check): Buffer | undefined {
  let start = 0;
  let end = value.length;
  while (start < end && isJsonSpace(value[start])) start++;
  while (end > start && isJsonSpace(value[end - 1])) end--;
  if (start === end) return undefined;
  // Most messages have no surrounding whitespace: forward the message itself, no view to make.
  const slice = start === 0 && end === value.length ? value : value.subarray(start, end);
  const found = check(slice);
  if (found < 0 || (found === 1 && !isUtf8(slice))) return undefined;
  return slice;
}

function checkScript(slice: Buffer): number {
  const scan = new JsonScan(slice, slice.length);
  if (scan.value(0, 0) !== slice.length) return -1;
  return scan.highBytes ? 1 : 0;
}

interface WasmCheck {
  input: Uint8Array;
  capacity: number;
  check: (length: number) => number;
}

/** The module, compiled on first use; null where WebAssembly (or its SIMD) is missing. */
let wasm: WasmCheck | null | undefined;

function loadWasm(): WasmCheck | null {
  const exports = instantiate<{ memory: WasmMemory; input(): number; capacity(): number; check(length: number): number }>(JSON_CHECK_WASM);
  if (!exports) return null; // the JavaScript check does the same
  const capacity = exports.capacity();
  // The module never grows its memory, so this view stays valid.
  return { input: new Uint8Array(exports.memory.buffer, exports.input(), capacity), capacity, check: exports.check };
}

/** Whether the WebAssembly check is in use (false: JavaScript only). */
export function jsonCheckInWasm(): boolean {
  wasm ??= loadWasm();
  return wasm !== null;
}

function checkWasm(slice: Buffer): number {
  wasm ??= loadWasm();
  if (wasm === null || slice.length > wasm.capacity) return checkScript(slice);
  // A copy into the module's memory costs a tenth of what the check saves (about 50 ns for 500 bytes).
  wasm.input.set(slice);
  return wasm.check(slice.length);
}

function isJsonSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** One DataView per underlying buffer: the messages of one Kafka response share it. */
let viewedBuffer: ArrayBufferLike | undefined;
let view: DataView | undefined;
function dataView(b: Buffer): DataView {
  if (b.buffer !== viewedBuffer || !view) {
    viewedBuffer = b.buffer;
    view = new DataView(b.buffer);
  }
  return view;
}

class JsonScan {
  highBytes = false;
  private readonly view: DataView;
  private readonly offset: number;
  constructor(private readonly b: Buffer, private readonly end: number) {
    this.view = dataView(b);
    this.offset = b.byteOffset;
  }

  private space(i: number): number {
    while (i < this.end && isJsonSpace(this.b[i])) i++;
    return i;
  }

  /** Index after the value starting at `i` (no leading whitespace), or -1. */
  value(i: number, depth: number): number {
    if (i >= this.end) return -1;
    const c = this.b[i];
    if (c === 0x22) return this.string(i);
    if (c === 0x7b) return this.object(i, depth + 1);
    if (c === 0x5b) return this.array(i, depth + 1);
    if (c === 0x74) return this.literal(i, 'true');
    if (c === 0x66) return this.literal(i, 'false');
    if (c === 0x6e) return this.literal(i, 'null');
    return this.number(i);
  }

  private object(i: number, depth: number): number {
    if (depth > MAX_SCAN_DEPTH) return -1;
    i = this.space(i + 1);
    if (this.b[i] === 0x7d) return i + 1;
    for (;;) {
      if (this.b[i] !== 0x22) return -1;
      i = this.string(i);
      if (i < 0) return -1;
      i = this.space(i);
      if (this.b[i] !== 0x3a) return -1;
      i = this.value(this.space(i + 1), depth);
      if (i < 0) return -1;
      i = this.space(i);
      const c = this.b[i];
      if (c === 0x7d) return i + 1;
      if (c !== 0x2c || i >= this.end) return -1;
      i = this.space(i + 1);
    }
  }

  private array(i: number, depth: number): number {
    if (depth > MAX_SCAN_DEPTH) return -1;
    i = this.space(i + 1);
    if (this.b[i] === 0x5d) return i + 1;
    for (;;) {
      i = this.value(i, depth);
      if (i < 0) return -1;
      i = this.space(i);
      const c = this.b[i];
      if (c === 0x5d) return i + 1;
      if (c !== 0x2c || i >= this.end) return -1;
      i = this.space(i + 1);
    }
  }

  private string(i: number): number {
    const { b, end, view, offset } = this;
    i++;
    for (;;) {
      // Four bytes at a time while none of them is special — a quote, a backslash, a control character or a
      // non-ASCII byte (bit tricks on a 32-bit word): string contents are most of a message's bytes.
      while (i + 4 <= end) {
        const w = view.getUint32(offset + i, true);
        const q = w ^ 0x22222222;
        const s = w ^ 0x5c5c5c5c;
        if ((((w - 0x20202020) & ~w) | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | w) & 0x80808080) break;
        i += 4;
      }
      if (i >= end) return -1;
      const c = b[i];
      if (c === 0x22) return i + 1;
      if (c < 0x20) return -1;
      if (c >= 0x80) this.highBytes = true;
      else if (c === 0x5c) {
        i++;
        const e = b[i];
        if (e === 0x75) {
          for (let k = 1; k <= 4; k++) if (!isHex(b[i + k]) || i + k >= end) return -1;
          i += 4;
        } else if (!(e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) {
          return -1;
        }
      }
      i++;
    }
  }

  private literal(i: number, word: string): number {
    if (i + word.length > this.end) return -1;
    for (let k = 0; k < word.length; k++) if (this.b[i + k] !== word.charCodeAt(k)) return -1;
    return i + word.length;
  }

  private number(i: number): number {
    const { b, end } = this;
    if (b[i] === 0x2d) i++;
    if (i >= end) return -1;
    if (b[i] === 0x30) i++;
    else if (b[i] >= 0x31 && b[i] <= 0x39) while (i < end && isDigit(b[i])) i++;
    else return -1;
    if (i < end && b[i] === 0x2e) {
      i++;
      if (i >= end || !isDigit(b[i])) return -1;
      while (i < end && isDigit(b[i])) i++;
    }
    if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
      if (i >= end || !isDigit(b[i])) return -1;
      while (i < end && isDigit(b[i])) i++;
    }
    return i;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

