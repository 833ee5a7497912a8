// The engine against the real Kafka broker and the StarRocks sandbox.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SEED_ROWS, startWorld, waitForJob, type World } from './harness';

let world: World;

before(async () => {
  world = await startWorld();
});

after(async () => {
  await world?.close();
});

function seedCsvJob(name: string, topic: string, extra = ''): string {
  return `CREATE ROUTINE LOAD load_test.${name} ON routine_load_tbl_csv
COLUMNS TERMINATED BY ",",
COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)${extra}
PROPERTIES
(
"desired_concurrent_number" = "5"
)
FROM KAFKA
(
"kafka_broker_list" = "${world.kafka.bootstrap}",
"kafka_topic" = "${topic}",
"kafka_partitions" = "0,1,2,3,4",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
);`;
}

test('the seed\'s end-to-end example gives the seed\'s expected table', async () => {
  const topic = await world.topic(10);
  await world.produce(topic, SEED_ROWS.map((value, i) => ({ partition: i, value })));
  const engine = await world.open();
  const started = Date.now();
  await engine.execute(seedCsvJob('routine_load_tbl_ordertest_csv', topic));
  const job = await waitForJob(engine, (j) => j.statistic.loadedRows === 5);
  const ms = Date.now() - started;
  assert.equal(job.state, 'RUNNING');
  assert.equal(job.statistic.errorRows, 0);
  assert.equal(job.dataSourceProperties.topic, topic);
  assert.equal(job.currentTaskNum, 5);
  // The seed's table has PRIMARY KEY (order_id, pay_dt), and its first two rows share that key: StarRocks (and
  // the sandbox) keep one of them, whichever batch committed last. The seed's expected table lists both, which
  // a DUPLICATE KEY table with the same columns gives; both are checked.
  const pk = world.sandbox.query('SELECT * FROM load_test.routine_load_tbl_csv ORDER BY order_id').rows;
  assert.equal(pk.length, 4);
  assert.ok(['Johann Georg Faust', 'Julien Sorel'].includes(String(pk[0].customer_name)));
  await engine.execute(seedCsvJob('routine_load_tbl_ordertest_csv_dup', topic).replace('ON routine_load_tbl_csv', 'ON routine_load_tbl_csv_dup'));
  await waitForJob(engine, (j) => j.name === 'routine_load_tbl_ordertest_csv_dup' && j.statistic.loadedRows === 5);
  const rows = world.sandbox.query('SELECT * FROM load_test.routine_load_tbl_csv_dup ORDER BY order_id LIMIT 5').rows;
  const expected = [
    ['2020050802', '2020-05-08', 'Johann Georg Faust', 'Deutschland', 895],
    ['2020050802', '2020-05-08', 'Julien Sorel', 'France', 893],
    ['2020050803', '2020-05-08', 'Dorian Grey', 'UK', 1262],
    ['2020051001', '2020-05-10', 'Tess Durbeyfield', 'US', 986],
    ['2020051101', '2020-05-11', 'Edogawa Conan', 'japan', 8924],
  ];
  const got = rows.map((r) => [String(r.order_id), String(r.pay_dt), r.customer_name, r.nationality, Number(r.price)]);
  // Rows with equal keys come in commit order; compare as a set of the seed's rows.
  assert.deepEqual([...got].sort(), [...expected].sort());
  process.stdout.write(`# seed example: 5 rows visible ${ms} ms after CREATE\n`);
});

test('the seed\'s JSON example: jsonpaths and the from_unixtime column', async () => {
  const topic = await world.topic(5);
  const orders = Array.from({ length: 50 }, (_, i) => ({
    commodity_id: String(1000 + i), customer_name: `name${i}`, country: 'NL', pay_time: 1589191487 + i * 86400, price: i + 0.5,
  }));
  await world.produce(topic, orders.map((o, i) => ({ partition: i % 5, value: JSON.stringify(o) })));
  const engine = await world.open();
  await engine.execute(`CREATE ROUTINE LOAD load_test.example_tbl2_ordertest ON example_tbl
COLUMNS(commodity_id, customer_name, country, pay_time, price, pay_dt=from_unixtime(pay_time, '%Y%m%d'))
PROPERTIES
(
"desired_concurrent_number" = "5",
"format" = "json",
"jsonpaths" = "[\\"$.commodity_id\\",\\"$.customer_name\\",\\"$.country\\",\\"$.pay_time\\",\\"$.price\\"]"
)
FROM KAFKA
(
"kafka_broker_list" = "${world.kafka.bootstrap}",
"kafka_topic" = "${topic}",
"kafka_partitions" = "0,1,2,3,4",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
);`);
  const job = await waitForJob(engine, (j) => j.statistic.loadedRows === 50);
  assert.equal(job.statistic.errorRows, 0);
  const rows = world.sandbox.query("SELECT commodity_id, pay_time, pay_dt, price FROM load_test.example_tbl WHERE commodity_id = '1000'").rows;
  assert.equal(rows.length, 1);
  // 1589191487 is 2020-05-11 18:04:47 in Asia/Shanghai, StarRocks' default zone.
  assert.equal(String(rows[0].pay_dt), '2020-05-11');
  assert.equal(Number(rows[0].price), 0.5);
});

test('WHERE-filtered rows are unselectedRows; error rows pause the job after the batch, with the ErrorLogUrls', async () => {
  const topic = await world.topic(1);
  const engine = await world.open();
  await world.produce(topic, [
    { value: '1,2021-01-01,a,NL,male,10' }, { value: '2,2021-01-01,b,NL,male,2000' }, { value: '3,2021-01-01,c,NL,male,3000' },
  ]);
  await engine.execute(`CREATE ROUTINE LOAD load_test.filtered ON events
COLUMNS TERMINATED BY ",",
COLUMNS (k, d, v, n, g, price),
WHERE price > 100
PROPERTIES ("max_error_number" = "0")
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`);
  let job = await waitForJob(engine, (j) => j.statistic.totalRows === 3);
  assert.equal(job.statistic.unselectedRows, 1);
  assert.equal(job.statistic.loadedRows, 2);
  assert.equal(job.state, 'RUNNING');
  // A row whose key is not a number is an error row: max_error_number 0 pauses after that batch committed.
  await world.produce(topic, [{ value: 'oops,2021-01-01,d,NL,male,4000' }, { value: '5,2021-01-01,e,NL,male,5000' }]);
  job = await waitForJob(engine, (j) => j.name === 'filtered' && j.state === 'PAUSED', 60_000, 'the automatic pause');
  assert.match(job.reasonOfStateChanged, /^ErrorReason\{errCode = 102, msg='Current error rows: 1 is more than max error num: 0\./);
  assert.equal(job.statistic.errorRows, 1);
  assert.equal(job.statistic.loadedRows, 3);
  assert.equal(job.progress['0'], '4', 'the batch with the error row committed');
  assert.equal(job.errorLogUrls.length, 1);
  assert.match(job.errorLogUrls[0], /^http/);
  assert.equal(world.count('load_test.events'), 3);
});

test('PAUSE / ALTER / RESUME / STOP, and a restart from the stored offsets', async () => {
  const topic = await world.topic(2);
  const dir = world.stateDir();
  let engine = await world.open(dir);
  await world.produce(topic, [{ partition: 0, value: '100,x' }, { partition: 1, value: '101,y' }]);
  await engine.execute(`CREATE ROUTINE LOAD load_test.ops ON events COLUMNS TERMINATED BY ","
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`);
  await waitForJob(engine, (j) => j.name === 'ops' && j.statistic.loadedRows === 2);
  await engine.execute('PAUSE ROUTINE LOAD FOR load_test.ops');
  await world.produce(topic, [{ partition: 0, value: '102,z' }]);
  await engine.execute('ALTER ROUTINE LOAD FOR load_test.ops PROPERTIES ("desired_concurrent_number" = "1")');
  let job = engine.jobs().find((j) => j.name === 'ops');
  assert.equal(job?.state, 'PAUSED');
  assert.equal(job?.statistic.loadedRows, 2, 'a paused job loads nothing');
  await engine.execute('RESUME ROUTINE LOAD FOR load_test.ops');
  job = await waitForJob(engine, (j) => j.name === 'ops' && j.statistic.loadedRows === 3);
  assert.equal(job.currentTaskNum, 1);
  // Restart: the new engine starts from the stored offsets.
  await engine.close();
  await world.produce(topic, [{ partition: 1, value: '103,w' }]);
  engine = await world.open(dir);
  job = await waitForJob(engine, (j) => j.name === 'ops' && j.statistic.loadedRows === 4);
  const keys = world.sandbox.query('SELECT k FROM load_test.events WHERE k >= 100 ORDER BY k').rows.map((r) => Number(r.k));
  assert.deepEqual(keys, [100, 101, 102, 103]);
  await engine.execute('STOP ROUTINE LOAD FOR load_test.ops');
  await assert.rejects(engine.execute('RESUME ROUTINE LOAD FOR load_test.ops'), /There is not operable routine load job with name ops/);
  const shown = await engine.execute('SHOW ROUTINE LOAD FROM load_test');
  assert.ok(shown[0].kind === 'resultSet' && !shown[0].resultSet.rows.some((r) => r[1] === 'ops'));
});

test('desired_concurrent_number against the partition count', async () => {
  const three = await world.topic(3);
  const engine = await world.open();
  await engine.execute(`CREATE ROUTINE LOAD load_test.conc_a ON events COLUMNS TERMINATED BY "," PROPERTIES ("desired_concurrent_number" = "5")
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${three}");
CREATE ROUTINE LOAD load_test.conc_b ON events COLUMNS TERMINATED BY "," PROPERTIES ("desired_concurrent_number" = "2")
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${three}");`);
  const a = await waitForJob(engine, (j) => j.name === 'conc_a' && j.state === 'RUNNING');
  const b = await waitForJob(engine, (j) => j.name === 'conc_b' && j.state === 'RUNNING');
  assert.equal(a.currentTaskNum, 3);
  assert.equal(b.currentTaskNum, 2);
  assert.equal(a.dataSourceProperties.currentKafkaPartitions, '0,1,2');
  // No kafka_default_offsets: StarRocks starts at OFFSET_END.
  assert.deepEqual(a.statistic.loadedRows, 0);
  await engine.execute('STOP ROUTINE LOAD FOR load_test.conc_a; STOP ROUTINE LOAD FOR load_test.conc_b;');
});

test('an unknown topic pauses the job with a reason that says what to fix', async () => {
  const engine = await world.open();
  await engine.execute(`CREATE ROUTINE LOAD load_test.notopic ON events COLUMNS TERMINATED BY ","
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "no-such-topic-${Date.now()}");`);
  const job = await waitForJob(engine, (j) => j.name === 'notopic' && j.state === 'PAUSED');
  assert.match(job.reasonOfStateChanged, /errCode = 4, msg='Job failed to fetch all current partition with error \[.*no-such-topic/);
});
