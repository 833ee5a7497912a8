// Runs the bundled command line (dist/cli.js) as a child process and waits for its output lines,
// so the tests wait on what the program says, never on a guessed delay.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

let built = false;
/** Builds dist/ once per test process (about a second). */
export function buildOnce(): void {
  if (built) return;
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
  built = true;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr (already seen or future); rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Sends `signal` and resolves with the exit code; a process that does not exit in time is killed and fails. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const notify = () => { for (const w of [...waiters]) w(); };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; notify(); });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; notify(); });
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (c, signal) => {
    code = c ?? (signal ? 128 : null);
    notify();
    resolveExit(code);
  }));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolveWait, reject) => {
        const check = () => {
          const match = (out + err).match(pattern);
          if (match) { done(); resolveWait(match); return; }
          if (code !== undefined) { done(); reject(new Error(`exited (${code}) before printing ${pattern}:\n${out}\n${err}`)); }
        };
        const timer = setTimeout(() => { done(); reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`)); }, timeoutMs);
        const done = () => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGINT', timeoutMs = 60_000) {
      if (code === undefined) child.kill(signal);
      return settleWithin(this, timeoutMs, `routine-load ${args[0]} after ${signal}`);
    },
  };
}

/** Runs the command line to completion; a command still running after `timeoutMs` is killed and fails the test. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, env);
  const code = await settleWithin(cli, timeoutMs, `routine-load ${args.join(' ')}`);
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Waits for the process to exit; after `timeoutMs` it is SIGKILLed and the wait rejects with its output. */
export async function settleWithin(cli: CliProcess, timeoutMs: number, what: string): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`${what} did not exit within ${timeoutMs} ms:\n${cli.stdout()}\n${cli.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([cli.exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
