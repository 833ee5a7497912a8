// `routine-load sandbox`: the StarRocks stand-in in the foreground, for the demo and for trying jobs
// without a cluster. Prints the FE URL on a line of its own; Ctrl-C stops it cleanly.
import { readFileSync } from 'node:fs';
import type { Command } from '../commands';
import { UsageError } from '../errors';
import { startSandbox } from '../../../sandbox/src/server';

const USAGE = 'routine-load sandbox [--ddl FILE.sql]... [--data-dir DIR] [--port N] [--be-port N] [--user NAME:PASSWORD]...';

interface Parsed {
  ddl: string[];
  dataDir?: string;
  port: number;
  bePort: number;
  users?: Record<string, string>;
}

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} must be a port number (0-65535), got "${value}".`);
  return n;
}

export function parseSandboxArgs(args: string[]): Parsed {
  const parsed: Parsed = { ddl: [], port: 8030, bePort: 8040 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? (eq > 0 ? arg.slice(2, eq) : arg.slice(2)) : '';
    if (!name) throw new UsageError(`unexpected argument "${arg}". Usage: ${USAGE}`);
    const known = ['ddl', 'data-dir', 'port', 'be-port', 'user'];
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}. Known: ${known.map((o) => `--${o}`).join(', ')}.`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value.`);
    switch (name) {
      case 'ddl': parsed.ddl.push(value); break;
      case 'data-dir': parsed.dataDir = value; break;
      case 'port': parsed.port = port(name, value); break;
      case 'be-port': parsed.bePort = port(name, value); break;
      case 'user': {
        const colon = value.indexOf(':');
        if (colon <= 0) throw new UsageError(`--user takes NAME:PASSWORD (an empty password is "root:"), got "${value}".`);
        parsed.users ??= {};
        parsed.users[value.slice(0, colon)] = value.slice(colon + 1);
        break;
      }
    }
  }
  return parsed;
}

const command: Command = {
  summary: 'run the StarRocks sandbox (Stream Load, transaction API, read-back) in the foreground',
  usage: USAGE,
  async run(args) {
    const parsed = parseSandboxArgs(args);
    const ddl = parsed.ddl.map((file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        throw new Error(`cannot read --ddl ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
      }
    }).join('\n;\n');
    let sandbox;
    try {
      sandbox = await startSandbox({ ddl: ddl || undefined, dataDir: parsed.dataDir, port: parsed.port, bePort: parsed.bePort, users: parsed.users });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new Error(`port ${String((e as { port?: number }).port ?? '')} is in use: pass --port and --be-port (0 picks free ones).`);
      throw error;
    }
    console.log(sandbox.feUrl);
    console.error(`sandbox: FE ${sandbox.feUrl}, BE ${sandbox.beUrl}; ${sandbox.core.tables().length} table(s); ${parsed.dataDir ? `data in ${parsed.dataDir}` : 'data in memory'}. Ctrl-C stops it.`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await sandbox.stop();
    return 0;
  },
};

export default command;
