// The Engine facade the daemon, the command line and the extension use: statements in, jobs out,
// events for every change. It owns the store, the schedulers and the two ports.

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isSecretKey } from '../../server/src/language/catalogue.js';
import type { KafkaSource, KafkaSourceConfig, StreamLoadClient, StreamLoadTarget } from './ports.js';
import type { ExecuteResult, JobSnapshot } from './protocol.js';
import { RoutineLoadJob, type JobDefinition } from './job.js';
import { JobScheduler } from './jobScheduler.js';
import { reasons, type ErrorReason } from './reasons.js';
import { hasEnvReference, resolveEnvReferences, secretEnvVarName, type SecretProvider } from './secrets.js';
import { resolveSettings, type EngineSettings } from './settings.js';
import { snapshot } from './show.js';
import { executeSql, type EngineOps, type JobAlteration, type SessionState } from './statements.js';
import { SECRET_MARKER, StateStore } from './store.js';
import type { EngineContext, LogLevel } from './context.js';
import type { Task } from './task.js';
import { createKafkaSource } from './kafka/index.js';
import { createStreamLoadClient } from './streamload/index.js';

export { EngineStatementError } from './statements.js';
export { StoreError } from './store.js';
export type { SecretProvider } from './secrets.js';
export type { EngineSettings } from './settings.js';

export interface LogEntry {
  level: LogLevel;
  message: string;
  jobName?: string;
  time: string;
}

export type Logger = (entry: LogEntry) => void;

export interface EngineOptions {
  stateDir: string;
  starrocks: StreamLoadTarget;
  settings?: Partial<EngineSettings>;
  secrets?: SecretProvider;
  sourceFactory?: (config: KafkaSourceConfig) => KafkaSource;
  streamLoadFactory?: (target: StreamLoadTarget) => StreamLoadClient;
  log?: Logger;
  clock?: () => number;
}

export interface EngineEvents {
  jobChanged: [JobSnapshot];
  log: [LogEntry];
}


export class Engine extends EventEmitter<EngineEvents> {
  private readonly session: SessionState = {};
  private readonly scheduler: JobScheduler;
  private closed = false;

  private constructor(
    private readonly store: StateStore,
    private instanceId: string,
    private nextJobId: number,
    private readonly jobList: RoutineLoadJob[],
    private readonly options: EngineOptions,
    readonly settings: EngineSettings,
    private readonly streamLoad: StreamLoadClient,
  ) {
    super();
    const ctx: EngineContext = {
      settings,
      instanceId,
      now: () => this.now(),
      persist: () => this.persist(),
      changed: (job) => this.emit('jobChanged', snapshot(job)),
      log: (level, message, jobName) => this.log(level, message, jobName),
      streamLoad,
      createSource: (job) => this.createSource(job),
    };
    this.scheduler = new JobScheduler(ctx, () => this.jobList);
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const settings = resolveSettings(options.settings);
    const store = new StateStore(options.stateDir);
    const state = store.open();
    let streamLoad: StreamLoadClient;
    try {
      const factory = options.streamLoadFactory ?? ((target: StreamLoadTarget) => createStreamLoadClient(target));
      streamLoad = factory(options.starrocks);
    } catch (err) {
      store.close();
      throw err;
    }
    const engine = new Engine(store, state.instanceId, state.nextJobId, state.jobs, options, settings, streamLoad);
    const now = engine.now();
    for (const job of state.jobs) {
      // Jobs that were running when the engine stopped are divided afresh; recorded ranges are sent again first.
      if (job.state === 'RUNNING') job.state = 'NEED_SCHEDULE';
      job.currentTaskNum = 0;
      if (job.pendingTasks.length > 0) {
        engine.log('info', `${job.pendingTasks.length} batch(es) were recorded but not confirmed before the engine stopped; they will be sent again with the same labels`, job.name);
      }
    }
    engine.persist();
    void now;
    engine.scheduler.start();
    return engine;
  }

  private now(): number {
    return this.options.clock ? this.options.clock() : Date.now();
  }

  private persist(): void {
    if (this.store.closed) {
      // Something finishing after close() (a connection attempt giving up): the directory is no longer ours.
      this.log('debug', 'not writing the state: the engine is closed');
      return;
    }
    this.store.save({ instanceId: this.instanceId, nextJobId: this.nextJobId, jobs: this.jobList });
  }

  private log(level: LogLevel, message: string, jobName?: string): void {
    const entry: LogEntry = { level, message, time: new Date(this.now()).toISOString(), ...(jobName ? { jobName } : {}) };
    this.options.log?.(entry);
    this.emit('log', entry);
  }

  /** Run statements; one result per statement. A refused statement throws EngineStatementError. */
  async execute(sql: string, options: { db?: string } = {}): Promise<ExecuteResult[]> {
    if (this.closed) throw new Error('The engine is closed.');
    const session: SessionState = { db: options.db ?? this.session.db };
    try {
      return await executeSql(this.ops(), sql, session);
    } finally {
      // USE lasts for the engine's session, so `exec "USE db"` then `exec "SHOW ..."` works.
      if (session.db !== undefined && options.db === undefined) this.session.db = session.db;
    }
  }

  jobs(): JobSnapshot[] {
    return this.jobList.map(snapshot);
  }

  /** Direct access for tests and the command line's renderers. */
  job(dbName: string, name: string): RoutineLoadJob | undefined {
    return [...this.jobList].reverse().find((j) => j.dbName === dbName && j.name === name);
  }

  /** Stop scheduling; an in-flight task gets a moment to finish, else it is abandoned (its range is recorded). */
  async close(graceMs?: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.scheduler.close(graceMs ?? Math.min(10_000, this.settings.routine_load_task_timeout_second * 1000));
    await this.streamLoad.close().catch(() => undefined);
    try {
      this.persist();
    } finally {
      this.store.close();
    }
  }

  // ------------------------------------------------------------ statements' operations

  private ops(): EngineOps {
    return {
      jobs: () => this.jobList,
      user: this.options.starrocks.user,
      createJob: (def, offsets) => this.createJob(def, offsets),
      pauseJob: async (job) => {
        job.transform('PAUSED', this.now(), reasons.userPause(this.options.starrocks.user));
        this.persist();
        this.log('info', 'job paused by the user', job.name);
        this.emit('jobChanged', snapshot(job));
        void this.scheduler.release(job.id);
      },
      resumeJob: async (job) => {
        if (job.state !== 'PAUSED') return;
        await this.scheduler.settle(job.id);
        job.transform('NEED_SCHEDULE', this.now());
        this.persist();
        this.log('info', 'job resumed', job.name);
        this.emit('jobChanged', snapshot(job));
        this.scheduler.wake();
      },
      stopJob: async (job) => {
        job.transform('STOPPED', this.now(), reasons.userStop(this.options.starrocks.user));
        this.persist();
        this.log('info', 'job stopped', job.name);
        this.emit('jobChanged', snapshot(job));
        void this.scheduler.release(job.id);
        for (const key of job.secretKeys()) await this.options.secrets?.delete?.(job.dbName, job.name, key);
      },
      alterJob: (job, change) => this.alterJob(job, change),
      tasksOf: (job): Task[] => this.scheduler.runtimes.get(job.id)?.tasks ?? [],
      taskTimeoutS: (job) => job.taskTimes(this.settings.routine_load_task_consume_second, this.settings.routine_load_task_timeout_second).timeoutS,
    };
  }

  private createJob(def: JobDefinition, offsets: Map<number, bigint>): RoutineLoadJob {
    const uuid = randomUUID();
    // StarRocks' default consumer group: <job>_<uuid>; it only shows the job's position to Kafka tools.
    def.customProperties['group.id'] ??= `${def.name}_${uuid}`;
    const job = new RoutineLoadJob(this.nextJobId++, uuid, def, this.now());
    for (const [p, o] of offsets) job.progress.set(p, o);
    this.jobList.push(job);
    this.persist();
    void this.rememberSecrets(job, def.customProperties);
    this.log('info', `job created on ${def.dbName}.${def.tableName} from topic ${def.kafka.topic}`, job.name);
    this.emit('jobChanged', snapshot(job));
    this.scheduler.wake();
    return job;
  }

  private async rememberSecrets(job: RoutineLoadJob, custom: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(custom)) {
      if (!isSecretKey(key) || value === SECRET_MARKER || hasEnvReference(value)) continue;
      try {
        await this.options.secrets?.set?.(job.dbName, job.name, `property.${key}`, value);
      } catch {
        this.log('warn', `could not keep the value of property.${key} in the secret store; after a restart it must come from ${secretEnvVarName(job.dbName, job.name, key)}`, job.name);
      }
    }
  }

  private async alterJob(job: RoutineLoadJob, change: JobAlteration): Promise<void> {
    await this.scheduler.settle(job.id);
    const def = job.definition;
    Object.assign(def.jobProperties, change.jobProperties);
    def.loadDesc = { ...def.loadDesc, ...change.loadDesc };
    if (change.brokerList) def.kafka.brokerList = change.brokerList;
    Object.assign(def.customProperties, change.customProperties);
    if (change.offsets) {
      for (const [p, o] of change.offsets) job.progress.set(p, o);
      // The user moved these partitions on: a recorded range there is given up, by their decision.
      const moved = new Set(change.offsets.keys());
      const dropped = job.pendingTasks.filter((t) => t.ranges.some((r) => moved.has(r.partition)));
      if (dropped.length) {
        job.pendingTasks = job.pendingTasks.filter((t) => !dropped.includes(t));
        this.log('warn', `ALTER moved the offsets of partitions with unconfirmed batches (${dropped.map((d) => d.label).join(', ')}); they will not be sent again`, job.name);
      }
    }
    this.persist();
    await this.rememberSecrets(job, change.customProperties);
    this.log('info', 'job altered', job.name);
    this.emit('jobChanged', snapshot(job));
  }

  /** The job's Kafka settings with secrets resolved at use; a missing secret pauses the job with what to do. */
  private async createSource(job: RoutineLoadJob): Promise<KafkaSource | ErrorReason> {
    const clientProperties: Record<string, string> = {};
    for (const [key, raw] of Object.entries(job.definition.customProperties)) {
      if (key === 'kafka_default_offsets') continue;
      let value = raw;
      if (value === SECRET_MARKER) {
        const fromProvider = await Promise.resolve(this.options.secrets?.get(job.dbName, job.name, `property.${key}`)).catch(() => undefined);
        if (fromProvider === undefined) return reasons.secretMissing(`property.${key}`, secretEnvVarName(job.dbName, job.name, key), job.name);
        value = fromProvider;
      }
      if (hasEnvReference(value)) {
        const resolved = resolveEnvReferences(value);
        if ('missing' in resolved) return reasons.envReferenceMissing(`property.${key}`, resolved.missing);
        value = resolved.value;
      }
      clientProperties[key] = value;
    }
    const config: KafkaSourceConfig = {
      brokers: job.definition.kafka.brokerList.split(',').map((b) => b.trim()).filter(Boolean),
      topic: job.definition.kafka.topic,
      clientProperties,
      groupId: clientProperties['group.id'] ?? `${job.name}_${job.uuid}`,
      clientId: clientProperties['client.id'] ?? `routine-load-${job.name}`,
    };
    try {
      return (this.options.sourceFactory ?? ((c) => createKafkaSource(c)))(config);
    } catch (err) {
      return reasons.taskFatal((err as Error).message);
    }
  }
}
