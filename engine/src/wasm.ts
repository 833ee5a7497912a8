// Loading the project's WebAssembly modules (built by scripts/build-wasm.mjs, shipped as base64 in TypeScript so
// that every bundle and tsx run has them without a file to find).

/** What the project uses of WebAssembly (the tsconfig has no DOM types, which declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The module's exports, or null where the runtime has no WebAssembly or cannot compile it (no SIMD, for instance). */
export function instantiate<T>(base64: string, imports: Record<string, Record<string, unknown>> = {}): T | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) return null;
  try {
    return new api.Instance(new api.Module(Buffer.from(base64, 'base64')), imports).exports as T;
  } catch {
    return null;
  }
}

/** A module's memory, as the exports show it. */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
