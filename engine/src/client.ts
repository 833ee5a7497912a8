// The client side of the engine socket: `routine-load exec` and the VS Code extension use it.
// `ensureEngine` is how the extension gets an engine: connect to the one serving the state
// directory, or start one detached (it outlives the window; the lock keeps it unique) and
// hand it StarRocks' password over the socket.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  engineSocketPath,
  type ConfigureParams, type EngineError, type EngineEvent, type EngineInfo, type ExecuteResult, type JobSnapshot,
  type MethodResults, type Request,
} from './protocol';
import { defaultStateDir, ensureStateDir } from './stateDir';

/**
 * Hands each line `socket` receives (without its newline) to `onLine`, until the socket is destroyed: how the daemon
 * reads requests and clients read answers and events. With `tooLong`, more than `maxLine` characters without a
 * newline call `tooLong.handle` instead.
 */
export function onLines(socket: Socket, onLine: (line: string) => void, tooLong?: { maxLine: number; handle: () => void }): void {
  socket.setEncoding('utf8');
  let buffer = '';
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (tooLong && buffer.length > tooLong.maxLine && buffer.indexOf('\n') < 0) {
      tooLong.handle();
      return;
    }
    let newline: number;
    while (!socket.destroyed && (newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      onLine(line);
    }
  });
}

/** No daemon answers for the state directory. */
export class NoEngineError extends Error {
  constructor(readonly stateDir: string, detail?: string) {
    const flag = stateDir === defaultStateDir() ? '' : ` --state-dir ${stateDir}`;
    super(`No engine is running for state directory ${stateDir}; start one with ` +
      `\`routine-load run <file.sql> --starrocks http://USER@HOST:PORT${flag}\` (or open the jobs in VS Code).${detail ? ` (${detail})` : ''}`);
    this.name = 'NoEngineError';
  }
}

/** The engine answered with an error: `message` is StarRocks-style and meant for the user. */
export class EngineRequestError extends Error {
  readonly statementIndex?: number;
  constructor(error: EngineError) {
    super(error.message);
    this.name = 'EngineRequestError';
    if (error.statementIndex !== undefined) this.statementIndex = error.statementIndex;
  }
}

/** The connection broke or a request took too long. */
export class EngineConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineConnectionError';
  }
}

export interface ConnectOptions {
  /** Give up connecting after this long (default 2 s). */
  connectTimeoutMs?: number;
  /** Default time limit of a request (default 60 s: CREATE may wait on Kafka; ping uses 5 s). */
  requestTimeoutMs?: number;
  /**
   * Reconnect when the connection drops (default false). Pending requests fail; the last `configure` is sent
   * again on the new connection, so a restarted daemon gets its password back from memory, not from disk.
   */
  reconnect?: boolean;
  /** Called before each reconnect attempt; may start a daemon (ensureEngine does). */
  beforeReconnect?: () => Promise<void>;
}

export type ConnectionState = 'connected' | 'disconnected' | 'closed';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

function connectSocket(path: string, stateDir: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolveSocket, reject) => {
    const socket = createConnection(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new NoEngineError(stateDir, `its socket ${path} did not accept a connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolveSocket(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const detail = error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? undefined
        : error.code === 'EACCES' ? `its socket ${path} belongs to another user` : error.message;
      reject(new NoEngineError(stateDir, detail));
    });
  });
}

export class EngineClient {
  private socket: Socket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private lastConfigure: ConfigureParams | undefined;
  private closedByUser = false;
  private reconnecting: Promise<void> | undefined;
  readonly socketPath: string;

  private constructor(readonly stateDir: string, private readonly options: ConnectOptions) {
    this.socketPath = engineSocketPath(stateDir);
  }

  /** Connects to the daemon of `stateDir`; throws NoEngineError when none runs. */
  static async connect(stateDir: string, options: ConnectOptions = {}): Promise<EngineClient> {
    const client = new EngineClient(stateDir, options);
    client.attach(await connectSocket(client.socketPath, stateDir, options.connectTimeoutMs ?? 2000));
    return client;
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  /** Events pushed by the engine (jobChanged, jobRemoved, log, shuttingDown). Returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connection changes, for a status display. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  ping(timeoutMs = 5000): Promise<EngineInfo> {
    return this.request('ping', undefined, timeoutMs);
  }

  /** Hands the engine StarRocks' address, password and job secrets (kept in this client's memory for reconnects). */
  async configure(params: ConfigureParams, timeoutMs?: number): Promise<EngineInfo> {
    const info = await this.request('configure', params, timeoutMs);
    this.lastConfigure = params;
    return info;
  }

  execute(sql: string, options: { db?: string; timeoutMs?: number } = {}): Promise<ExecuteResult[]> {
    return this.request('execute', options.db ? { sql, db: options.db } : { sql }, options.timeoutMs);
  }

  jobs(timeoutMs?: number): Promise<JobSnapshot[]> {
    return this.request('jobs', undefined, timeoutMs);
  }

  /** Asks the daemon to stop (it finishes or safely abandons in-flight tasks) and waits until its socket closed. */
  async shutdown(timeoutMs = 60_000): Promise<void> {
    const socket = this.socket;
    const gone = socket && !socket.destroyed ? new Promise<void>((resolveGone) => socket.once('close', () => resolveGone())) : Promise.resolve();
    this.closedByUser = true; // Do not reconnect to a daemon we stopped.
    await this.request('shutdown', undefined, timeoutMs);
    const timer = setTimeout(() => socket?.destroy(), timeoutMs);
    await gone;
    clearTimeout(timer);
    this.close();
  }

  close(): void {
    this.closedByUser = true;
    this.socket?.destroy();
    this.socket = undefined;
    this.failPending(new EngineConnectionError('The client was closed.'));
    this.emitState('closed');
  }

  request<M extends keyof MethodResults>(method: M, params?: unknown, timeoutMs?: number): Promise<MethodResults[M]> {
    const socket = this.socket;
    if (!socket || socket.destroyed) {
      return Promise.reject(this.closedByUser
        ? new EngineConnectionError('The client was closed.')
        : new EngineConnectionError(`The connection to the engine of ${this.stateDir} is lost${this.options.reconnect ? '; reconnecting' : ''}.`));
    }
    const id = this.nextId++;
    const limit = timeoutMs ?? (method === 'ping' ? 5000 : this.options.requestTimeoutMs ?? 60_000);
    return new Promise<MethodResults[M]>((resolveRequest, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new EngineConnectionError(`The engine of ${this.stateDir} did not answer "${method}" within ${Math.round(limit / 1000)} s.`));
      }, limit);
      this.pending.set(id, { resolve: resolveRequest as (value: unknown) => void, reject, timer });
      const message = (params === undefined ? { id, method } : { id, method, params }) as Request;
      socket.write(`${JSON.stringify(message)}\n`);
    });
  }

  private attach(socket: Socket, announce = true): void {
    this.socket = socket;
    onLines(socket, (line) => {
      if (line.trim() !== '') this.receive(line);
    });
    socket.on('error', () => undefined); // 'close' follows and does the work.
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.failPending(new EngineConnectionError(`The connection to the engine of ${this.stateDir} was lost.`));
      if (this.closedByUser) return;
      this.emitState('disconnected');
      if (this.options.reconnect) void this.reconnectLoop();
    });
    if (announce) this.emitState('connected');
  }

  private receive(line: string): void {
    let message: { id?: number; result?: unknown; error?: EngineError; event?: string };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return; // Not ours to crash on; the request will time out with a clear message.
    }
    if (typeof message.event === 'string') {
      for (const listener of this.listeners) {
        try { listener(message as EngineEvent); } catch { /* a listener's bug must not break the connection */ }
      }
      return;
    }
    if (typeof message.id !== 'number') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.error) pending.reject(new EngineRequestError(message.error));
    else pending.resolve(message.result);
  }

  private failPending(error: Error): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(error);
    }
  }

  private emitState(state: ConnectionState): void {
    for (const listener of this.stateListeners) {
      try { listener(state); } catch { /* ignore listener errors */ }
    }
  }

  private reconnectLoop(): Promise<void> {
    if (this.reconnecting) return this.reconnecting;
    this.reconnecting = (async () => {
      let delay = 200;
      while (!this.closedByUser) {
        try {
          await this.options.beforeReconnect?.();
          const socket = await connectSocket(this.socketPath, this.stateDir, this.options.connectTimeoutMs ?? 2000);
          if (this.closedByUser) { socket.destroy(); return; }
          this.attach(socket, false);
          // Announced once configured again, so a listener can use the engine right away.
          if (this.lastConfigure) await this.configure(this.lastConfigure);
          this.emitState('connected');
          return;
        } catch {
          await sleep(delay);
          delay = Math.min(delay * 2, 5000);
        }
      }
    })().finally(() => { this.reconnecting = undefined; });
    return this.reconnecting;
  }
}

// ------------------------------------------------------------------------------------------ ensureEngine

export interface EnsureEngineOptions extends ConfigureParams {
  stateDir: string;
  /** The bundled command line that runs `engine --state-dir …` (default: cli.js next to this bundle). */
  cliPath?: string;
  /** Node, or VS Code's Electron run as Node (default process.execPath; ELECTRON_RUN_AS_NODE=1 is set). */
  execPath?: string;
  /** How long a new daemon may take to answer ping (default 20 s). */
  startTimeoutMs?: number;
  /** Keep reconnecting (and restarting the daemon) when the connection drops (default true). */
  reconnect?: boolean;
  requestTimeoutMs?: number;
}

/** Where a spawned daemon writes its output (it has no terminal). */
export function engineLogPath(stateDir: string): string {
  return join(stateDir, 'engine.log');
}

function defaultCliPath(): string {
  // Bundled: dist/extension.js or dist/cli.js sit next to dist/cli.js. From sources (tests): the repository's dist/.
  const beside = join(__dirname, 'cli.js');
  return existsSync(beside) ? beside : join(__dirname, '..', '..', 'dist', 'cli.js');
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts `cli.js engine --state-dir …` detached, its output appended to engine.log. Returns its exit as a promise. */
function spawnDaemon(options: EnsureEngineOptions): { exited: Promise<number | null>; pid: number | undefined } {
  ensureStateDir(options.stateDir);
  const cliPath = options.cliPath ?? defaultCliPath();
  if (!existsSync(cliPath)) {
    throw new Error(`Cannot start the engine: ${cliPath} does not exist. Build it with \`npm run build\`.`);
  }
  const logPath = engineLogPath(options.stateDir);
  try {
    // Keep one old generation: the log of a long-lived daemon must not grow without bound.
    if (statSync(logPath).size > 5 * 1024 * 1024) renameSync(logPath, `${logPath}.1`);
  } catch { /* no log yet */ }
  const fd = openSync(logPath, 'a', 0o600);
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  // The password goes over the socket; never let a copy sit in the daemon's environment.
  delete env.STARROCKS_PASSWORD;
  try {
    const child = spawn(options.execPath ?? process.execPath, [cliPath, 'engine', '--state-dir', options.stateDir], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env,
      windowsHide: true,
    });
    const exited = new Promise<number | null>((resolveExit) => {
      child.once('exit', (code) => resolveExit(code));
      child.once('error', () => resolveExit(-1));
    });
    child.unref();
    return { exited, pid: child.pid };
  } finally {
    closeSync(fd);
  }
}

/** Exit code of `routine-load engine` when another daemon already serves the state directory. */
export const EXIT_ALREADY_RUNNING = 3;

async function connectOrStart(options: EnsureEngineOptions, connectOptions: ConnectOptions): Promise<EngineClient> {
  try {
    return await EngineClient.connect(options.stateDir, connectOptions);
  } catch (error) {
    if (!(error instanceof NoEngineError)) throw error;
  }
  const child = spawnDaemon(options);
  let exitCode: number | null | undefined;
  void child.exited.then((code) => { exitCode = code; });
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    try {
      const client = await EngineClient.connect(options.stateDir, connectOptions);
      await client.ping();
      return client;
    } catch (error) {
      if (!(error instanceof NoEngineError) && !(error instanceof EngineConnectionError)) throw error;
    }
    // Exit code 3: another starter won the race; keep connecting to that one.
    if (exitCode !== undefined && exitCode !== EXIT_ALREADY_RUNNING) {
      const log = tail(engineLogPath(options.stateDir));
      throw new Error(`The engine for ${options.stateDir} stopped right after starting (exit code ${exitCode}).` +
        (log ? `\nLast lines of ${engineLogPath(options.stateDir)}:\n${log}` : ''));
    }
    if (Date.now() > deadline) {
      throw new Error(`The engine for ${options.stateDir} did not answer within ${Math.round((options.startTimeoutMs ?? 20_000) / 1000)} s ` +
        `(pid ${child.pid ?? '?'}). See ${engineLogPath(options.stateDir)}.`);
    }
    await sleep(100);
  }
}

/**
 * Connects to the engine of `options.stateDir`, starting one detached when none runs, and configures it.
 * The returned client reconnects (restarting the daemon if it died) unless `reconnect: false`.
 */
export async function ensureEngine(options: EnsureEngineOptions): Promise<EngineClient> {
  const connectOptions: ConnectOptions = { requestTimeoutMs: options.requestTimeoutMs };
  if (options.reconnect !== false) {
    connectOptions.reconnect = true;
    connectOptions.beforeReconnect = async () => {
      // The daemon may have died with the window that started it: start another (the lock keeps it unique).
      const probe = await connectOrStart(options, {});
      probe.close();
    };
  }
  const client = await connectOrStart(options, connectOptions);
  try {
    await client.configure({ starrocks: options.starrocks, secrets: options.secrets, settings: options.settings });
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}
