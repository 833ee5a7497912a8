// Waiting for a job of an in-process Engine, by its jobChanged events (no polling).
import type { Engine } from '../../engine/src/engine';
import type { JobSnapshot } from '../../engine/src/protocol';

/** Resolve with the first snapshot (current or from a jobChanged event) that satisfies `check`. */
export function waitForJob(engine: Engine, check: (job: JobSnapshot) => boolean, ms = 60_000, what = 'job state'): Promise<JobSnapshot> {
  return new Promise((resolve, reject) => {
    const now = engine.jobs().find(check);
    if (now) return resolve(now);
    const timer = setTimeout(() => {
      engine.off('jobChanged', listener);
      const jobs = engine.jobs().map((j) => ({
        name: j.name, state: j.state, stat: j.statistic, reason: j.reasonOfStateChanged, other: j.otherMsg, progress: j.progress, latest: j.latestSourcePosition,
      }));
      reject(new Error(`timed out after ${ms} ms waiting for ${what}; jobs: ${JSON.stringify(jobs)}`));
    }, ms);
    const listener = (job: JobSnapshot) => {
      if (check(job)) {
        clearTimeout(timer);
        engine.off('jobChanged', listener);
        resolve(job);
      }
    };
    engine.on('jobChanged', listener);
  });
}
