// Exactly once under faults, against the real Kafka broker and the StarRocks sandbox: the sandbox failing loads
// (HTTP 500, a reset mid-body, a delay past the client's timeout, Publish Timeout, Label Already Exists with RUNNING
// and FINISHED, Fail) and being restarted on its data directory; the engine SIGKILLed at seeded random moments and
// restarted; the state file truncated or corrupted. After each: every produced key exactly once in a DUPLICATE KEY
// table, and the engine's stored offsets at the topic's end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, StoreError } from '../../engine/src/engine';
import { createStreamLoadClient } from '../../engine/src/streamload';
import type { StreamLoadClient, StreamLoadTarget } from '../../engine/src/ports';
import { Random, runSeed } from './lib/random';
import { ownerOnlyProblems } from './lib/secrets';
import { relDdl } from './lib/tables';
import { until, within } from './lib/wait';
import {
  checkExactlyOnce, countFault, faultSummary, startChildEngine, startWorld, waitForJob, waitForRows, type ChildEngine, type World,
} from './lib/world';

const SEED = runSeed(4242);
/** SIGKILLs of the child engine in this suite (the soak does more). */
const KILLS = Number(process.env.RELIABILITY_KILLS) || 5;
const TABLE = 'rel.events';
const DDL = relDdl();

let world: World;
const totals = { produced: 0, rows: 0, unique: 0 };
/** What StarRocks (the sandbox) answered the engine, by status: observed on the real client, not mocked. */
const answers = new Map<string, number>();
let loadsInFlight = 0;

function observe(target: StreamLoadTarget): StreamLoadClient {
  const real = createStreamLoadClient(target);
  return {
    async load(request) {
      loadsInFlight++;
      try {
        const res = await real.load(request);
        const key = res.Status === 'Label Already Exists' ? `Label Already Exists ${res.ExistingJobStatus}` : res.Status;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        return res;
      } catch (err) {
        const key = `error ${(err as { kind?: string }).kind ?? 'other'}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        throw err;
      } finally {
        loadsInFlight--;
      }
    },
    close: () => real.close(),
  };
}

function csvJob(name: string, topic: string, partitions: number): string {
  return `CREATE ROUTINE LOAD rel.${name} ON events
COLUMNS TERMINATED BY ",",
COLUMNS (k, v)
PROPERTIES ("desired_concurrent_number" = "${partitions}", "max_batch_interval" = "5", "max_error_number" = "0")
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`;
}

/** Rows k = base + i, produced round-robin over the partitions. */
function rows(base: number, from: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${base + from + i},v${from + i}`);
}

function record(result: { produced: number; rows: number; unique: number }): void {
  totals.produced += result.produced;
  totals.rows += result.rows;
  totals.unique += result.unique;
}

before(async () => {
  world = await startWorld({ ddl: DDL, persistent: true });
  process.stdout.write(`# exactly once: seed ${SEED}\n`);
});

after(async () => {
  process.stdout.write(`${faultSummary('exactly once')}\n`);
  process.stdout.write(`# exactly once: StarRocks answers seen by the engine: ${[...answers].map(([k, n]) => `${k}=${n}`).join(', ') || 'none'}\n`);
  process.stdout.write(`# exactly once: rows produced ${totals.produced}, rows in the tables ${totals.rows}, unique keys ${totals.unique}\n`);
  await world?.close();
});

test('the sandbox failing loads (500, reset, delay past the timeout, hold, Publish Timeout, Fail): every row once', { timeout: 240_000 }, async () => {
  const partitions = 2;
  const topic = await world.topic(partitions);
  const dir = world.stateDir('faults');
  const base = 1_000_000;
  // A short task timeout, so a delayed answer outlasts the client and the same label is sent again.
  const engine = await world.open(dir, {
    streamLoadFactory: observe,
    settings: { routine_load_task_consume_second: 1, routine_load_task_timeout_second: 4, retry_backoff_initial_millisecond: 100, retry_backoff_max_millisecond: 500, label_running_recheck_millisecond: 200 },
  });
  await engine.execute(csvJob('faults', topic, partitions));
  let produced = 0;
  const rounds = Number(process.env.RELIABILITY_FAULT_ROUNDS) || 2;
  const plan: { kind: 'http500' | 'reset' | 'delay' | 'hold' | 'publishTimeout' | 'fail'; count?: number; delayMs?: number; message?: string }[] = [
    { kind: 'http500', count: 2 },
    { kind: 'reset' },
    { kind: 'delay', delayMs: 6000 },
    { kind: 'hold' },
    { kind: 'publishTimeout' },
    { kind: 'fail', message: 'too many versions of tablet 10086, retry later' },
  ];
  for (let round = 0; round < rounds; round++) {
    for (const fault of plan) {
      await world.inject({ ...fault, table: TABLE });
      const before = answers.get('Label Already Exists RUNNING') ?? 0;
      await world.produce(topic, rows(base, produced, 150), partitions, produced);
      produced += 150;
      if (fault.kind === 'hold') {
        // The held load keeps its label RUNNING; the engine times out, sends the label again, is told RUNNING, waits.
        await until(() => world.sandbox.core.faults.held > 0, 30_000, 'a held load');
        await until(() => (answers.get('Label Already Exists RUNNING') ?? 0) > before, 30_000, 'the engine to meet Label Already Exists RUNNING',
          () => `held ${world.sandbox.core.faults.held}, answers ${JSON.stringify(Object.fromEntries(answers))}, log: ${readFileSync(world.logFile, 'utf8').trim().split('\n').slice(-6).join('\n')}`);
        assert.equal(await world.release(), 1, 'one load was held');
      }
      await waitForRows(world, TABLE, base, produced, 60_000, () => JSON.stringify(engine.jobs()[0]?.otherMsg));
      // The engine has settled too (a retried label may still be in flight after StarRocks committed it).
      await until(() => loadsInFlight === 0 && (engine.jobs()[0]?.statistic.loadedRows ?? 0) >= produced, 60_000, `the engine to settle after ${fault.kind}`);
    }
  }
  const job = await waitForJob(engine, (j) => j.name === 'faults' && Object.values(j.progress).length === partitions && j.statistic.loadedRows >= produced, 30_000, 'statistics to catch up');
  assert.equal(job.state, 'RUNNING', `the job keeps running through transient faults: ${job.reasonOfStateChanged}`);
  await engine.close();
  const result = await checkExactlyOnce(world, { table: TABLE, base, produced, topic, stateDir: dir, job: 'faults' });
  record(result);
  assert.ok((answers.get('Label Already Exists RUNNING') ?? 0) >= rounds, 'Label Already Exists RUNNING was met');
  assert.ok((answers.get('Label Already Exists FINISHED') ?? 0) >= rounds, 'Label Already Exists FINISHED was met (a delayed load committed, then its label came back)');
  assert.ok((answers.get('Publish Timeout') ?? 0) >= rounds, 'Publish Timeout was met');
});

test('the sandbox restarted mid-load on its data directory: rows persist, every row once', { timeout: 180_000 }, async () => {
  const r = new Random(SEED);
  const partitions = 3;
  const topic = await world.topic(partitions);
  const dir = world.stateDir('restart');
  const base = 2_000_000;
  const engine = await world.open(dir);
  await engine.execute(csvJob('restart', topic, partitions));
  let produced = 0;
  const restarts = 3;
  for (let i = 0; i < restarts; i++) {
    await world.produce(topic, rows(base, produced, 400), partitions, produced);
    produced += 400;
    // Once some of this wave is loaded, restart at a seeded moment (a load is often in flight), or during a held load.
    if (i === 1) {
      await world.inject({ kind: 'hold', table: TABLE });
      await until(() => world.sandbox.core.faults.held > 0, 30_000, 'a held load');
    } else {
      await waitForRows(world, TABLE, base, produced - 400 + 1, 60_000);
      await new Promise((resolve) => setTimeout(resolve, r.int(0, 400)));
    }
    await world.restartSandbox();
  }
  await waitForRows(world, TABLE, base, produced, 90_000, () => JSON.stringify(engine.jobs().map((j) => [j.state, j.otherMsg])));
  await waitForJob(engine, (j) => j.name === 'restart' && j.statistic.loadedRows >= produced, 30_000, 'statistics to catch up');
  await engine.close();
  // One more restart with nothing in flight: the committed rows are read back from disk.
  await world.restartSandbox();
  record(await checkExactlyOnce(world, { table: TABLE, base, produced, topic, stateDir: dir, job: 'restart' }));
});

test(`the engine SIGKILLed ${KILLS} times at seeded random moments during loads: every row once`, { timeout: 300_000 }, async () => {
  const r = new Random(SEED + 1);
  const partitions = 4;
  const topic = await world.topic(partitions);
  const dir = world.stateDir('kill');
  const base = 3_000_000;
  let produced = 0;
  const wave = Number(process.env.RELIABILITY_KILL_WAVE) || 2000;
  await world.produce(topic, rows(base, 0, wave), partitions, 0);
  produced += wave;
  let child: ChildEngine = startChildEngine(world, dir, csvJob('killed', topic, 2));
  const children = [child];
  const started = Date.now();
  try {
    for (let k = 0; k < KILLS; k++) {
      // A moment while batches are being recorded, sent or committed, then a seeded extra delay.
      await child.waitFor((l) => l.event === 'log' && /recorded batch|task committed|sending/.test(String(l.message)), 60_000, `load activity before kill ${k + 1}`);
      await new Promise((resolve) => setTimeout(resolve, r.int(0, 600)));
      await child.kill();
      countFault('engine SIGKILL');
      // A fresh wave after every kill, so the next engine has work to be killed in (a fast engine drains a wave).
      await world.produce(topic, rows(base, produced, wave), partitions, produced);
      produced += wave;
      child = startChildEngine(world, dir);
      children.push(child);
      await child.waitFor((l) => l.event === 'ready', 60_000, 'the restarted engine');
    }
    await waitForRows(world, TABLE, base, produced, 120_000, () => child.lines.slice(-3).join(' | '));
    await child.waitFor((l) => l.event === 'jobChanged' && Number((l.statistic as { loadedRows?: number } | undefined)?.loadedRows) > 0, 30_000, 'a job event after the last restart');
  } catch (err) {
    await child.stop();
    throw new Error(`${(err as Error).message}\nlast engine's lines:\n${child.lines.slice(-10).join('\n')}`);
  }
  assert.equal(await child.stop(), 0, `the last engine closes cleanly on SIGTERM: ${child.lines.slice(-5).join('\n')}`);
  const result = await checkExactlyOnce(world, { table: TABLE, base, produced, topic, stateDir: dir, job: 'killed' });
  record(result);
  process.stdout.write(`# engine kills: ${KILLS} SIGKILLs, ${produced} produced, ${result.rows} rows, ${result.unique} unique, ${children.filter((c) => c.lines.some((l) => /sending \d+ recorded batch/.test(l))).length} restarts sent a recorded batch again, ${Date.now() - started} ms\n`);
});

test('a truncated or corrupted state file stops the engine with a clear error, never a silent start from scratch', { timeout: 120_000 }, async () => {
  const partitions = 1;
  const topic = await world.topic(partitions);
  const dir = world.stateDir('corrupt');
  const base = 4_000_000;
  let engine: Engine = await world.open(dir);
  await engine.execute(csvJob('corrupt', topic, partitions));
  await world.produce(topic, rows(base, 0, 300), partitions, 0);
  await waitForRows(world, TABLE, base, 300, 60_000);
  await waitForJob(engine, (j) => j.statistic.loadedRows >= 300, 30_000, '300 loaded rows');
  await engine.close();
  const statePath = join(dir, 'state.json');
  const good = readFileSync(statePath);

  const refuses = async (what: string, expected: RegExp) => {
    countFault(`state ${what}`);
    const size = existsSync(statePath) ? statSync(statePath).size : -1;
    await assert.rejects(within(30_000, world.open(dir), `open on a ${what} state`), (err: Error) => {
      assert.ok(err instanceof StoreError, `a StoreError, not ${err.name}: ${err.message}`);
      assert.match(err.message, expected);
      assert.match(err.message, /state\.json\.bak|backups/, 'the error says how to recover');
      return true;
    }, `the engine must refuse a ${what} state file`);
    // Nothing was overwritten: the damaged file is still there, as it was.
    assert.equal(existsSync(statePath) ? statSync(statePath).size : -1, size, `the ${what} state file was left as it was`);
  };
  truncateSync(statePath, Math.floor(good.length / 2));
  await refuses('truncated', /corrupted or truncated/);
  truncateSync(statePath, 0);
  await refuses('emptied', /corrupted or truncated/);
  writeFileSync(statePath, Buffer.concat([good.subarray(0, 100), Buffer.from([0xff, 0x00, 0xfe]), good.subarray(103)]));
  await refuses('garbled', /corrupted or truncated|malformed|does not hold/);
  writeFileSync(statePath, '{"hello": "world"}');
  await refuses('foreign JSON', /does not hold a routine load state/);
  unlinkSync(statePath);
  await refuses('deleted (backup present)', /missing but its backup/);

  // Following the message's advice (the backup over the state file) resumes where it was: no row again, none lost.
  copyFileSync(join(dir, 'state.json.bak'), statePath);
  engine = await world.open(dir);
  await world.produce(topic, rows(base, 300, 300), partitions, 300);
  await waitForRows(world, TABLE, base, 600, 60_000);
  await waitForJob(engine, (j) => j.statistic.loadedRows >= 600, 30_000, '600 loaded rows');
  await engine.close();
  record(await checkExactlyOnce(world, { table: TABLE, base, produced: 600, topic, stateDir: dir, job: 'corrupt' }));
});

test('every state directory the engines created is readable by its owner only (0700, files 0600)', () => {
  const dirs = readdirSync(world.root).filter((n) => /^(faults|restart|kill|corrupt)-/.test(n)).map((n) => join(world.root, n));
  assert.equal(dirs.length, 4);
  for (const problem of ownerOnlyProblems(dirs)) assert.fail(problem);
});
