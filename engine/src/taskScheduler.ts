// TaskScheduler: runs a job's tasks within its concurrency. Each task owns fixed partitions and is
// renewed after it finishes: at once when it did not catch up with Kafka, else after max_batch_interval;
// after an abort, after max_batch_interval; after a transient failure, with a bounded exponential backoff
// (logged once per kind of failure, not once per attempt). A task running past its timeout is aborted.

import type { KafkaSource } from './ports.js';
import { sleepFor, type EngineContext } from './context.js';
import type { PendingTask, RoutineLoadJob } from './job.js';
import { ReadAhead, Task, type TaskResult } from './task.js';
import type { ErrorReason } from './reasons.js';

/** The running part of a job: its tasks, its Kafka source, and the means to stop them. */
export class JobRuntime {
  tasks: Task[] = [];
  source: KafkaSource | undefined;
  /** Stops scheduling: no new task starts once it is aborted. */
  controller = new AbortController();
  /** Cuts in-flight tasks short (engine shutdown after its grace time); their ranges stay recorded. */
  private readonly inFlight = new AbortController();
  /** Task loops still running. */
  private loops = new Set<Promise<void>>();
  /** The division holds only replays of recorded ranges; once they are settled the job is divided afresh. */
  recovering = false;
  lastPartitionCheckMs = 0;

  constructor(readonly job: RoutineLoadJob) {}

  get running(): boolean {
    return this.loops.size > 0;
  }

  track(loop: Promise<void>): void {
    this.loops.add(loop);
    void loop.finally(() => this.loops.delete(loop));
  }

  /** Resolves when every task loop has ended. */
  async drained(): Promise<void> {
    while (this.loops.size > 0) await Promise.allSettled([...this.loops]);
  }

  /** Stop scheduling new tasks; in-flight ones finish (or are cut short by `abortInFlight`). */
  stop(): void {
    this.controller.abort();
  }

  abortInFlight(): void {
    this.controller.abort();
    this.inFlight.abort();
  }

  get inFlightSignal(): AbortSignal {
    return this.inFlight.signal;
  }

  async closeSource(): Promise<void> {
    const source = this.source;
    this.source = undefined;
    if (source) await source.close().catch(() => undefined);
  }
}

export interface TaskSchedulerHooks {
  /** The job must pause (decided by a task). */
  pauseJob(job: RoutineLoadJob, reason: ErrorReason): void;
  /** Every recovery task settled: divide the job again. */
  recoveryDone(runtime: JobRuntime): void;
}

export class TaskScheduler {
  constructor(private readonly ctx: EngineContext, private readonly hooks: TaskSchedulerHooks) {}

  /** Start one loop per task of the runtime's current division. */
  start(runtime: JobRuntime): void {
    const loops = runtime.tasks.map((task) => this.loop(runtime, task));
    for (const loop of loops) runtime.track(loop);
    if (runtime.recovering) {
      void Promise.allSettled(loops).then(() => {
        if (!runtime.controller.signal.aborted && runtime.job.state === 'RUNNING') this.hooks.recoveryDone(runtime);
      });
    }
  }

  private async loop(runtime: JobRuntime, first: Task): Promise<void> {
    const signal = runtime.controller.signal;
    // One read-ahead per task slot; whatever it holds when the loop ends (PAUSE, STOP, ALTER, a new division) is dropped.
    const readAhead = new ReadAhead();
    try {
      await this.runLoop(runtime, first, signal, readAhead);
    } finally {
      readAhead.discard();
    }
  }

  private async runLoop(runtime: JobRuntime, first: Task, signal: AbortSignal, readAhead: ReadAhead): Promise<void> {
    const { job } = runtime;
    let task = first;
    let failures = 0;
    let lastFailure = '';
    for (;;) {
      if (signal.aborted || job.state !== 'RUNNING' || !runtime.source) return;
      task.lastScheduledTimeMs = this.ctx.now();
      const result = await this.runWithTimeout(runtime, task, readAhead);
      const interval = job.maxBatchIntervalS * 1000;
      let waitMs: number;
      switch (result.kind) {
        case 'noData': {
          failures = 0;
          // Caught up: an UNSTABLE job is stable again, and SHOW's listeners must see it go back to RUNNING.
          const wasUnstable = job.unstableReason !== undefined;
          job.updateSubstate(this.ctx.now(), this.ctx.settings.routine_load_unstable_threshold_second, false);
          task.message = `there is no new data in kafka, wait for ${job.maxBatchIntervalS} seconds to schedule again`;
          if (wasUnstable) this.ctx.changed(job);
          waitMs = interval;
          break;
        }
        case 'committed': {
          failures = 0;
          lastFailure = '';
          this.commit(runtime, task, result);
          if (runtime.recovering) return;
          waitMs = result.caughtUp ? interval : 0;
          break;
        }
        case 'aborted':
          failures = 0;
          this.abort(job, task, result.pending, result.message, result.errorUrl);
          if (runtime.recovering) return;
          waitMs = interval;
          break;
        case 'retry': {
          failures += 1;
          if (result.timedOut) job.statistic.abortedTaskNum += 1;
          job.setOtherMsg(this.ctx.now(), `[task id: ${task.id}] ${result.message}; the same offsets will be sent again with label ${result.pending?.label ?? '(none yet)'}`);
          const backoff = Math.min(
            this.ctx.settings.retry_backoff_max_millisecond,
            this.ctx.settings.retry_backoff_initial_millisecond * 2 ** Math.min(failures - 1, 16),
          );
          // One log line per kind of failure, and then one every 10 attempts: no flood.
          if (result.message !== lastFailure || failures % 10 === 0) {
            this.ctx.log('warn', `task failed (attempt ${failures}), retrying in ${Math.round(backoff / 1000)} s: ${result.message}`, job.name);
            lastFailure = result.message;
          }
          this.ctx.changed(job);
          waitMs = backoff;
          break;
        }
        case 'pause':
          if (!result.keepPending && result.pending) this.forget(job, result.pending);
          this.ctx.log('warn', `job paused: ${result.reason.msg}`, job.name);
          this.hooks.pauseJob(job, result.reason);
          return;
      }
      // A replayed range settled: the next task reads from progress again.
      if (result.kind !== 'retry') {
        task = new Task(job, task.partitions, this.ctx.now());
      }
      if (!(await sleepFor(waitMs, signal))) return;
    }
  }

  /** Run the task, aborting it at its timeout (the task also stops itself at the same deadline). */
  private async runWithTimeout(runtime: JobRuntime, task: Task, readAhead?: ReadAhead): Promise<TaskResult> {
    const { timeoutS, consumeS } = runtime.job.taskTimes(
      this.ctx.settings.routine_load_task_consume_second, this.ctx.settings.routine_load_task_timeout_second,
    );
    const controller = new AbortController();
    const onStop = () => controller.abort();
    runtime.inFlightSignal.addEventListener('abort', onStop, { once: true });
    // A little grace over the task's own deadline, so the task reports the timeout itself when it can.
    const timer = setTimeout(() => controller.abort(), timeoutS * 1000 + 1000);
    try {
      const source = runtime.source;
      if (!source) return { kind: 'retry', message: 'the job is not connected to Kafka', timedOut: false };
      return await task.run(
        {
          source,
          streamLoad: this.ctx.streamLoad,
          instanceId: this.ctx.instanceId,
          consumeS,
          timeoutS,
          labelRecheckMs: this.ctx.settings.label_running_recheck_millisecond,
          now: () => this.ctx.now(),
          recordPending: async (pending) => this.record(runtime.job, pending),
          log: (level, message) => this.ctx.log(level, message, runtime.job.name),
          ...(readAhead && !runtime.recovering ? { readAhead } : {}),
        },
        controller.signal,
      );
    } catch (err) {
      return { kind: 'retry', pending: task.replay, message: (err as Error)?.message ?? String(err), timedOut: false };
    } finally {
      clearTimeout(timer);
      runtime.inFlightSignal.removeEventListener('abort', onStop);
    }
  }

  /** Exactly-once step 1: the fixed range goes to disk before any byte goes to StarRocks. */
  private record(job: RoutineLoadJob, pending: PendingTask): void {
    job.pendingTasks = job.pendingTasks.filter((p) => !p.ranges.some((r) => pending.ranges.some((q) => q.partition === r.partition)));
    job.pendingTasks.push(pending);
    this.ctx.persist();
    this.ctx.log('debug', `recorded batch ${pending.label} (${pending.ranges.map((r) => `${r.partition}:${r.from}-${r.to}`).join(', ')}) before sending it`, job.name);
  }

  private forget(job: RoutineLoadJob, pending: PendingTask): void {
    job.pendingTasks = job.pendingTasks.filter((p) => p.label !== pending.label);
    this.ctx.persist();
  }

  /** Exactly-once step 3: progress, statistics and the cleared record reach the disk in one atomic write. */
  private commit(runtime: JobRuntime, task: Task, result: Extract<TaskResult, { kind: 'committed' }>): void {
    const { job } = runtime;
    job.pendingTasks = job.pendingTasks.filter((p) => p.label !== result.pending.label);
    const pauseReason = job.applyCommitted({
      ranges: result.pending.ranges,
      totalRows: result.totalRows,
      loadedRows: result.loadedRows,
      errorRows: result.errorRows,
      unselectedRows: result.unselectedRows,
      receivedBytes: result.receivedBytes,
      executeTimeMs: result.executeTimeMs,
      errorUrl: result.errorUrl,
    });
    job.updateSubstate(this.ctx.now(), this.ctx.settings.routine_load_unstable_threshold_second, true);
    task.message = result.message;
    this.ctx.persist();
    const ranges = result.pending.ranges.map((r) => `${r.partition}:${r.from}-${r.to}`).join(', ');
    this.ctx.log(
      'info',
      `task committed label ${result.pending.label} (${ranges}): loaded ${result.loadedRows}, filtered ${result.errorRows}, unselected ${result.unselectedRows} rows`,
      job.name,
    );
    // Kafka group offsets are only for monitoring (StarRocks' BE does the same, best effort).
    const next = new Map(result.pending.ranges.map((r) => [r.partition, r.to + 1n]));
    void runtime.source?.commit(next).catch(() => undefined);
    if (pauseReason && job.state !== 'PAUSED' && job.state !== 'STOPPED' && job.state !== 'CANCELLED') {
      this.ctx.log('warn', `job paused: ${pauseReason.msg}`, job.name);
      this.hooks.pauseJob(job, pauseReason);
    } else {
      this.ctx.changed(job);
    }
  }

  private abort(job: RoutineLoadJob, task: Task, pending: PendingTask | undefined, message: string, errorUrl?: string): void {
    // StarRocks aborted the transaction: the label may be used again, the range is simply not loaded.
    if (pending) job.pendingTasks = job.pendingTasks.filter((p) => p.label !== pending.label);
    job.statistic.abortedTaskNum += 1;
    if (errorUrl) {
      job.errorLogUrls.push(errorUrl);
      if (job.errorLogUrls.length > 3) job.errorLogUrls = job.errorLogUrls.slice(-3);
    }
    task.message = message;
    job.setOtherMsg(this.ctx.now(), `[task id: ${task.id}] [txn id: ${task.txnId ?? -1}] previous task aborted because of ${message}`);
    this.ctx.persist();
    this.ctx.log('warn', `task aborted by StarRocks, retrying after max_batch_interval: ${message}`, job.name);
    this.ctx.changed(job);
  }
}
