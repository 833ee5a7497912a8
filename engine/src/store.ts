// The durable store: jobs, offsets and statistics in one JSON file of the state directory.
// Every save is atomic (temp file, fsync, rename, fsync of the directory), so a crash at any
// instant leaves either the old or the new state, never a mix. The previous good state is kept
// as state.json.bak. Secret property values are never written: a marker stands in for them.
// A newer version's fields are kept and written back (forward-compatible reading).

import { randomUUID } from 'node:crypto';
import {
  chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, readdirSync,
  renameSync, statSync, unlinkSync, writeSync, copyFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { isSecretKey } from '../../server/src/language/catalogue.js';
import type { JobState } from './protocol.js';
import type { ErrorReason } from './reasons.js';
import { RoutineLoadJob, type JobDefinition, type PendingTask, type RawStatistic, type SentCounts } from './job.js';

export const STATE_VERSION = 1;
export const STATE_FILE = 'state.json';
export const BACKUP_FILE = 'state.json.bak';
// Not engine.lock: that one is the daemon's (engine/src/daemon.ts); this guards the state file itself.
const LOCK_FILE = 'state.lock';
/** Stands in for a secret value in the state file. */
export const SECRET_MARKER = '${secret:not-stored}';

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

interface PendingTaskRecord {
  label: string;
  ranges: { partition: number; from: string; to: string; lastTimestampMs?: number }[];
  createdAtMs: number;
  sent?: SentCounts;
}

export interface JobRecord {
  id: number;
  uuid: string;
  definition: JobDefinition;
  state: JobState;
  createTimeMs: number;
  pauseTimeMs: number | null;
  endTimeMs: number | null;
  pauseReason?: ErrorReason;
  cancelReason?: ErrorReason;
  pausedByEngine: boolean;
  statistic: RawStatistic;
  window: { totalRows: number; errorRows: number };
  progress: Record<string, string>;
  timestampProgress: Record<string, number>;
  latestOffsets: Record<string, string>;
  currentKafkaPartitions: number[];
  errorLogUrls: string[];
  otherMsg?: { timeMs: number; msg: string };
  pendingTasks: PendingTaskRecord[];
  [unknown: string]: unknown;
}

export interface StateFile {
  version: number;
  /** Random per state directory; makes labels unique even if the directory is re-created. */
  instanceId: string;
  nextJobId: number;
  jobs: JobRecord[];
  [unknown: string]: unknown;
}

export interface LoadedState {
  instanceId: string;
  nextJobId: number;
  jobs: RoutineLoadJob[];
}

/** A pure `${env:NAME}` reference is not a secret itself, so it may be stored. */
function isPureEnvReference(value: string): boolean {
  return /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(value);
}

function stripSecrets(custom: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(custom)) {
    out[key] = isSecretKey(key) && !isPureEnvReference(value) ? SECRET_MARKER : value;
  }
  return out;
}

const KNOWN_JOB_FIELDS = new Set([
  'id', 'uuid', 'definition', 'state', 'createTimeMs', 'pauseTimeMs', 'endTimeMs', 'pauseReason', 'cancelReason', 'pausedByEngine',
  'statistic', 'window', 'progress', 'timestampProgress', 'latestOffsets', 'currentKafkaPartitions', 'errorLogUrls', 'otherMsg', 'pendingTasks',
]);

export function jobToRecord(job: RoutineLoadJob): JobRecord {
  const mapToRecord = <V, R>(map: Map<number, V>, f: (v: V) => R): Record<string, R> =>
    Object.fromEntries([...map].map(([k, v]) => [String(k), f(v)]));
  return {
    ...job.unknownFields,
    id: job.id,
    uuid: job.uuid,
    definition: { ...job.definition, customProperties: stripSecrets(job.definition.customProperties) },
    state: job.state,
    createTimeMs: job.createTimeMs,
    pauseTimeMs: job.pauseTimeMs,
    endTimeMs: job.endTimeMs,
    ...(job.pauseReason ? { pauseReason: job.pauseReason } : {}),
    ...(job.cancelReason ? { cancelReason: job.cancelReason } : {}),
    pausedByEngine: job.pausedByEngine,
    statistic: { ...job.statistic },
    window: { ...job.window },
    progress: mapToRecord(job.progress, (v) => v.toString()),
    timestampProgress: mapToRecord(job.timestampProgress, (v) => v),
    latestOffsets: mapToRecord(job.latestOffsets, (v) => v.toString()),
    currentKafkaPartitions: [...job.currentKafkaPartitions],
    errorLogUrls: [...job.errorLogUrls],
    ...(job.otherMsg ? { otherMsg: job.otherMsg } : {}),
    pendingTasks: job.pendingTasks.map((t) => ({
      label: t.label,
      createdAtMs: t.createdAtMs,
      ranges: t.ranges.map((r) => ({
        partition: r.partition, from: r.from.toString(), to: r.to.toString(),
        ...(r.lastTimestampMs !== undefined ? { lastTimestampMs: r.lastTimestampMs } : {}),
      })),
      ...(t.sent ? { sent: { ...t.sent } } : {}),
    })),
  };
}

export function jobFromRecord(record: JobRecord): RoutineLoadJob {
  const job = new RoutineLoadJob(record.id, record.uuid, record.definition, record.createTimeMs);
  job.state = record.state;
  job.pauseTimeMs = record.pauseTimeMs ?? null;
  job.endTimeMs = record.endTimeMs ?? null;
  job.pauseReason = record.pauseReason;
  job.cancelReason = record.cancelReason;
  job.pausedByEngine = Boolean(record.pausedByEngine);
  job.statistic = { ...job.statistic, ...record.statistic };
  job.window = record.window ? { ...record.window } : { totalRows: 0, errorRows: 0 };
  job.progress = new Map(Object.entries(record.progress ?? {}).map(([k, v]) => [Number(k), BigInt(v)]));
  job.timestampProgress = new Map(Object.entries(record.timestampProgress ?? {}).map(([k, v]) => [Number(k), Number(v)]));
  job.latestOffsets = new Map(Object.entries(record.latestOffsets ?? {}).map(([k, v]) => [Number(k), BigInt(v)]));
  job.currentKafkaPartitions = [...(record.currentKafkaPartitions ?? [])];
  job.errorLogUrls = [...(record.errorLogUrls ?? [])];
  job.otherMsg = record.otherMsg;
  job.pendingTasks = (record.pendingTasks ?? []).map((t): PendingTask => ({
    label: t.label,
    createdAtMs: t.createdAtMs,
    ranges: t.ranges.map((r) => ({ partition: r.partition, from: BigInt(r.from), to: BigInt(r.to), lastTimestampMs: r.lastTimestampMs })),
    ...(isSentCounts(t.sent) ? { sent: { ...t.sent } } : {}),
  }));
  job.unknownFields = Object.fromEntries(Object.entries(record).filter(([k]) => !KNOWN_JOB_FIELDS.has(k)));
  return job;
}

function isSentCounts(value: unknown): value is SentCounts {
  const v = value as SentCounts | undefined;
  return typeof v === 'object' && v !== null && [v.rows, v.engineErrorRows, v.receivedBytes].every((n) => typeof n === 'number' && Number.isFinite(n));
}

function fsyncDir(dir: string): void {
  // Directories cannot be opened for fsync on Windows; there the rename is as durable as it gets.
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* not supported on this platform */ }
}

function writeFileDurably(path: string, content: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class StateStore {
  readonly statePath: string;
  readonly backupPath: string;
  private topLevelUnknown: Record<string, unknown> = {};
  private versionRead = STATE_VERSION;
  private lockHeld = false;
  private seq = 0;
  private closedFlag = false;

  constructor(readonly dir: string) {
    this.statePath = join(dir, STATE_FILE);
    this.backupPath = join(dir, BACKUP_FILE);
  }

  /** Create the directory (0700), take the lock and read the state; a fresh directory starts empty. */
  open(): LoadedState {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    try { chmodSync(this.dir, 0o700); } catch { /* not ours to change (e.g. Windows) */ }
    this.acquireLock();
    this.removeStaleTemps();
    if (!existsSync(this.statePath)) {
      if (existsSync(this.backupPath)) {
        throw new StoreError(
          `The state file ${this.statePath} is missing but its backup ${this.backupPath} exists. ` +
            `Copy the backup to ${STATE_FILE} to recover the jobs and their offsets, or move the backup away to start with no jobs.`,
        );
      }
      return { instanceId: randomUUID(), nextJobId: 10001, jobs: [] };
    }
    const state = this.readStateFile(this.statePath);
    this.versionRead = state.version;
    this.topLevelUnknown = Object.fromEntries(Object.entries(state).filter(([k]) => !['version', 'instanceId', 'nextJobId', 'jobs'].includes(k)));
    return { instanceId: state.instanceId, nextJobId: state.nextJobId, jobs: state.jobs.map(jobFromRecord) };
  }

  private readStateFile(path: string): StateFile {
    const recovery = existsSync(this.backupPath)
      ? `The previous good state is in ${this.backupPath}: stop the engine, copy it over ${path} and start again ` +
        `(the batch written last may be loaded again if its offsets changed); or move both files away to start with no jobs.`
      : `There is no backup: restore the file from your own backups, or move it away to start with no jobs (they must then be created again).`;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new StoreError(`Cannot read the state file ${path}: ${(err as Error).message}. ${recovery}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new StoreError(`The state file ${path} is corrupted or truncated (${(err as Error).message}). ${recovery}`);
    }
    const state = parsed as Partial<StateFile>;
    if (
      typeof state !== 'object' || state === null || typeof state.version !== 'number' || typeof state.instanceId !== 'string' ||
      typeof state.nextJobId !== 'number' || !Array.isArray(state.jobs)
    ) {
      throw new StoreError(`The state file ${path} does not hold a routine load state (no version, instanceId, nextJobId or jobs). ${recovery}`);
    }
    for (const job of state.jobs) {
      if (typeof job !== 'object' || job === null || typeof job.id !== 'number' || typeof job.definition !== 'object') {
        throw new StoreError(`The state file ${path} holds a malformed job entry. ${recovery}`);
      }
    }
    return state as StateFile;
  }

  /** Write the whole state atomically. Returns only once it is on disk. */
  save(state: LoadedState): void {
    // Once closed, another engine may own the directory: a late write would overwrite its newer state.
    if (this.closedFlag) throw new StoreError(`The state store of ${this.dir} is closed; nothing more is written to it.`);
    const file: StateFile = {
      ...this.topLevelUnknown,
      // A newer version's file keeps its number, so that version still recognises its own fields.
      version: Math.max(STATE_VERSION, this.versionRead),
      instanceId: state.instanceId,
      nextJobId: state.nextJobId,
      jobs: state.jobs.map(jobToRecord),
    };
    const tmp = join(this.dir, `${STATE_FILE}.${process.pid}.${++this.seq}.tmp`);
    writeFileDurably(tmp, JSON.stringify(file, null, 1));
    if (existsSync(this.statePath)) {
      // Keep the state being replaced as the backup: a hard link costs no copy.
      const bakTmp = `${this.backupPath}.tmp`;
      try { unlinkSync(bakTmp); } catch { /* none */ }
      try {
        linkSync(this.statePath, bakTmp);
      } catch {
        copyFileSync(this.statePath, bakTmp);
      }
      renameSync(bakTmp, this.backupPath);
    }
    renameSync(tmp, this.statePath);
    fsyncDir(this.dir);
  }

  private removeStaleTemps(): void {
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.tmp') && name.startsWith(STATE_FILE)) {
        try { unlinkSync(join(this.dir, name)); } catch { /* already gone */ }
      }
    }
  }

  /** One engine per state directory: a lock file with the owner's pid; a dead owner's lock is taken over. */
  private acquireLock(): void {
    const path = join(this.dir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.lockHeld = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        let owner = NaN;
        try { owner = Number(readFileSync(path, 'utf8').trim()); } catch { /* unreadable: treat as stale */ }
        if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
          throw new StoreError(`Another engine (pid ${owner}) is running with the state directory ${this.dir}. Stop it first, or use another state directory.`);
        }
        try { unlinkSync(path); } catch { /* raced with another starter */ }
      }
    }
    throw new StoreError(`Could not take the lock ${path}. Remove it if no engine is running with ${this.dir}.`);
  }

  /** True once close() ran: save() refuses to write. */
  get closed(): boolean {
    return this.closedFlag;
  }

  close(): void {
    this.closedFlag = true;
    if (!this.lockHeld) return;
    try { unlinkSync(join(this.dir, LOCK_FILE)); } catch { /* already gone */ }
    this.lockHeld = false;
  }

  /** File mode bits of the state file, for checks. */
  stateFileMode(): number {
    return statSync(this.statePath).mode & 0o777;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
