// Types of check-vsix.mjs, for the TypeScript tests that import it.
export function checkVsix(options: { vsix: string; artifactsDir?: string; timeoutMs?: number; onLog?: (line: string) => void }): Promise<{ ok: boolean; message: string; durationMs: number }>;
