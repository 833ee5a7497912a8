// Where an engine keeps its jobs, offsets, lock and socket: one place decides it for the
// command line, the daemon and the extension, so they all find the same engine.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const STATE_DIR_ENV = 'ROUTINE_LOAD_STATE_DIR';

/** `$ROUTINE_LOAD_STATE_DIR`, else `~/.routine-load`; always absolute. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[STATE_DIR_ENV];
  return resolve(fromEnv && fromEnv.trim() !== '' ? fromEnv : join(homedir(), '.routine-load'));
}

/** The directory given on a command line or in a setting, or the default; always absolute. */
export function resolveStateDir(given?: string): string {
  return given && given.trim() !== '' ? resolve(given) : defaultStateDir();
}

/**
 * Creates the state directory, readable by its owner only: it holds the engine's socket, and whoever
 * can reach the socket can drive the jobs. An existing directory keeps its mode (the socket has its own 0600).
 */
export function ensureStateDir(stateDir: string): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
}
