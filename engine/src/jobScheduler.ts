// JobScheduler: takes NEED_SCHEDULE jobs, connects them to Kafka, resolves their start offsets
// (OFFSET_BEGINNING, OFFSET_END, timestamps), splits them into tasks — concurrency =
// min(partitions, desired_concurrent_number, max_routine_load_task_concurrent_num), partitions
// round-robin — and hands the tasks to the TaskScheduler. While RUNNING it checks the topic's partition
// count periodically and divides the job again when it changed. A job that cannot be prepared pauses
// with a reason that says what to fix.

import { SourceError, type KafkaSource, type Offset } from './ports.js';
import { sleepFor, type EngineContext } from './context.js';
import { OFFSET_BEGINNING, OFFSET_END, type RoutineLoadJob } from './job.js';
import { Task } from './task.js';
import { JobRuntime, TaskScheduler } from './taskScheduler.js';
import { reasons, type ErrorReason } from './reasons.js';

/** Parse a start-offset value: a number, OFFSET_BEGINNING/OFFSET_END, a Unix timestamp or 'yyyy-MM-dd HH:mm:ss'. */
export function parseStartOffset(value: string): { offset: bigint } | { timestampMs: number } {
  const v = value.trim();
  if (/^OFFSET_BEGINNING$/i.test(v)) return { offset: OFFSET_BEGINNING };
  if (/^OFFSET_END$/i.test(v)) return { offset: OFFSET_END };
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v)) return { timestampMs: new Date(v.replace(' ', 'T')).getTime() };
  if (/^\d+$/.test(v)) return { offset: BigInt(v) };
  throw new Error(`Invalid kafka offset: '${value}'. Expected values should be an integer, OFFSET_BEGINNING, or OFFSET_END`);
}

/**
 * Where a partition without an offset starts: property.kafka_default_offsets, else OFFSET_END as in StarRocks —
 * for the partitions of the job's first division.
 *
 * A partition that appears later (the topic grew while the job ran, or while the engine was down) starts at
 * OFFSET_BEGINNING when kafka_default_offsets is not set. This differs from StarRocks on purpose: every message
 * in such a partition was written after the job began, and OFFSET_END would silently skip the ones produced
 * before the engine noticed the partition (up to routine_load_scheduler_interval_millisecond later) — the loss
 * Kafka's own consumers are known for with auto.offset.reset=latest. An explicit kafka_default_offsets (an
 * offset keyword or a timestamp) applies to new partitions exactly as StarRocks applies it.
 */
function defaultStart(job: RoutineLoadJob, discoveredLater: boolean): { offset: bigint } | { timestampMs: number } {
  const raw = job.definition.customProperties.kafka_default_offsets ?? (discoveredLater ? 'OFFSET_BEGINNING' : 'OFFSET_END');
  if (/^\d+$/.test(raw.trim())) {
    const n = Number(raw.trim());
    return { timestampMs: n < 1e12 ? n * 1000 : n };
  }
  return parseStartOffset(raw);
}

/** StarRocks' division: `concurrency` tasks, partition index j to task j % concurrency. */
export function divide(partitions: readonly number[], desired: number, cap: number): number[][] {
  const concurrency = Math.min(partitions.length, desired > 0 ? desired : cap, cap);
  if (concurrency <= 0) return [];
  const groups: number[][] = Array.from({ length: concurrency }, () => []);
  partitions.forEach((p, j) => groups[j % concurrency].push(p));
  return groups;
}

export class JobScheduler {
  readonly runtimes = new Map<number, JobRuntime>();
  readonly taskScheduler: TaskScheduler;
  private readonly controller = new AbortController();
  private wakeUp: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;
  private readonly preparing = new Set<number>();
  /** schedule() and partition checks under way; close() waits for them (bounded) so none acts after it. */
  private readonly pending = new Set<Promise<void>>();
  /** close() has begun: nothing new is scheduled and no job changes state any more. */
  private closed = false;

  constructor(private readonly ctx: EngineContext, private readonly jobs: () => RoutineLoadJob[]) {
    this.taskScheduler = new TaskScheduler(ctx, {
      pauseJob: (job, reason) => this.pauseByEngine(job, reason),
      recoveryDone: (runtime) => this.redivide(runtime, 'the recorded batches were sent again'),
    });
  }

  start(): void {
    this.loopDone ??= this.loop();
  }

  /** Look at the jobs now (after CREATE, RESUME, …) instead of at the next round. */
  wake(): void {
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      this.round();
      // Rounds are cheap; a wake() cuts the wait short.
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        void sleepFor(Math.min(1000, this.ctx.settings.routine_load_scheduler_interval_millisecond), signal).then(() => resolve());
      });
      this.wakeUp = undefined;
    }
  }

  private round(): void {
    const now = this.ctx.now();
    for (const job of this.jobs()) {
      if (job.state === 'NEED_SCHEDULE' && !this.preparing.has(job.id)) {
        const runtime = this.runtimes.get(job.id);
        // A previous division still finishing its tasks: wait for it before dividing again.
        if (runtime?.running) continue;
        this.preparing.add(job.id);
        this.track(this.schedule(job).finally(() => this.preparing.delete(job.id)));
      } else if (job.state === 'RUNNING') {
        const runtime = this.runtimes.get(job.id);
        if (runtime && !runtime.recovering && now - runtime.lastPartitionCheckMs >= this.ctx.settings.routine_load_scheduler_interval_millisecond) {
          runtime.lastPartitionCheckMs = now;
          this.track(this.checkPartitions(runtime));
        }
      }
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((err: unknown) => this.ctx.log('warn', `scheduling failed: ${describe(err)}`));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** NEED_SCHEDULE → RUNNING: connect, check partitions, resolve offsets, divide, start the tasks. */
  private async schedule(job: RoutineLoadJob): Promise<void> {
    let runtime = this.runtimes.get(job.id);
    if (!runtime || runtime.controller.signal.aborted) {
      const previous = runtime;
      runtime = new JobRuntime(job);
      runtime.source = previous?.source;
      this.runtimes.set(job.id, runtime);
    }
    if (!runtime.source) {
      const created = await this.ctx.createSource(job);
      if (!isSource(created)) return this.pauseByEngine(job, created);
      if (this.closed) {
        await created.close().catch(() => undefined);
        return;
      }
      runtime.source = created;
    }
    if (this.closed || job.state !== 'NEED_SCHEDULE') return;
    const source = runtime.source;
    let partitions: number[];
    try {
      partitions = await this.currentPartitions(job, source);
    } catch (err) {
      const reason = isReason(err) ? err : reasons.fetchPartitions(describe(err));
      return this.pauseByEngine(job, reason);
    }
    if (this.closed || job.state !== 'NEED_SCHEDULE') return;
    try {
      await this.resolveOffsets(job, source, partitions);
    } catch (err) {
      return this.pauseByEngine(job, isReason(err) ? err : reasons.fetchPartitions(describe(err)));
    }
    if (this.closed || job.state !== 'NEED_SCHEDULE') return;
    job.currentKafkaPartitions = partitions;
    const now = this.ctx.now();
    if (job.pendingTasks.length > 0) {
      // Ranges recorded but not settled (a crash, a pause mid-send): send exactly those again first.
      runtime.tasks = job.pendingTasks.map((p) => new Task(job, p.ranges.map((r) => r.partition), now, p));
      runtime.recovering = true;
      this.ctx.log('info', `sending ${job.pendingTasks.length} recorded batch(es) again with their labels: ${job.pendingTasks.map((p) => p.label).join(', ')}`, job.name);
    } else {
      const groups = divide(partitions, job.desiredConcurrentNumber, this.ctx.settings.max_routine_load_task_concurrent_num);
      runtime.tasks = groups.map((g) => new Task(job, g, now));
      runtime.recovering = false;
    }
    if (runtime.tasks.length === 0) return; // StarRocks: concurrency 0 means "try again next round".
    runtime.lastPartitionCheckMs = now;
    job.currentTaskNum = runtime.tasks.length;
    job.transform('RUNNING', now);
    this.ctx.persist();
    this.ctx.log('info', `job running with ${runtime.tasks.length} task(s) over partitions ${partitions.join(',')}`, job.name);
    this.ctx.changed(job);
    this.taskScheduler.start(runtime);
  }

  private async currentPartitions(job: RoutineLoadJob, source: KafkaSource): Promise<number[]> {
    const all = await source.partitions();
    const custom = job.definition.kafka.partitions;
    if (!custom || custom.length === 0) return [...all].sort((a, b) => a - b);
    for (const p of custom) {
      if (!all.includes(p)) throw reasons.invalidCustomPartition(p, job.definition.kafka.topic);
    }
    return [...custom];
  }

  /** Turn OFFSET_BEGINNING / OFFSET_END / timestamps into real offsets, as StarRocks' prepare() does. */
  private async resolveOffsets(job: RoutineLoadJob, source: KafkaSource, partitions: number[]): Promise<void> {
    const unresolved = new Map<number, { offset: bigint } | { timestampMs: number }>();
    // The job was divided before: a partition it has no offset for is new to the topic.
    const divisionsBefore = job.currentKafkaPartitions.length > 0;
    for (const p of partitions) {
      const stored = job.progress.get(p);
      if (stored === undefined) unresolved.set(p, defaultStart(job, divisionsBefore));
      else if (stored < 0n) unresolved.set(p, { offset: stored });
    }
    if (unresolved.size === 0) return;
    const ids = [...unresolved.keys()];
    const marks = await source.watermarks(ids);
    const byTimestamp = new Map<number, number[]>();
    for (const [p, start] of unresolved) {
      if ('timestampMs' in start) {
        byTimestamp.set(start.timestampMs, [...(byTimestamp.get(start.timestampMs) ?? []), p]);
        continue;
      }
      const mark = marks.get(p);
      if (!mark) throw reasons.fetchPartitions(`no offsets for partition ${p} of topic ${job.definition.kafka.topic}`);
      job.progress.set(p, start.offset === OFFSET_BEGINNING ? mark.low : mark.high);
    }
    for (const [ts, ps] of byTimestamp) {
      const offsets = await source.offsetsForTimestamp(ps, ts);
      for (const p of ps) {
        const offset: Offset | undefined = offsets.get(p) ?? marks.get(p)?.high;
        if (offset === undefined) throw reasons.fetchPartitions(`no offset for timestamp ${ts} in partition ${p}`);
        job.progress.set(p, offset);
      }
    }
    for (const [p, mark] of marks) job.latestOffsets.set(p, mark.high);
    this.ctx.persist();
  }

  /** The topic grew (or shrank): divide again, as StarRocks does (RUNNING → NEED_SCHEDULE). */
  private async checkPartitions(runtime: JobRuntime): Promise<void> {
    const { job } = runtime;
    if (job.definition.kafka.partitions?.length || !runtime.source) return;
    try {
      const all = await runtime.source.partitions();
      const current = [...job.currentKafkaPartitions].sort((a, b) => a - b).join(',');
      const now = [...all].sort((a, b) => a - b).join(',');
      if (!this.closed && job.state === 'RUNNING' && current !== now) {
        this.redivide(runtime, `the topic's partitions changed from [${current}] to [${now}]`);
      }
    } catch (err) {
      // StarRocks only logs this while RUNNING; the tasks report their own Kafka failures.
      this.ctx.log('debug', `could not check the topic's partitions: ${describe(err)}`, job.name);
    }
  }

  private redivide(runtime: JobRuntime, why: string): void {
    const { job } = runtime;
    if (this.closed || job.state !== 'RUNNING') return;
    this.ctx.log('info', `dividing the job again: ${why}`, job.name);
    runtime.stop();
    job.transform('NEED_SCHEDULE', this.ctx.now());
    job.currentTaskNum = 0;
    this.ctx.persist();
    this.ctx.changed(job);
    // Once the old tasks have finished, the next round divides the job again.
    void runtime.drained().then(() => this.wake());
  }

  pauseByEngine(job: RoutineLoadJob, reason: ErrorReason): void {
    if (job.state === 'PAUSED' || job.state === 'STOPPED' || job.state === 'CANCELLED') return;
    if (this.closed) {
      // Once closing has begun nothing changes: closing the sources makes calls under way fail ("source is
      // closed"), which is no reason to pause. The job stays as stored; the next engine schedules it afresh
      // and meets any real problem itself.
      this.ctx.log('debug', `not pausing, the engine is closing: ${reason.msg}`, job.name);
      return;
    }
    job.transform('PAUSED', this.ctx.now(), reason, true);
    this.ctx.persist();
    this.ctx.log('warn', `job paused: ${reason.msg}`, job.name);
    this.ctx.changed(job);
    void this.release(job.id);
  }

  /** Stop a job's tasks (PAUSE / STOP / engine decision) and close its Kafka connection once they have ended. */
  async release(jobId: number): Promise<void> {
    const runtime = this.runtimes.get(jobId);
    if (!runtime) return;
    runtime.stop();
    await runtime.drained();
    if (this.runtimes.get(jobId) === runtime) {
      this.runtimes.delete(jobId);
      await runtime.closeSource();
    }
  }

  /** Wait until the job has no task in flight (before ALTER or RESUME touch its offsets). */
  async settle(jobId: number): Promise<void> {
    await this.runtimes.get(jobId)?.drained();
  }

  /** Stop everything: no new tasks; in-flight ones get `graceMs` to finish, then are abandoned (their ranges are recorded). */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    this.controller.abort();
    this.wakeUp?.();
    await this.loopDone;
    const deadline = Date.now() + graceMs;
    const all = [...this.runtimes.values()];
    for (const runtime of all) runtime.stop();
    const drained = Promise.allSettled(all.map((r) => r.drained()));
    await Promise.race([drained, new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const runtime of all) runtime.abortInFlight();
    await drained;
    // Closing the sources also cuts short a job still connecting (its schedule() then gives up).
    await Promise.allSettled([...all, ...this.runtimes.values()].map((r) => r.closeSource()));
    // schedule() / partition checks still under way: give them what is left of the grace time (at least a
    // moment) to notice the close. One still stuck after that can no longer write: `closed` makes it a no-op
    // and the store refuses writes once closed.
    const left = Math.max(100, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => { timer = setTimeout(r, left); })]);
    clearTimeout(timer);
    this.runtimes.clear();
  }
}

function isSource(value: KafkaSource | ErrorReason): value is KafkaSource {
  return typeof (value as KafkaSource).read === 'function';
}

function isReason(value: unknown): value is ErrorReason {
  return typeof value === 'object' && value !== null && typeof (value as ErrorReason).code === 'number' && typeof (value as ErrorReason).msg === 'string';
}

function describe(err: unknown): string {
  if (err instanceof SourceError) return err.message;
  return (err as Error)?.message ?? String(err);
}
