// The wire contract between the engine daemon and its clients (the VS Code extension,
// `routine-load exec`). One engine runs per state directory; it listens on a Unix socket
// (a named pipe on Windows) whose path is given by `engineSocketPath(stateDir)`.
// Messages are newline-delimited JSON. Requests carry an id; the answer carries the same id.
// The engine also pushes events (no id) to every connected client.

import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineSettings } from './settings';

export type JobState = 'NEED_SCHEDULE' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'CANCELLED';

/** The `Statistic` field of SHOW ROUTINE LOAD: exactly the seed document's fields. */
export interface JobStatistic {
  receivedBytes: number;
  errorRows: number;
  committedTaskNum: number;
  loadedRows: number;
  loadRowsRate: number;
  abortedTaskNum: number;
  totalRows: number;
  unselectedRows: number;
  receivedBytesRate: number;
  taskExecuteTimeMs: number;
}

/** One job as SHOW ROUTINE LOAD shows it, with structured values instead of JSON strings. */
export interface JobSnapshot {
  id: number;
  name: string;
  dbName: string;
  tableName: string;
  /** Raw state; `shownState` is what SHOW prints (UNSTABLE for a lagging RUNNING job). */
  state: JobState;
  shownState: JobState | 'UNSTABLE';
  createTime: string;
  pauseTime: string | null;
  endTime: string | null;
  currentTaskNum: number;
  jobProperties: Record<string, string>;
  dataSourceProperties: Record<string, string>;
  /** Secrets already masked as `******`. */
  customProperties: Record<string, string>;
  statistic: JobStatistic;
  /** partition → last consumed offset as SHOW prints it (may be OFFSET_BEGINNING / OFFSET_END / OFFSET_ZERO). */
  progress: Record<string, string>;
  /** partition → high watermark (next offset the producer writes). */
  latestSourcePosition: Record<string, string>;
  /** partition → lag in messages. */
  offsetLag: Record<string, number>;
  reasonOfStateChanged: string;
  /** True when the last pause was the engine's own decision (errors, Kafka, StarRocks), not a user's PAUSE. */
  pausedByEngine: boolean;
  errorLogUrls: string[];
  otherMsg: string;
}

/** A result set, as a SQL client would show it. */
export interface ResultSet {
  columns: string[];
  rows: (string | null)[][];
}

export type ExecuteResult =
  | { kind: 'ok'; message: string }
  | { kind: 'resultSet'; resultSet: ResultSet };

export interface EngineError {
  /** StarRocks-style message, e.g. "There is not operable routine load job with name x". */
  message: string;
  /** Where it applies, when it comes from a statement. */
  statementIndex?: number;
}

/**
 * How the engine reaches StarRocks, and the secrets jobs refer to. Sent by a client (the extension from its
 * SecretStorage, `routine-load run` from its environment) over the socket: secrets never travel on a command
 * line, in an environment file or in the state directory. A daemon started without it answers `execute` and
 * `jobs` with an error until it is configured; configuring again with other values restarts the engine.
 */
export interface ConfigureParams {
  starrocks: { feUrl: string; user: string; password: string };
  /** Job secrets (SecretStorage) keyed by `secretKey(db, job, property)`, served to the engine's SecretProvider. */
  secrets?: Record<string, string>;
  settings?: Partial<EngineSettings>;
}

/** The key of a job secret in ConfigureParams.secrets, e.g. `load_test/job1/property.sasl.password`. */
export function secretKey(db: string, job: string, property: string): string {
  return `${db}/${job}/${property}`;
}

/** What `ping` answers: who serves this state directory. */
export interface EngineInfo {
  pid: number;
  stateDir: string;
  /** The product version of the daemon, so a client can tell an old engine from a new one. */
  version: string;
  startedAt: string;
  /** False until a `configure` request (or the command line) gave it StarRocks' address. */
  configured: boolean;
  /** The StarRocks it loads into (no password), once configured. */
  starrocks?: { feUrl: string; user: string };
}

export type Request =
  | { id: number; method: 'execute'; params: { sql: string; db?: string } }
  | { id: number; method: 'jobs'; params?: Record<string, never> }
  | { id: number; method: 'ping'; params?: Record<string, never> }
  | { id: number; method: 'shutdown'; params?: Record<string, never> }
  | { id: number; method: 'configure'; params: ConfigureParams };

/** Result of each method, for typed clients. */
export interface MethodResults {
  execute: ExecuteResult[];
  jobs: JobSnapshot[];
  ping: EngineInfo;
  shutdown: { ok: true };
  configure: EngineInfo;
}

export type Response =
  | { id: number; result: unknown }
  | { id: number; error: EngineError };

export type EngineEvent =
  | { event: 'jobChanged'; job: JobSnapshot }
  | { event: 'jobRemoved'; id: number }
  | { event: 'log'; level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string; jobName?: string; time: string }
  /** The daemon is about to stop (shutdown request, signal): clients should not expect answers any more. */
  | { event: 'shuttingDown'; reason: string };

/** Unix socket paths are limited to 104 bytes on macOS (108 on Linux), counting the final NUL. */
const MAX_SOCKET_PATH_BYTES = 100;

/**
 * Where the engine of a state directory listens. Windows needs a named pipe; elsewhere a socket file in the
 * state directory, or, when that path is too long for a socket (VS Code's global storage on macOS), one in the
 * user's runtime directory named after the state directory. The daemon makes it 0600 either way.
 */
export function engineSocketPath(stateDir: string): string {
  const digest = createHash('sha1').update(stateDir).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\routine-load-${digest}`;
  const inStateDir = join(stateDir, 'engine.sock');
  if (Buffer.byteLength(inStateDir) <= MAX_SOCKET_PATH_BYTES) return inStateDir;
  return join(process.env.XDG_RUNTIME_DIR || tmpdir(), `routine-load-${digest}.sock`);
}
