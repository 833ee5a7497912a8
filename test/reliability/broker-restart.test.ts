// Exactly once across a Kafka broker killed (SIGKILL) and restarted mid-load: a private broker on the same ports
// and data. The engine must ride it out — no crash, no flood of log lines while Kafka is away — and end with every
// produced key once and its offsets at the topic's end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Random, runSeed } from './lib/random';
import { startRestartableBroker, type RestartableBroker } from './lib/broker';
import { relDdl } from './lib/tables';
import { until } from './lib/wait';
import { checkExactlyOnce, countFault, faultSummary, startWorld, waitForRows, type World } from './lib/world';

const SEED = runSeed(777);
const CYCLES = Number(process.env.RELIABILITY_BROKER_KILLS) || 2;
const DDL = relDdl();

let broker: RestartableBroker;
let world: World;

before(async () => {
  broker = await startRestartableBroker();
  world = await startWorld({ ddl: DDL, kafka: broker });
});

after(async () => {
  process.stdout.write(`${faultSummary('broker restart')}\n`);
  await world?.close();
  await broker?.stop();
});

/** Produce, retrying while the producer reconnects to a restarted broker. */
async function produce(topic: string, values: string[], partitions: number, first: number): Promise<void> {
  await until(async () => {
    try {
      await world.produce(topic, values, partitions, first);
      return true;
    } catch {
      return false;
    }
  }, 60_000, 'the producer to reach the broker', undefined, 500);
}

test(`the broker SIGKILLed and restarted ${CYCLES} times mid-load: every row once, no crash, no log flood`, { timeout: 300_000 }, async () => {
  const r = new Random(SEED);
  const partitions = 3;
  const topic = await world.topic(partitions);
  const dir = world.stateDir('broker');
  const base = 5_000_000;
  const engine = await world.open(dir);
  await engine.execute(`CREATE ROUTINE LOAD rel.brokerkill ON events
COLUMNS TERMINATED BY ",", COLUMNS (k, v)
PROPERTIES ("desired_concurrent_number" = "3", "max_batch_interval" = "5")
FROM KAFKA ("kafka_broker_list" = "${broker.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`);
  let produced = 0;
  const wave = 3000;
  const downLogLines: number[] = [];
  for (let c = 0; c < CYCLES; c++) {
    await produce(topic, Array.from({ length: wave }, (_, i) => `${base + produced + i},w${c}`), partitions, produced);
    produced += wave;
    // Kill at a seeded moment once this wave is partly loaded (a task is usually reading or sending).
    await waitForRows(world, 'rel.events', base, produced - wave + r.int(1, wave / 2), 60_000);
    await broker.kill();
    countFault('kafka broker SIGKILL');
    const linesBefore = readFileSync(world.logFile, 'utf8').split('\n').length;
    const downSince = Date.now();
    // Kafka stays away for a few seconds: the job must not be cancelled or crash the engine.
    await until(() => Date.now() - downSince > 6000, 10_000, 'the outage window');
    const job = engine.jobs().find((j) => j.name === 'brokerkill');
    assert.ok(job && job.state !== 'CANCELLED' && job.state !== 'STOPPED', `the job survives the outage: ${JSON.stringify(job?.reasonOfStateChanged)}`);
    downLogLines.push(readFileSync(world.logFile, 'utf8').split('\n').length - linesBefore);
    await broker.restart();
    countFault('kafka broker restart');
    // A job the engine paused because Kafka was away would be a finding: it must resume by itself or keep running.
  }
  await produce(topic, Array.from({ length: wave }, (_, i) => `${base + produced + i},last`), partitions, produced);
  produced += wave;
  await waitForRows(world, 'rel.events', base, produced, 120_000, () => JSON.stringify(engine.jobs().map((j) => [j.state, j.reasonOfStateChanged, j.otherMsg])));
  await until(() => engine.jobs()[0]?.statistic.loadedRows >= produced, 30_000, 'statistics to catch up');
  await engine.close();
  const result = await checkExactlyOnce(world, { table: 'rel.events', base, produced, topic, stateDir: dir, job: 'brokerkill' });
  process.stdout.write(`# broker kills: ${CYCLES} SIGKILLs of the broker, ${result.produced} produced, ${result.rows} rows, ${result.unique} unique; engine log lines per 6 s outage: ${downLogLines.join(', ')}\n`);
  for (const n of downLogLines) assert.ok(n <= 30, `no log flood while Kafka is away: ${n} lines in 6 s`);
});
