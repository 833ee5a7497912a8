// The engine daemon: one engine per state directory, reachable over a local socket.
// The lock file makes "one" true across processes (two VS Code windows, a terminal running
// `routine-load run`): a second daemon for the same directory finds the first and refuses.
// A lock left by a killed process is recognised by its dead (or reused) pid and taken over.

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  chmodSync, linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onLines } from './client';
import { EnvSecretProvider, type SecretProvider } from './secrets';
import {
  engineSocketPath, secretKey,
  type ConfigureParams, type EngineError, type EngineEvent, type EngineInfo, type ExecuteResult,
  type JobSnapshot, type Request, type Response,
} from './protocol';
import type { EngineSettings } from './settings';
import { ensureStateDir } from './stateDir';

declare const PACKAGE_VERSION: string | undefined;

export function productVersion(): string {
  if (typeof PACKAGE_VERSION === 'string') return PACKAGE_VERSION;
  try {
    // Under tsx (tests) there is no bundler define: read the manifest.
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

// ------------------------------------------------------------------------------------------ engine shape

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export interface LogEntry { level: LogLevel; message: string; jobName?: string; time: string }

/** What the daemon needs of the engine facade (engine/src/engine.ts); tests may give a stand-in. */
export interface EngineHandle {
  execute(sql: string, options?: { db?: string }): Promise<ExecuteResult[]>;
  jobs(): JobSnapshot[] | Promise<JobSnapshot[]>;
  on(event: 'jobChanged', listener: (job: JobSnapshot) => void): unknown;
  on(event: 'log', listener: (entry: LogEntry) => void): unknown;
  close(): Promise<void>;
}

export interface EngineOpenOptions {
  stateDir: string;
  starrocks: ConfigureParams['starrocks'];
  settings?: Partial<EngineSettings>;
  secrets?: Record<string, string>;
}

export type EngineOpener = (options: EngineOpenOptions) => Promise<EngineHandle>;

/**
 * Secrets from the `configure` request first (the extension's SecretStorage), then the environment (the
 * command line's way). A secret given by a statement is kept in memory only, like the engine does.
 */
export function daemonSecretProvider(secrets: Record<string, string> = {}, env: NodeJS.ProcessEnv = process.env): SecretProvider {
  const memory = new Map(Object.entries(secrets));
  const fromEnv = new EnvSecretProvider(env);
  return {
    get: (db, job, key) => memory.get(secretKey(db, job, key)) ?? fromEnv.get(db, job, key),
    set: (db, job, key, value) => { memory.set(secretKey(db, job, key), value); },
    delete: (db, job, key) => { memory.delete(secretKey(db, job, key)); },
  };
}

const openRealEngine: EngineOpener = async (options) => {
  // Loaded on first configure: a daemon that only answers ping (or refuses to start) stays light.
  const { Engine } = await import('./engine.js');
  return await Engine.open({
    stateDir: options.stateDir,
    starrocks: options.starrocks,
    settings: options.settings,
    secrets: daemonSecretProvider(options.secrets),
  }) as unknown as EngineHandle;
};

// ------------------------------------------------------------------------------------------ the lock

export const LOCK_FILE = 'engine.lock';

interface LockContent {
  pid: number;
  nonce: string;
  host: string;
  /** Linux: the process' start time in clock ticks since boot, so a reused pid is not taken for the owner. */
  procStart?: string;
  bootId?: string;
  startedAt: string;
}

/** Another live daemon holds the state directory. */
export class EngineAlreadyRunningError extends Error {
  constructor(readonly stateDir: string, readonly pid: number, readonly answering: boolean) {
    super(answering
      ? `An engine is already running for state directory ${stateDir} (pid ${pid}). ` +
        'Talk to it with `routine-load exec "<statement>"`, stop it first, or use another --state-dir.'
      : `The engine of state directory ${stateDir} (pid ${pid}) holds its lock but does not answer on its socket. ` +
        `If that process hangs, end it (kill ${pid}) and start again.`);
    this.name = 'EngineAlreadyRunningError';
  }
}

function procStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) comes after the parenthesised command name, which may itself hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the process that wrote `lock` is still the one running under its pid. */
function ownerAlive(lock: LockContent): boolean {
  if (lock.host !== hostname()) return true; // A shared folder seen from another machine: never steal it.
  if (lock.bootId && bootId() && lock.bootId !== bootId()) return false;
  if (!pidAlive(lock.pid)) return false;
  if (lock.procStart) {
    const now = procStartOf(lock.pid);
    if (now !== undefined && now !== lock.procStart) return false;
  }
  return true;
}

function readLock(path: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as LockContent;
    return typeof parsed.pid === 'number' && typeof parsed.nonce === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Answers `ping` on the socket within `timeoutMs`? */
export function probeSocket(socketPath: string, timeoutMs = 1000): Promise<EngineInfo | undefined> {
  return new Promise((resolveProbe) => {
    const socket = createConnection(socketPath);
    const done = (info: EngineInfo | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolveProbe(info);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('connect', () => socket.write(`${JSON.stringify({ id: 1, method: 'ping' })}\n`));
    onLines(socket, (line) => {
      try {
        const message = JSON.parse(line) as { id?: number; result?: EngineInfo };
        if (message.id === 1) done(message.result);
      } catch {
        done(undefined);
      }
    });
    socket.on('error', () => done(undefined));
    socket.on('close', () => done(undefined));
  });
}

export interface HeldLock {
  path: string;
  nonce: string;
  release(): void;
}

/**
 * Takes the state directory's lock, or throws EngineAlreadyRunningError.
 * The lock file is created with O_EXCL, so of two starters exactly one wins. A stale lock (its owner died)
 * is moved aside under a private name and checked to be the stale one before it is deleted, so a starter
 * that raced ahead and already holds a fresh lock never loses it.
 */
export async function acquireLock(stateDir: string, options: { waitForStarterMs?: number } = {}): Promise<HeldLock> {
  ensureStateDir(stateDir);
  const path = join(stateDir, LOCK_FILE);
  const nonce = randomBytes(12).toString('hex');
  const content: LockContent = {
    pid: process.pid, nonce, host: hostname(), procStart: procStartOf(process.pid), bootId: bootId(), startedAt: new Date().toISOString(),
  };
  const waitForStarterMs = options.waitForStarterMs ?? 5000;
  const deadline = Date.now() + waitForStarterMs;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(content), { flag: 'wx', mode: 0o600 });
      return {
        path,
        nonce,
        release() {
          // Only our own lock: never remove one a successor wrote.
          if (readLock(path)?.nonce === nonce) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const existing = readLock(path);
    if (!existing) {
      // Being written this very moment, or garbage left by a crash during the write.
      if (Date.now() < deadline && attempt < 20) { await sleep(50); continue; }
      takeOverStale(path, undefined);
      continue;
    }
    if (ownerAlive(existing)) {
      const info = await probeSocket(engineSocketPath(stateDir));
      if (info) throw new EngineAlreadyRunningError(stateDir, existing.pid, true);
      // A starter between taking the lock and listening: give it a moment.
      if (Date.now() < deadline) { await sleep(100); continue; }
      throw new EngineAlreadyRunningError(stateDir, existing.pid, false);
    }
    takeOverStale(path, existing.nonce);
  }
}

function takeOverStale(path: string, staleNonce: string | undefined): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // Someone else cleared it first.
    throw error;
  }
  const moved = readLock(aside);
  if (moved && moved.nonce !== staleNonce && ownerAlive(moved)) {
    // We moved a live starter's fresh lock: put it back (link fails if yet another lock appeared).
    try { linkSync(aside, path); } catch { /* the newer lock stands */ }
  }
  rmSync(aside, { force: true });
}

// ------------------------------------------------------------------------------------------ the daemon

export interface DaemonOptions {
  stateDir: string;
  /** Open the engine at once (the command line); otherwise it opens on the first `configure`. */
  configure?: ConfigureParams;
  /** Every log line of the daemon and its engine (already free of secrets). */
  log?: (entry: LogEntry) => void;
  /** Tests give a stand-in engine. */
  openEngine?: EngineOpener;
  /** How long to wait for a daemon that holds the lock but does not answer yet (default 5 s). */
  waitForStarterMs?: number;
}

/** Longest request line accepted: a statement file is far smaller; a runaway client is cut off. */
const MAX_LINE = 16 * 1024 * 1024;
/** A client that does not read its events is dropped rather than buffered without bound. */
const MAX_CLIENT_BACKLOG = 32 * 1024 * 1024;

export class EngineDaemon extends EventEmitter {
  readonly socketPath: string;
  readonly startedAt = new Date().toISOString();
  private engineHandle: EngineHandle | undefined;
  private engineConfig: ConfigureParams | undefined;
  private configuring: Promise<unknown> = Promise.resolve();
  private readonly clients = new Set<Socket>();
  private listening = false;
  private closing: Promise<void> | undefined;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;

  private constructor(
    readonly stateDir: string,
    private readonly server: Server,
    private readonly lock: HeldLock,
    private readonly options: DaemonOptions,
  ) {
    super();
    this.socketPath = engineSocketPath(stateDir);
    this.closedPromise = new Promise((resolveClosed) => { this.resolveClosed = resolveClosed; });
  }

  /** Takes the lock, listens, and (with `configure`) opens the engine. Throws EngineAlreadyRunningError. */
  static async start(options: DaemonOptions): Promise<EngineDaemon> {
    const lock = await acquireLock(options.stateDir, { waitForStarterMs: options.waitForStarterMs });
    const socketPath = engineSocketPath(options.stateDir);
    const server = createServer();
    const daemon = new EngineDaemon(options.stateDir, server, lock, options);
    server.on('connection', (socket) => daemon.accept(socket));
    try {
      // We hold the lock, so a socket file here is a dead daemon's.
      if (process.platform !== 'win32') rmSync(socketPath, { force: true });
      await listen(server, socketPath);
      daemon.listening = true;
      if (options.configure) await daemon.configure(options.configure);
      return daemon;
    } catch (error) {
      await daemon.close('start-up failed');
      throw error;
    }
  }

  /** The open engine, once configured. */
  get engine(): EngineHandle | undefined {
    return this.engineHandle;
  }

  get info(): EngineInfo {
    return {
      pid: process.pid,
      stateDir: this.stateDir,
      version: productVersion(),
      startedAt: this.startedAt,
      configured: this.engineHandle !== undefined,
      ...(this.engineConfig ? { starrocks: { feUrl: this.engineConfig.starrocks.feUrl, user: this.engineConfig.starrocks.user } } : {}),
    };
  }

  /** Resolves once the daemon has stopped (shutdown request, close()). */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  /** Opens the engine, or reopens it when StarRocks' address, the password, the secrets or the settings changed. */
  configure(params: ConfigureParams): Promise<EngineInfo> {
    const run = async (): Promise<EngineInfo> => {
      validateConfigure(params);
      if (this.closing) throw new Error('The engine is shutting down.');
      if (this.engineHandle && this.engineConfig && sameConfig(this.engineConfig, params)) return this.info;
      if (this.engineHandle) {
        this.say('info', 'Configuration changed: restarting the engine (jobs continue from their stored offsets).');
        const old = this.engineHandle;
        this.engineHandle = undefined;
        await old.close();
      }
      const open = this.options.openEngine ?? openRealEngine;
      const engine = await open({
        stateDir: this.stateDir, starrocks: params.starrocks, settings: params.settings, secrets: params.secrets,
      });
      engine.on('jobChanged', (job: JobSnapshot) => this.broadcast({ event: 'jobChanged', job }));
      engine.on('log', (entry: LogEntry) => {
        this.options.log?.(entry);
        this.broadcast({ event: 'log', ...entry });
      });
      // Some engines announce removals; forward them when this one does.
      (engine as unknown as EventEmitter).on?.('jobRemoved', (id: number) => this.broadcast({ event: 'jobRemoved', id }));
      this.engineHandle = engine;
      this.engineConfig = params;
      this.say('info', `Engine open on state directory ${this.stateDir}, loading into ${params.starrocks.feUrl} as ${params.starrocks.user}.`);
      return this.info;
    };
    const next = this.configuring.then(run, run);
    this.configuring = next.catch(() => undefined);
    return next;
  }

  /** Stops accepting clients, closes the engine (its in-flight tasks finish or are abandoned safely), removes the socket, releases the lock. */
  close(reason = 'shutdown'): Promise<void> {
    if (!this.closing) {
      this.closing = (async () => {
        this.broadcast({ event: 'shuttingDown', reason });
        this.server.close();
        await this.configuring;
        try {
          if (this.engineHandle) await this.engineHandle.close();
        } finally {
          this.engineHandle = undefined;
          for (const client of this.clients) client.end();
          await sleep(0);
          for (const client of this.clients) client.destroy();
          // Only a socket we created: a failed start must not remove a running daemon's.
          if (this.listening && process.platform !== 'win32') {
            try { unlinkSync(this.socketPath); } catch { /* already gone */ }
          }
          this.lock.release();
          this.resolveClosed();
        }
      })();
    }
    return this.closing;
  }

  private say(level: LogLevel, message: string): void {
    const entry: LogEntry = { level, message, time: new Date().toISOString() };
    this.options.log?.(entry);
    this.broadcast({ event: 'log', ...entry });
  }

  /** Every event also goes to in-process listeners (`daemon.on('event', …)`): `run` and the demo need no socket. */
  private broadcast(event: EngineEvent): void {
    this.emit('event', event);
    const line = `${JSON.stringify(event)}\n`;
    for (const client of this.clients) this.send(client, line);
  }

  private send(client: Socket, line: string): void {
    if (client.destroyed) return;
    if (client.writableLength > MAX_CLIENT_BACKLOG) {
      client.destroy();
      return;
    }
    client.write(line);
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.clients.add(socket);
    onLines(socket, (line) => {
      if (line.trim() !== '') void this.handle(socket, line.trim());
    }, {
      maxLine: MAX_LINE,
      handle: () => {
        this.send(socket, `${JSON.stringify({ id: 0, error: { message: 'Request too large.' } })}\n`);
        socket.end();
      },
    });
    socket.on('error', () => undefined); // A client going away mid-write is not the daemon's problem.
    socket.on('close', () => this.clients.delete(socket));
  }

  private async handle(socket: Socket, line: string): Promise<void> {
    let request: Request;
    try {
      request = JSON.parse(line) as Request;
      if (typeof request !== 'object' || request === null || typeof request.id !== 'number' || typeof request.method !== 'string') {
        throw new Error('not a request');
      }
    } catch {
      this.send(socket, `${JSON.stringify({ id: 0, error: { message: 'Malformed request: expected one JSON object with id and method per line.' } })}\n`);
      return;
    }
    let response: Response;
    try {
      response = { id: request.id, result: await this.dispatch(request) };
    } catch (error) {
      response = { id: request.id, error: toEngineError(error) };
    }
    this.send(socket, `${JSON.stringify(response)}\n`);
    if (request.method === 'shutdown') void this.close('shutdown requested by a client');
  }

  private async dispatch(request: Request): Promise<unknown> {
    switch (request.method) {
      case 'ping':
        return this.info;
      case 'configure':
        return this.configure(request.params);
      case 'execute': {
        const params = request.params;
        if (!params || typeof params.sql !== 'string') throw new Error('execute needs params.sql, the statement text.');
        return this.requireEngine().execute(params.sql, params.db ? { db: params.db } : {});
      }
      case 'jobs':
        return this.requireEngine().jobs();
      case 'shutdown':
        return { ok: true };
      default:
        throw new Error(`Unknown method "${(request as { method: string }).method}". This engine (version ${productVersion()}) knows ping, configure, execute, jobs and shutdown.`);
    }
  }

  private requireEngine(): EngineHandle {
    if (this.closing) throw new Error('The engine is shutting down.');
    if (!this.engineHandle) {
      throw new Error(`The engine of ${this.stateDir} is not configured yet: it needs StarRocks' address and password ` +
        '(the extension sends them from its settings; `routine-load run --starrocks …` from the command line).');
    }
    return this.engineHandle;
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    // Created 0600 from the start (umask), not chmod-ed after a window in which others could connect.
    const oldMask = process.platform === 'win32' ? undefined : process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off('error', reject);
        if (process.platform !== 'win32') chmodSync(path, 0o600);
        resolveListen();
      });
    } finally {
      if (oldMask !== undefined) process.umask(oldMask);
    }
  });
}

function validateConfigure(params: ConfigureParams): void {
  const s = params?.starrocks;
  if (!s || typeof s.feUrl !== 'string' || typeof s.user !== 'string' || typeof s.password !== 'string') {
    throw new Error('configure needs starrocks: { feUrl, user, password }.');
  }
  let url: URL;
  try {
    url = new URL(s.feUrl);
  } catch {
    throw new Error(`"${s.feUrl}" is not a StarRocks FE URL; expected e.g. http://127.0.0.1:8030.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`The StarRocks FE URL must be http:// or https://, not ${url.protocol}//.`);
  if (url.username || url.password) throw new Error('Give the StarRocks user and password separately, not inside the FE URL.');
}

function sameConfig(a: ConfigureParams, b: ConfigureParams): boolean {
  return JSON.stringify([a.starrocks, a.secrets ?? {}, a.settings ?? {}]) === JSON.stringify([b.starrocks, b.secrets ?? {}, b.settings ?? {}]);
}

function toEngineError(error: unknown): EngineError {
  const message = error instanceof Error ? error.message : String(error);
  const statementIndex = (error as { statementIndex?: unknown } | undefined)?.statementIndex;
  return typeof statementIndex === 'number' ? { message, statementIndex } : { message };
}

/**
 * For the processes whose only job is the daemon (`routine-load engine`, `routine-load run`): the first
 * SIGINT/SIGTERM closes it cleanly; a second one exits at once (in-flight tasks are then abandoned, and their
 * fixed offset ranges and labels make the retry after a restart exactly once).
 */
export function closeOnSignals(daemon: EngineDaemon, onFirst?: (signal: NodeJS.Signals) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received += 1;
    if (received === 1) {
      onFirst?.(signal);
      void daemon.close(`received ${signal}`);
    } else {
      process.stderr.write('Stopping at once; in-flight tasks are abandoned and will be retried exactly once on the next start.\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
