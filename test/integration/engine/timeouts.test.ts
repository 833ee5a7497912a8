// Stream Loads that hang: a task past its timeout is aborted and sent again with the same label, and a label
// StarRocks reports as still RUNNING is asked about again until it finishes. Either way every row lands once.
// The sandbox's `delay` and `hold` faults keep a load's transaction open (its label RUNNING) meanwhile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsJob, startWorld, waitForJob, type World } from './harness';

let world: World;

before(async () => {
  world = await startWorld();
});

after(async () => {
  await world?.close();
});

// A task may run 2 s; a RUNNING label is asked about again every 200 ms.
const settings = { routine_load_task_timeout_second: 2, label_running_recheck_millisecond: 200 };

interface SandboxTxn { label: string; state: string }

async function sandboxPost(path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${world.sandbox.feUrl}/api/_sandbox/${path}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

/** The sandbox's transactions of the job's labels (labels start with the job's name). */
async function transactionsOf(jobName: string): Promise<SandboxTxn[]> {
  const res = await fetch(`${world.sandbox.feUrl}/api/_sandbox/transactions?db=load_test`);
  const { transactions } = (await res.json()) as { transactions: SandboxTxn[] };
  return transactions.filter((t) => t.label.startsWith(`${jobName}-`));
}

function logged(jobName: string, pattern: RegExp): boolean {
  return world.logs.some((e) => e.jobName === jobName && pattern.test(e.message));
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a Stream Load hanging past routine_load_task_timeout_second is aborted and retried: every row exactly once', async () => {
  const topic = await world.topic(1);
  const base = 2_000_000;
  await world.produceKeys(topic, base, 20);
  const engine = await world.open(undefined, { settings });
  // The load runs, then its answer waits 5 s: past the 2 s timeout of the task and of its retry.
  await sandboxPost('faults', { kind: 'delay', delayMs: 5000, table: 'load_test.events' });
  const started = Date.now();
  await engine.execute(eventsJob('slow_load', topic, world.kafka.bootstrap));
  const job = await waitForJob(engine, (j) => j.name === 'slow_load' && j.statistic.loadedRows === 20, 60_000, 'the delayed batch');
  const ms = Date.now() - started;
  assert.ok(job.statistic.abortedTaskNum >= 1, 'the timed-out task is counted as aborted');
  assert.equal(job.statistic.committedTaskNum, 1);
  assert.equal(job.progress['0'], '19');
  assert.ok(logged('slow_load', /task failed .*(did not answer in time|task timed out after 2 s)/), 'the timeout is logged');
  assert.ok(logged('slow_load', /is still RUNNING in StarRocks/), 'the retry met the open transaction');
  assert.deepEqual(world.keys(base, 20), { rows: 20, distinct: 20 });
  const txns = await transactionsOf('slow_load');
  assert.equal(txns.length, 1, 'the retry reused the label: one transaction');
  assert.ok(['COMMITTED', 'VISIBLE'].includes(txns[0].state));
  process.stdout.write(`# task timeout: 20 rows once, ${job.statistic.abortedTaskNum} aborted attempt(s), visible ${ms} ms after CREATE (load delayed 5 s)\n`);
  await engine.execute('STOP ROUTINE LOAD FOR load_test.slow_load');
});

test('Label Already Exists while RUNNING: the engine asks again until the held load is released, then counts it once', async () => {
  const topic = await world.topic(1);
  const base = 2_100_000;
  await world.produceKeys(topic, base, 15);
  const engine = await world.open(undefined, { settings });
  await sandboxPost('faults', { kind: 'hold', table: 'load_test.events' });
  await engine.execute(eventsJob('held_load', topic, world.kafka.bootstrap));
  // The first attempt hangs and times out; its retry meets the label in the open transaction.
  await until(() => logged('held_load', /is still RUNNING in StarRocks/), 30_000, 'the engine to meet the RUNNING label');
  const waiting = engine.jobs().find((j) => j.name === 'held_load');
  assert.equal(waiting?.state, 'RUNNING');
  assert.equal(waiting?.statistic.loadedRows, 0);
  assert.equal(world.keys(base, 15).rows, 0, 'nothing visible while the load is held');
  const [held] = await transactionsOf('held_load');
  assert.equal(held.state, 'PREPARE');
  await sandboxPost('faults/release');
  const job = await waitForJob(engine, (j) => j.name === 'held_load' && j.statistic.loadedRows === 15, 30_000, 'the released batch');
  assert.equal(job.statistic.committedTaskNum, 1);
  assert.deepEqual(world.keys(base, 15), { rows: 15, distinct: 15 });
  assert.equal((await transactionsOf('held_load')).length, 1);
  assert.ok(logged('held_load', /was committed by an earlier attempt whose answer was lost/), 'the count comes from the recorded batch');
  await engine.execute('STOP ROUTINE LOAD FOR load_test.held_load');
});
