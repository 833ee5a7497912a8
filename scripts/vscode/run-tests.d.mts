// Types of run-tests.mjs, for the TypeScript tests that import it.
export type Tools =
  | { ok: true; nodeBin: string; entry: string; chromium: string; codeServerVersion: string }
  | { ok: false; reason: string };

export function toolsDir(): string;
export function findTools(): Tools;
export function bundleSuite(entry: string, outfile: string): Promise<string>;
export function tail(path: string, lines?: number): string;

export interface RunSuiteOptions {
  testsPath: string;
  folder?: string;
  extensionPath?: string;
  timeoutMs?: number;
  /** Reaches the extension host (it is forked from code-server). */
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** false: workspace trust stays on and the folder is not trusted (default true). */
  trusted?: boolean;
  artifactsDir?: string;
  onLog?: (line: string) => void;
  keepRunDir?: boolean;
  verbose?: boolean;
  tools?: Tools;
}

/** 0 when the module's run() resolved, 1 when it failed, 124 on timeout. */
export function runSuite(options: RunSuiteOptions): Promise<{ code: number; durationMs: number }>;
