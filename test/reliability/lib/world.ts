// The reliability suite's world: the real Kafka broker, the StarRocks sandbox (restartable on the same ports and
// data directory), a producer, engines in process or in a child process, fault injection over the sandbox's
// HTTP API with a count per kind, and the checks every fault test ends with: each produced key in the table
// exactly once, and the engine's stored offsets at the topic's end.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { createTopic, startKafka, uniqueTopic, type KafkaBroker } from '../../helpers/kafka';
import { startSandbox, type Sandbox } from '../../../sandbox/src/server';
import type { FaultSpec } from '../../../sandbox/src/faults';
import { Engine, type EngineOptions, type LogEntry } from '../../../engine/src/engine';
import { until, within } from './wait';

export const ROOT = join(__dirname, '..', '..', '..');

/** Counts of every fault injected in this test process, by kind; printed by `faultSummary()`. */
const injected = new Map<string, number>();

export function countFault(kind: string, n = 1): void {
  injected.set(kind, (injected.get(kind) ?? 0) + n);
}

export function faultSummary(label: string): string {
  const parts = [...injected].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}=${n}`);
  return `# faults injected (${label}): ${parts.length ? parts.join(', ') : 'none'}`;
}

export interface WorldOptions {
  ddl: string;
  /** Keep the sandbox's rows on disk, so a restart keeps them. */
  persistent?: boolean;
  users?: Record<string, string>;
  /** A broker to use instead of the shared test broker (e.g. a private, restartable one). */
  kafka?: KafkaBroker;
}

export interface World {
  kafka: KafkaBroker;
  sandbox: Sandbox;
  producer: Producer;
  admin: Admin;
  /** Every engine log line of this world, as JSON lines (for the log-flood and secret checks). */
  logFile: string;
  /** Scratch root: state directories and logs live under it. */
  root: string;
  topic(partitions?: number): Promise<string>;
  produce(topic: string, values: (string | Buffer | null)[], partitions?: number, firstIndex?: number): Promise<void>;
  stateDir(name?: string): string;
  open(stateDir: string, extra?: Partial<EngineOptions>): Promise<Engine>;
  /** POST /api/_sandbox/faults: a fault for the next `count` loads; counted per kind. */
  inject(spec: FaultSpec): Promise<void>;
  release(): Promise<number>;
  clearFaults(): Promise<void>;
  /** Stop the sandbox and start it again on the same ports (and data directory, when persistent). */
  restartSandbox(): Promise<void>;
  /** Keys in `table` (a DUPLICATE KEY table: duplicates show), read back through the query endpoint. */
  keys(table: string, where?: string): Promise<number[]>;
  /** partition → high watermark. */
  endOffsets(topic: string): Promise<Map<number, bigint>>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), 'rl-reliability-'));
  const kafka = options.kafka ?? (await startKafka());
  const dataDir = options.persistent ? join(root, 'sandbox-data') : undefined;
  let sandbox = await startSandbox({ ddl: options.ddl, dataDir, users: options.users });
  const ports = { port: Number(new URL(sandbox.feUrl).port), bePort: Number(new URL(sandbox.beUrl).port) };
  const client = new Kafka({ clientId: 'reliability', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const admin = client.admin();
  await admin.connect();
  const engines: Engine[] = [];
  let dirs = 0;
  const logFile = join(root, 'engine-log.jsonl');
  const post = async (path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${sandbox.feUrl}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { status?: string; message?: string };
    if (res.status !== 200 || json.status !== 'OK') throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  const world: World = {
    kafka, sandbox, producer, admin, logFile, root,
    async topic(partitions = 1) {
      const name = uniqueTopic('rel');
      await createTopic(kafka.bootstrap, name, partitions);
      return name;
    },
    async produce(topic, values, partitions = 1, firstIndex = 0) {
      const messages = values.map((value, i) => ({ partition: (firstIndex + i) % partitions, value }));
      for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, messages: messages.slice(i, i + 500) });
    },
    stateDir(name = 'state') {
      // Not created here: the engine must create it (with the owner-only mode) itself.
      return join(root, `${name}-${++dirs}`);
    },
    async open(stateDir, extra = {}) {
      const engine = await Engine.open({
        stateDir,
        starrocks: { feUrl: world.sandbox.feUrl, user: 'root', password: options.users?.root ?? '' },
        settings: { routine_load_task_consume_second: 1, retry_backoff_initial_millisecond: 100, retry_backoff_max_millisecond: 1000, label_running_recheck_millisecond: 200 },
        log: (entry: LogEntry) => appendFileSync(logFile, `${JSON.stringify(entry)}\n`, { mode: 0o600 }),
        ...extra,
      });
      engines.push(engine);
      return engine;
    },
    async inject(spec) {
      await post('/api/_sandbox/faults', spec);
      countFault(`sandbox ${spec.kind}${spec.kind === 'fail' && /Label Already Exists/.test(spec.message ?? '') ? ' (label)' : ''}`, spec.count ?? 1);
    },
    async release() {
      const json = (await post('/api/_sandbox/faults/release')) as { released: number };
      return json.released;
    },
    async clearFaults() {
      const res = await fetch(`${sandbox.feUrl}/api/_sandbox/faults`, { method: 'DELETE' });
      await res.arrayBuffer();
    },
    async restartSandbox() {
      await sandbox.stop();
      sandbox = await startSandbox({ dataDir, users: options.users, ...ports });
      world.sandbox = sandbox;
      countFault('sandbox restart');
    },
    async keys(table, where) {
      const res = await fetch(`${sandbox.feUrl}/api/_sandbox/query`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: `SELECT k FROM ${table}${where ? ` WHERE ${where}` : ''}` }),
      });
      const json = (await res.json()) as { status: string; rows: { k: number | string }[]; message?: string };
      if (json.status !== 'OK') throw new Error(`query ${table}: ${json.message}`);
      return json.rows.map((r) => Number(r.k));
    },
    async endOffsets(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    },
    async close() {
      await Promise.allSettled(engines.map((e) => e.close(2000)));
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await sandbox.stop().catch(() => undefined);
      if (!options.kafka) await kafka.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return world;
}

/** The next-offset-to-consume of each partition of `job`, as the engine stored it (state.json). */
export function storedProgress(stateDir: string, job: string): Map<number, bigint> {
  const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { jobs: { definition: { name: string }; progress: Record<string, string> }[] };
  const record = [...state.jobs].reverse().find((j) => j.definition.name === job);
  if (!record) throw new Error(`no job ${job} in ${stateDir}/state.json`);
  return new Map(Object.entries(record.progress).map(([p, o]) => [Number(p), BigInt(o)]));
}

export interface ExactlyOnce {
  produced: number;
  rows: number;
  unique: number;
}

/**
 * Every key in [base, base + produced) is in `table` exactly once, nothing else in that range, and the job's
 * stored offsets are at the topic's end. Returns the counts for the summary line.
 */
export async function checkExactlyOnce(world: World, args: { table: string; base: number; produced: number; topic: string; stateDir: string; job: string }): Promise<ExactlyOnce> {
  const keys = await world.keys(args.table, `k >= ${args.base} AND k < ${args.base + 10_000_000}`);
  const unique = new Set(keys);
  const missing: number[] = [];
  for (let i = 0; i < args.produced && missing.length < 10; i++) if (!unique.has(args.base + i)) missing.push(args.base + i);
  const seen = new Set<number>();
  const duplicated = keys.filter((k) => (seen.has(k) ? true : (seen.add(k), false))).slice(0, 10);
  if (missing.length || duplicated.length || keys.length !== args.produced) {
    throw new Error(`exactly once violated in ${args.table}: produced ${args.produced}, ${keys.length} rows, ${unique.size} unique keys; ` +
      `missing e.g. ${missing.join(',') || 'none'}; duplicated e.g. ${duplicated.join(',') || 'none'}`);
  }
  const end = await world.endOffsets(args.topic);
  const stored = storedProgress(args.stateDir, args.job);
  for (const [p, high] of end) {
    if (stored.get(p) !== high) {
      throw new Error(`offsets of ${args.job} do not match the topic's end: partition ${p} stored ${stored.get(p)}, topic end ${high} ` +
        `(all stored: ${JSON.stringify(Object.fromEntries([...stored].map(([k, v]) => [k, v.toString()])))})`);
    }
  }
  return { produced: args.produced, rows: keys.length, unique: unique.size };
}

/** Wait until `table` holds at least `n` rows with keys in [base, base + n) (a condition, polled with a deadline). */
export async function waitForRows(world: World, table: string, base: number, n: number, ms: number, describe?: () => string): Promise<void> {
  let last = 0;
  await until(async () => {
    last = (await world.keys(table, `k >= ${base} AND k < ${base + 10_000_000}`)).length;
    return last >= n;
  }, ms, `${n} rows in ${table}`, () => `${last} rows so far${describe ? `; ${describe()}` : ''}`, 250);
}

export { waitForJob } from '../../helpers/jobs';

// ------------------------------------------------------------------------------------------ child engines

export interface ChildEngine {
  process: ChildProcess;
  lines: string[];
  /** Resolves on the first JSON line (past or future) that satisfies `check`. */
  waitFor(check: (line: Record<string, unknown>) => boolean, ms: number, what: string): Promise<Record<string, unknown>>;
  /** SIGKILL, resolved when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean close), resolved with the exit code. */
  stop(): Promise<number | null>;
}

/** An engine in its own process (test/helpers/engine-child.ts), on `stateDir`; `sql` runs on its first start. */
export function startChildEngine(world: World, stateDir: string, sql?: string, env: NodeJS.ProcessEnv = {}): ChildEngine {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/engine-child.ts'), stateDir, world.sandbox.feUrl, ...(sql ? [sql] : [])], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  const lines: string[] = [];
  const parsed: Record<string, unknown>[] = [];
  const waiters = new Set<{ check: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    appendFileSync(world.logFile, `${line}\n`, { mode: 0o600 });
    let value: Record<string, unknown>;
    try { value = JSON.parse(line) as Record<string, unknown>; } catch { return; }
    parsed.push(value);
    for (const w of [...waiters]) if (w.check(value)) { waiters.delete(w); w.resolve(value); }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => lines.push(`stderr: ${d}`));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited (${code ?? signal})`)));
  return {
    process: child,
    lines,
    async waitFor(check, ms, what) {
      const seen = parsed.find(check);
      if (seen) return seen;
      let waiter: { check: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void } | undefined;
      const found = new Promise<Record<string, unknown>>((resolve) => { waiter = { check, resolve }; waiters.add(waiter); });
      try {
        return await within(ms, Promise.race([found, exited.then((how) => { throw new Error(`child engine ${how} while waiting for ${what}: ${lines.slice(-8).join('\n')}`); })]), `${what}; last lines:\n${lines.slice(-8).join('\n')}`);
      } finally {
        if (waiter) waiters.delete(waiter);
      }
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      await within(30_000, exited, 'the child engine to stop on SIGTERM').catch(async () => { child.kill('SIGKILL'); await exited; });
      return child.exitCode;
    },
  };
}
