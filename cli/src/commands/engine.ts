// `routine-load engine`: the daemon of one state directory, in the foreground. The extension starts it
// detached through ensureEngine and configures it over the socket; `run` uses the same code in-process.
import type { Command } from '../commands';
import { UsageError } from '../errors';
import { EXIT_ALREADY_RUNNING } from '../../../engine/src/client';
import { EngineAlreadyRunningError, EngineDaemon, closeOnSignals, type LogEntry } from '../../../engine/src/daemon';
import type { ConfigureParams } from '../../../engine/src/protocol';
import { resolveStateDir } from '../../../engine/src/stateDir';

/** Values of `--name VALUE` / `--name=VALUE` options and the positional arguments. */
export function parseOptions(args: string[], valued: string[], flags: string[] = []): { options: Map<string, string>; flags: Set<string>; positional: string[] } {
  const options = new Map<string, string>();
  const seen = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') { positional.push(...args.slice(i + 1)); break; }
    if (!arg.startsWith('--') || arg === '-') { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (flags.includes(name)) { seen.add(name); continue; }
    if (!valued.includes(name)) {
      throw new UsageError(`unknown option --${name}. Known: ${[...valued, ...flags].map((o) => `--${o}`).join(', ') || 'none'}.`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
    options.set(name, value);
  }
  return { options, flags: seen, positional };
}

/**
 * `http://USER@HOST:PORT` → the FE URL and user. The password never comes from a command line (every user of
 * the machine can read it in the process list): it comes from STARROCKS_PASSWORD.
 */
export function starrocksFromUrl(value: string, env: NodeJS.ProcessEnv = process.env): ConfigureParams['starrocks'] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--starrocks "${value}" is not a URL; expected http://USER@HOST:PORT, e.g. http://root@127.0.0.1:8030.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--starrocks must be an http:// or https:// URL of the FE (its HTTP port, 8030 by default), not ${url.protocol}//.`);
  }
  if (url.password) {
    throw new UsageError('--starrocks must not carry the password (others can read command lines): set STARROCKS_PASSWORD in the environment instead.');
  }
  const user = decodeURIComponent(url.username) || 'root';
  const feUrl = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')}`;
  return { feUrl, user, password: env.STARROCKS_PASSWORD ?? '' };
}

/** One log line: time, level, job, message. */
export function formatLog(entry: LogEntry): string {
  const time = entry.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return `${time} ${entry.level.toUpperCase().padEnd(5)} ${entry.jobName ? `[${entry.jobName}] ` : ''}${entry.message}`;
}

/**
 * Writes log lines at a sane rate: everything at warn and above, and at most `perWindow` info lines per
 * window; the rest are counted and summarised, so a busy job never floods a terminal or a log file.
 */
export function rateLimitedLog(write: (line: string) => void, options: { perWindow?: number; windowMs?: number; minLevel?: LogEntry['level'] } = {}): (entry: LogEntry) => void {
  const perWindow = options.perWindow ?? 20;
  const windowMs = options.windowMs ?? 10_000;
  const order = ['trace', 'debug', 'info', 'warn', 'error'];
  const min = order.indexOf(options.minLevel ?? 'info');
  let windowStart = 0;
  let count = 0;
  let suppressed = 0;
  return (entry) => {
    const level = order.indexOf(entry.level);
    if (level < min) return;
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      if (suppressed > 0) write(`${formatLog({ level: 'info', message: `(${suppressed} more log lines in the last ${Math.round(windowMs / 1000)} s not shown)`, time: new Date(now).toISOString() })}`);
      windowStart = now;
      count = 0;
      suppressed = 0;
    }
    if (level >= order.indexOf('warn') || count < perWindow) {
      count += 1;
      write(formatLog(entry));
    } else {
      suppressed += 1;
    }
  };
}

const command: Command = {
  summary: 'run the engine daemon of a state directory in the foreground (VS Code starts it for you)',
  usage: 'routine-load engine [--state-dir DIR] [--starrocks http://USER@HOST:PORT]   (password: STARROCKS_PASSWORD)',
  async run(args) {
    const { options, positional } = parseOptions(args, ['state-dir', 'starrocks']);
    if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}".`);
    const stateDir = resolveStateDir(options.get('state-dir'));
    const starrocks = options.has('starrocks') ? starrocksFromUrl(options.get('starrocks')!) : undefined;
    const log = rateLimitedLog((line) => process.stderr.write(`${line}\n`));
    let daemon: EngineDaemon;
    try {
      daemon = await EngineDaemon.start({ stateDir, log, configure: starrocks ? { starrocks } : undefined });
    } catch (error) {
      if (error instanceof EngineAlreadyRunningError) {
        process.stderr.write(`engine: ${error.message}\n`);
        return EXIT_ALREADY_RUNNING;
      }
      throw error;
    }
    const release = closeOnSignals(daemon, (signal) => process.stderr.write(`engine: ${signal}: stopping (finishing in-flight tasks)…\n`));
    process.stderr.write(`engine: serving ${stateDir} on ${daemon.socketPath} (pid ${process.pid})` +
      `${starrocks ? `, loading into ${starrocks.feUrl}` : '; waiting for a client to configure StarRocks'}.\n`);
    await daemon.closed;
    release();
    process.stderr.write('engine: stopped.\n');
    return 0;
  },
};

export default command;
