// The JSON fast path in WebAssembly (sandbox/wasm/json-scan) for the common key tree: column names, or jsonpaths of
// one step each. It gives the tokens JsonScanner gives (jsonScan.ts) at a fraction of the cost — string contents 16
// bytes at a time — and the fast-path tests compare both with the general path. Other trees, bodies the module's
// memory cannot take, and runtimes without WebAssembly use JsonScanner.
//
// The body is copied into the module's memory, which grows to the largest body seen and stays so (a stand-in's
// memory for its bench and tests; a load never runs two scans at once, JavaScript being single-threaded).

import { instantiate, type WasmMemory } from '../../engine/src/wasm';
import type { KeyNode, Tokens } from './jsonScan';
import { JSON_SCAN_WASM } from './jsonScanWasm';

interface Exports {
  memory: WasmMemory;
  body(): number;
  limits(which: number): number;
  scan(length: number, children: number, slotCount: number, namesOnly: number, array: number): number;
  children(): number;
  keys(): number;
  slots(): number;
  kinds(): number;
  starts(): number;
  ends(): number;
}

type OnRow = (start: number, end: number, exact: boolean) => void;

/** The module's `row` import calls the scan in progress. */
let current: OnRow = () => undefined;
let loaded: Exports | null | undefined;

function load(): Exports | null {
  loaded ??= instantiate<Exports>(JSON_SCAN_WASM, { env: { row: (start: number, end: number, exact: number) => current(start, end, exact !== 0) } });
  return loaded;
}

const PAGE = 65536;

/**
 * Scans `bytes` as JsonScanner.scan would, for the key tree `root`: true when the body is exactly one JSON document of
 * the expected kind, false when it is not (rows reported so far must be dropped), undefined when this path does not
 * take the tree or the body (nothing was reported: run JsonScanner).
 */
export function scanInWasm(root: KeyNode, tokens: Tokens, namesOnly: boolean, bytes: Buffer, array: boolean, onRow: OnRow): boolean | undefined {
  const wasm = load();
  if (!wasm) return undefined;
  const children = root.children;
  const slotCount = tokens.kinds.length;
  let keyBytes = 0;
  for (const child of children) {
    if (child.children.length > 0) return undefined; // a path of several steps
    keyBytes += child.bytes.length;
  }
  if (root.slots.length > 0 || children.length > wasm.limits(0) || slotCount > wasm.limits(1) || keyBytes > wasm.limits(2)) return undefined;

  const at = wasm.body();
  const needed = at + bytes.length + 32;
  const have = wasm.memory.buffer.byteLength;
  if (needed > have) {
    try {
      wasm.memory.grow(Math.ceil((needed - have) / PAGE));
    } catch {
      return undefined; // beyond what a 32-bit memory holds
    }
  }
  const memory = wasm.memory.buffer;

  const table = new Uint32Array(memory, wasm.children(), children.length * 5);
  const keys = new Uint8Array(memory, wasm.keys(), keyBytes);
  const slots = new Uint32Array(memory, wasm.slots(), wasm.limits(1));
  let key = 0;
  let slot = 0;
  children.forEach((child, c) => {
    keys.set(child.bytes, key);
    table.set([key, child.bytes.length, child.plain ? 1 : 0, slot, child.slots.length], c * 5);
    key += child.bytes.length;
    for (const s of child.slots) slots[slot++] = s;
  });
  new Uint8Array(memory, at, bytes.length).set(bytes);

  const kinds = new Uint8Array(memory, wasm.kinds(), slotCount);
  const starts = new Int32Array(memory, wasm.starts(), slotCount);
  const ends = new Int32Array(memory, wasm.ends(), slotCount);
  const { kinds: toKinds, starts: toStarts, ends: toEnds } = tokens;
  current = (start, end, exact) => {
    if (exact) {
      for (let i = 0; i < slotCount; i++) {
        toKinds[i] = kinds[i]!;
        toStarts[i] = starts[i]!;
        toEnds[i] = ends[i]!;
      }
    }
    onRow(start, end, exact);
  };
  try {
    return wasm.scan(bytes.length, children.length, slotCount, namesOnly ? 1 : 0, array ? 1 : 0) === 1;
  } finally {
    current = () => undefined;
  }
}
