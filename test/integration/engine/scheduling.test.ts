// What the schedulers do with what Kafka holds: a topic that gains partitions while a job runs, messages that
// are not JSON (pause_on_fatal_parse_error), and old messages that show a job as UNSTABLE until it catches up.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { eventsJob, startWorld, waitForJob, type TestMessage, type World } from './harness';

let world: World;

before(async () => {
  world = await startWorld();
});

after(async () => {
  await world?.close();
});

const growKafka = () => new Kafka({ clientId: 'engine-it-grow', brokers: [world.kafka.bootstrap], logLevel: logLevel.ERROR });

async function addPartitions(topic: string, count: number): Promise<void> {
  const admin = growKafka().admin();
  await admin.connect();
  try {
    await admin.createPartitions({ topicPartitions: [{ topic, count }] });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Produce with a new producer: the world's one keeps the old partition list for minutes and silently drops
 * messages for partitions it does not know.
 */
async function produceAfresh(topic: string, messages: TestMessage[]): Promise<void> {
  const producer = growKafka().producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

test('partitions added while a job runs: the job is divided again and the new partitions are loaded', async () => {
  // Checked every 500 ms here (StarRocks: routine_load_scheduler_interval_millisecond, 10 s).
  const dir = world.stateDir();
  const settings = { routine_load_scheduler_interval_millisecond: 500 };
  let engine = await world.open(dir, { settings });
  const [begin, unset] = [await world.topic(1), await world.topic(1)];
  const base = 2_300_000;
  await world.produceKeys(begin, base, 5);
  await engine.execute(eventsJob('grow_begin', begin, world.kafka.bootstrap, { properties: { desired_concurrent_number: '3' } }));
  // No kafka_default_offsets: the first division starts at OFFSET_END, as in StarRocks.
  await engine.execute(eventsJob('grow_unset', unset, world.kafka.bootstrap, { kafka: { 'property.kafka_default_offsets': '' } }).replace(/,\s*"property\.kafka_default_offsets" = ""/, ''));
  await waitForJob(engine, (j) => j.name === 'grow_begin' && j.statistic.loadedRows === 5);
  await waitForJob(engine, (j) => j.name === 'grow_unset' && j.state === 'RUNNING');

  await addPartitions(begin, 3);
  const divided = await waitForJob(engine, (j) => j.name === 'grow_begin' && j.state === 'RUNNING' && j.dataSourceProperties.currentKafkaPartitions === '0,1,2', 30_000, 'the division over 3 partitions');
  assert.equal(divided.currentTaskNum, 3);
  // Produced once the partitions exist, as the job's OFFSET_BEGINNING default says where they start.
  await produceAfresh(begin, [1, 2, 1, 2].map((partition, i) => ({ partition, value: `${base + 5 + i},new${i}` })));
  const job = await waitForJob(engine, (j) => j.name === 'grow_begin' && j.statistic.loadedRows === 9, 30_000, 'the rows of the new partitions');
  assert.deepEqual(world.keys(base, 9), { rows: 9, distinct: 9 });
  assert.equal(job.progress['1'], '1');
  assert.equal(job.progress['2'], '1');
  assert.ok(world.logs.some((e) => e.jobName === 'grow_begin' && /partitions changed from \[0\] to \[0,1,2\]/.test(e.message)));

  // Without kafka_default_offsets a partition that appears later starts at its beginning (the engine's choice,
  // see jobScheduler.ts): rows produced before the engine noticed the partition are loaded too, not skipped.
  // Here the partition appears and gets its row while the engine is down, so it is noticed only afterwards.
  await engine.close();
  await addPartitions(unset, 2);
  await produceAfresh(unset, [{ partition: 1, value: `${base + 100},early` }]);
  engine = await world.open(dir, { settings });
  await waitForJob(engine, (j) => j.name === 'grow_unset' && j.statistic.loadedRows === 1, 30_000, 'the row produced before the partition was noticed');
  assert.deepEqual(world.keys(base + 100, 1), { rows: 1, distinct: 1 });
  await engine.execute('STOP ROUTINE LOAD FOR load_test.grow_begin; STOP ROUTINE LOAD FOR load_test.grow_unset;');
});

test('pause_on_fatal_parse_error: true pauses with StarRocks\' errCode 5611 and loads nothing; false counts error rows', async () => {
  const topic = await world.topic(1);
  const base = 2_400_000;
  await world.produce(topic, [
    { value: JSON.stringify({ k: base, v: 'a' }) }, { value: '{"k": 2400001, "v": ' }, { value: JSON.stringify({ k: base + 2, v: 'c' }) },
  ]);
  const engine = await world.open();
  const json = (name: string, pause: string) => eventsJob(name, topic, world.kafka.bootstrap, {
    properties: { format: 'json', max_error_number: '5', pause_on_fatal_parse_error: pause },
  }).replace(' COLUMNS TERMINATED BY ","', '');
  await engine.execute(json('parse_pause', 'true'));
  const paused = await waitForJob(engine, (j) => j.name === 'parse_pause' && j.state === 'PAUSED');
  assert.match(paused.reasonOfStateChanged, /^ErrorReason\{errCode = 5611, msg='parse error: a message of partition 0 is not valid JSON .*\. Check the 'TrackingSQL' field for detailed information\.'\}$/);
  assert.equal(paused.statistic.loadedRows, 0);
  assert.equal(paused.progress['0'], 'OFFSET_ZERO', 'progress stays before the batch');
  assert.equal(world.keys(base, 3).rows, 0);

  await engine.execute(json('parse_count', 'false'));
  const counted = await waitForJob(engine, (j) => j.name === 'parse_count' && j.statistic.totalRows === 3);
  assert.equal(counted.state, 'RUNNING');
  assert.equal(counted.statistic.errorRows, 1);
  assert.equal(counted.statistic.loadedRows, 2);
  assert.deepEqual(world.keys(base, 3), { rows: 2, distinct: 2 });
  await engine.execute('STOP ROUTINE LOAD FOR load_test.parse_pause; STOP ROUTINE LOAD FOR load_test.parse_count;');
});

test('UNSTABLE while the last consumed message is older than routine_load_unstable_threshold_second; RUNNING once caught up', async () => {
  const topic = await world.topic(1);
  const base = 2_500_000;
  const hourAgo = String(Date.now() - 3_600_000);
  await world.produce(topic, Array.from({ length: 5 }, (_, i) => ({ value: `${base + i},old${i}`, timestamp: hourAgo })));
  const engine = await world.open(undefined, { settings: { routine_load_unstable_threshold_second: 60 } });
  const shown: string[] = [];
  engine.on('jobChanged', (j) => { if (j.name === 'lagging' && shown.at(-1) !== j.shownState) shown.push(j.shownState); });
  await engine.execute(eventsJob('lagging', topic, world.kafka.bootstrap, { properties: { max_batch_interval: '5' } }));
  const unstable = await waitForJob(engine, (j) => j.name === 'lagging' && j.shownState === 'UNSTABLE', 30_000, 'UNSTABLE');
  assert.equal(unstable.state, 'RUNNING');
  assert.equal(unstable.statistic.loadedRows, 5);
  assert.match(unstable.reasonOfStateChanged, /^ErrorReason\{errCode = 105, msg='The lag \[36\d\d\] of partition \[0\] exceeds Config\.routine_load_unstable_threshold_second \[60\]'\}$/);
  const show = await engine.execute('SHOW ROUTINE LOAD FOR load_test.lagging');
  assert.ok(show[0].kind === 'resultSet' && show[0].resultSet.rows[0].includes('UNSTABLE'), 'SHOW prints UNSTABLE in State');
  // The next task finds nothing new (after max_batch_interval): caught up, RUNNING again.
  const caughtUp = await waitForJob(engine, (j) => j.name === 'lagging' && j.shownState === 'RUNNING' && j.statistic.loadedRows === 5, 30_000, 'RUNNING again');
  assert.equal(caughtUp.reasonOfStateChanged, '');
  assert.deepEqual(shown.slice(-2), ['UNSTABLE', 'RUNNING']);
  await engine.execute('STOP ROUTINE LOAD FOR load_test.lagging');
});
