import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, EngineStatementError, type EngineOptions } from '../../../engine/src/engine';
import { EnvSecretProvider } from '../../../engine/src/secrets';
import { FakeKafka, FakeStarRocks, waitForJob } from './fakes';

const SEED_ROWS = [
  '2020050802,2020-05-08,Johann Georg Faust,Deutschland,male,895',
  '2020050802,2020-05-08,Julien Sorel,France,male,893',
  '2020050803,2020-05-08,Dorian Grey,UK,male,1262',
  '2020051001,2020-05-10,Tess Durbeyfield,US,female,986',
  '2020051101,2020-05-11,Edogawa Conan,japan,male,8924',
];

function csvJob(name = 'job1', extraProps = '', extraKafka = '', topic = 'orders'): string {
  return `CREATE ROUTINE LOAD load_test.${name} ON tbl
COLUMNS TERMINATED BY ",",
COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)
PROPERTIES ("desired_concurrent_number" = "5"${extraProps})
FROM KAFKA ("kafka_broker_list" = "k1:9092", "kafka_topic" = "${topic}",
  "property.kafka_default_offsets" = "OFFSET_BEGINNING"${extraKafka});`;
}

interface Rig {
  dir: string;
  kafka: FakeKafka;
  sr: FakeStarRocks;
  logs: string[];
  open(extra?: Partial<EngineOptions>): Promise<Engine>;
  done(): void;
}

function rig(): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'rl-engine-'));
  const kafka = new FakeKafka();
  const sr = new FakeStarRocks();
  const logs: string[] = [];
  return {
    dir, kafka, sr, logs,
    open: (extra = {}) => Engine.open({
      stateDir: dir,
      starrocks: { feUrl: 'http://fe:8030', user: 'root', password: 'pw' },
      sourceFactory: kafka.factory,
      streamLoadFactory: () => sr,
      settings: { retry_backoff_initial_millisecond: 20, retry_backoff_max_millisecond: 100, routine_load_scheduler_interval_millisecond: 100, label_running_recheck_millisecond: 20 },
      log: (e) => logs.push(`${e.level} ${e.jobName ?? ''} ${e.message}`),
      ...extra,
    }),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('the seed\'s CSV job loads its five rows over five tasks', async () => {
  const r = rig();
  const topic = r.kafka.topic('orders', 10);
  SEED_ROWS.forEach((row, i) => topic.produce(i, row));
  const engine = await r.open();
  try {
    await engine.execute(csvJob());
    const job = await waitForJob(engine, (j) => j.statistic.loadedRows === 5);
    assert.equal(job.currentTaskNum, 5);
    assert.deepEqual(r.sr.loadedRows().sort(), [...SEED_ROWS].sort());
    assert.deepEqual(job.progress, { 0: '0', 1: '0', 2: '0', 3: '0', 4: '0', 5: 'OFFSET_ZERO', 6: 'OFFSET_ZERO', 7: 'OFFSET_ZERO', 8: 'OFFSET_ZERO', 9: 'OFFSET_ZERO' });
    assert.equal(job.state, 'RUNNING');
    assert.equal(r.sr.requests[0].headers.columns, 'order_id,pay_dt,customer_name,nationality,temp_gender,price');
    assert.equal(r.sr.requests[0].db, 'load_test');
    assert.equal(r.sr.requests[0].table, 'tbl');
  } finally {
    await engine.close();
    r.done();
  }
});

test('a Stream Load whose answer was lost is sent again with the same label and counted once', async () => {
  const r = rig();
  r.kafka.topic('orders', 1).produce(0, ...SEED_ROWS);
  r.sr.commitThenThrow = 1;
  const engine = await r.open();
  try {
    await engine.execute(csvJob());
    const job = await waitForJob(engine, (j) => j.statistic.committedTaskNum === 1);
    assert.equal(r.sr.requests.length, 2);
    assert.equal(r.sr.requests[0].label, r.sr.requests[1].label);
    assert.equal(r.sr.loadedRows().length, 5);
    assert.equal(job.progress['0'], '4');
    assert.ok(r.logs.some((l) => /retrying/.test(l)));
  } finally {
    await engine.close();
    r.done();
  }
});

test('after a restart a recorded range is read again exactly and sent with its label: no loss, no duplicate', async () => {
  const r = rig();
  const topic = r.kafka.topic('orders', 1);
  topic.produce(0, ...SEED_ROWS);
  // StarRocks commits, but every answer is lost until the engine stops.
  r.sr.script = Array.from({ length: 1000 }, () => (req) => {
    if (!r.sr.committed.has(req.label)) r.sr.committed.set(req.label, { label: req.label, rows: req.body.toString().split('\n'), headers: req.headers });
    return new Error('connection reset');
  });
  let engine = await r.open();
  await engine.execute(csvJob());
  await new Promise<void>((resolve) => { const check = () => (r.sr.requests.length >= 2 ? resolve() : setTimeout(check, 5)); check(); });
  const label = r.sr.requests[0].label;
  await engine.close(0);
  const state = JSON.parse(readFileSync(join(r.dir, 'state.json'), 'utf8'));
  assert.equal(state.jobs[0].pendingTasks[0].label, label);
  assert.equal(state.jobs[0].progress['0'], '0');
  // More data arrived meanwhile: the replay must still send exactly the recorded range.
  topic.produce(0, '2020060101,2020-06-01,New Row,NL,male,1');
  r.sr.script = [];
  engine = await r.open();
  try {
    const job = await waitForJob(engine, (j) => j.statistic.loadedRows >= 1 && j.progress['0'] === '5');
    const replay = r.sr.requests.find((_q, i) => i >= 2);
    assert.equal(replay?.label, label);
    assert.equal(r.sr.loadedRows().length, 6, 'five rows once and the new row once');
    assert.equal(new Set(r.sr.loadedRows()).size, 6);
    assert.equal(job.state, 'RUNNING');
  } finally {
    await engine.close();
    r.done();
  }
});

test('a batch committed by an attempt whose answer was lost counts what was recorded before sending, even after an ALTER', async () => {
  const r = rig();
  r.kafka.topic('j', 1).produce(0, '{"data":{"a":1}}', '{"data":{"a":2}}', '{"other":3}');
  // StarRocks commits the first attempt, but every answer is lost until the job is paused.
  r.sr.script = Array.from({ length: 1000 }, () => (req) => {
    if (!r.sr.committed.has(req.label)) r.sr.committed.set(req.label, { label: req.label, rows: JSON.parse(req.body.toString()).map(String), headers: req.headers });
    return new Error('connection reset');
  });
  const engine = await r.open();
  try {
    await engine.execute(`CREATE ROUTINE LOAD db.jr ON t PROPERTIES ("format" = "json", "json_root" = "$.data", "max_error_number" = "5")
      FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "j", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`);
    await new Promise<void>((resolve) => { const check = () => (r.sr.requests.length >= 2 ? resolve() : setTimeout(check, 5)); check(); });
    await engine.execute('PAUSE ROUTINE LOAD FOR db.jr');
    const state = JSON.parse(readFileSync(join(r.dir, 'state.json'), 'utf8'));
    // Two rows sent, one message without $.data rejected by the engine, 43 bytes of messages.
    assert.deepEqual(state.jobs[0].pendingTasks[0].sent, { rows: 2, engineErrorRows: 1, receivedBytes: 43 });
    // The replayed range would now build 3 rows; StarRocks answers Label Already Exists / FINISHED without counts.
    await engine.execute('ALTER ROUTINE LOAD FOR db.jr PROPERTIES ("json_root" = "$")');
    r.sr.script = [];
    await engine.execute('RESUME ROUTINE LOAD FOR db.jr');
    const job = await waitForJob(engine, (j) => j.statistic.committedTaskNum === 1);
    assert.equal(r.sr.requests.at(-1)?.label, r.sr.requests[0].label);
    assert.deepEqual(
      { total: job.statistic.totalRows, loaded: job.statistic.loadedRows, error: job.statistic.errorRows, bytes: job.statistic.receivedBytes },
      { total: 3, loaded: 2, error: 1, bytes: 43 },
    );
    assert.equal(r.sr.loadedRows().length, 2, 'loaded once');
    assert.ok(r.logs.some((l) => /committed by an earlier attempt whose answer was lost/.test(l)));
  } finally {
    await engine.close();
    r.done();
  }
});

test('error rows above max_error_number pause the job after the batch committed, with StarRocks\' reason and the error URL', async () => {
  const r = rig();
  r.kafka.topic('orders', 1).produce(0, ...SEED_ROWS);
  r.sr.errorRow = (row) => row.includes('Dorian');
  const engine = await r.open();
  try {
    await engine.execute(csvJob());
    const job = await waitForJob(engine, (j) => j.state === 'PAUSED');
    assert.match(job.reasonOfStateChanged, /^ErrorReason\{errCode = 102, msg='Current error rows: 1 is more than max error num: 0\. Check the 'TrackingSQL' field/);
    assert.equal(job.progress['0'], '4', 'the batch committed');
    assert.equal(job.statistic.loadedRows, 4);
    assert.equal(job.statistic.errorRows, 1);
    assert.equal(job.errorLogUrls.length, 1);
    assert.equal(job.pausedByEngine, true);
    const show = await engine.execute('SHOW ROUTINE LOAD FOR load_test.job1');
    assert.ok(show[0].kind === 'resultSet');
    const row = show[0].resultSet.rows[0];
    const col = (name: string) => row[show[0].kind === 'resultSet' ? show[0].resultSet.columns.indexOf(name) : -1];
    assert.equal(col('TrackingSQL'), `select tracking_log from information_schema.load_tracking_logs where job_id=${job.id}`);
    assert.equal(col('ErrorLogUrls'), job.errorLogUrls[0]);
  } finally {
    await engine.close();
    r.done();
  }
});

test('unselected rows (WHERE) are counted apart and never pause', async () => {
  const r = rig();
  r.kafka.topic('orders', 1).produce(0, ...SEED_ROWS);
  r.sr.unselectedRow = (row) => row.includes('female');
  const engine = await r.open();
  try {
    await engine.execute(csvJob().replace('PROPERTIES', 'WHERE price > 900\nPROPERTIES').replace('COLUMNS TERMINATED BY ",",', 'COLUMNS TERMINATED BY ",",').replace('price)\n', 'price),\n'));
    const job = await waitForJob(engine, (j) => j.statistic.totalRows === 5);
    assert.equal(job.statistic.unselectedRows, 1);
    assert.equal(job.statistic.loadedRows, 4);
    assert.equal(job.state, 'RUNNING');
    assert.equal(r.sr.requests[0].headers.where, 'price > 900');
  } finally {
    await engine.close();
    r.done();
  }
});

test('too many filtered rows aborts the batch and pauses: progress does not move', async () => {
  const r = rig();
  r.kafka.topic('orders', 1).produce(0, ...SEED_ROWS);
  r.sr.script = [() => ({ Status: 'Fail', Message: 'too many filtered rows', NumberTotalRows: 5, NumberFilteredRows: 3 })];
  const engine = await r.open();
  try {
    await engine.execute(csvJob('job1', ', "max_filter_ratio" = "0.1"'));
    const job = await waitForJob(engine, (j) => j.state === 'PAUSED');
    assert.match(job.reasonOfStateChanged, /errCode = 102, msg='too many filtered rows\. .*'max_filter_ratio'/);
    assert.equal(job.progress['0'], 'OFFSET_ZERO');
    assert.equal(r.sr.requests[0].headers.max_filter_ratio, '0.1');
  } finally {
    await engine.close();
    r.done();
  }
});

test('a failed load aborts the task: counted, explained in OtherMsg, progress kept', async () => {
  const r = rig();
  r.kafka.topic('orders', 1).produce(0, ...SEED_ROWS);
  r.sr.script = [() => ({ Status: 'Fail', Message: 'tablet writer write failed' })];
  const engine = await r.open();
  try {
    await engine.execute(csvJob());
    const job = await waitForJob(engine, (j) => j.statistic.abortedTaskNum === 1);
    assert.match(job.otherMsg, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: .*previous task aborted because of tablet writer write failed/);
    assert.equal(job.progress['0'], 'OFFSET_ZERO');
    assert.equal(job.state, 'RUNNING');
  } finally {
    await engine.close();
    r.done();
  }
});

test('offsets deleted by retention pause the job with a reason that says to ALTER kafka_offsets', async () => {
  const r = rig();
  const topic = r.kafka.topic('orders', 1);
  topic.produce(0, ...SEED_ROWS);
  const engine = await r.open();
  try {
    await engine.execute(csvJob('job1', '', ', "kafka_partitions" = "0", "kafka_offsets" = "1"').replace('"property.kafka_default_offsets" = "OFFSET_BEGINNING",', ''));
    await waitForJob(engine, (j) => j.statistic.loadedRows === 4);
    await engine.execute('PAUSE ROUTINE LOAD FOR load_test.job1');
    topic.produce(0, 'x,2020-01-01,a,b,c,1');
    topic.partitions[0].low = 6;
    // Progress is 5; retention moved the start to 6.
    topic.partitions[0].low = 6;
    await engine.execute('ALTER ROUTINE LOAD FOR load_test.job1 FROM KAFKA ("kafka_partitions" = "0", "kafka_offsets" = "3")');
    await engine.execute('RESUME ROUTINE LOAD FOR load_test.job1');
    const job = await waitForJob(engine, (j) => j.state === 'PAUSED' && j.pausedByEngine);
    assert.match(job.reasonOfStateChanged, /errCode = 104, .*Offset out of range.*partition: 0 at offset: 3.*modify kafka_offsets by alter routine load/);
  } finally {
    await engine.close();
    r.done();
  }
});

test('Kafka unreachable or an unknown topic while NEED_SCHEDULE pauses with what to fix', async () => {
  const r = rig();
  r.kafka.unreachable = true;
  const engine = await r.open();
  try {
    await engine.execute(csvJob('j_unreachable'));
    let job = await waitForJob(engine, (j) => j.state === 'PAUSED');
    assert.match(job.reasonOfStateChanged, /errCode = 4, msg='Job failed to fetch all current partition with error \[Kafka at k1:9092 is unreachable: check kafka_broker_list\]'/);
    r.kafka.unreachable = false;
    await engine.execute(csvJob('j_topic', '', '', 'nope'));
    job = await waitForJob(engine, (j) => j.name === 'j_topic' && j.state === 'PAUSED');
    assert.match(job.reasonOfStateChanged, /topic nope does not exist/);
  } finally {
    await engine.close();
    r.done();
  }
});

test('a secret missing after a restart pauses the job naming the env var; with it, RESUME works', async () => {
  const r = rig();
  r.kafka.topic('orders', 1).produce(0, ...SEED_ROWS);
  let engine = await r.open();
  await engine.execute(csvJob('job1', '', ', "property.sasl.password" = "hunter2"'));
  await waitForJob(engine, (j) => j.statistic.loadedRows === 5);
  assert.equal(r.kafka.configs[0].clientProperties['sasl.password'], 'hunter2');
  await engine.close();
  assert.ok(!readFileSync(join(r.dir, 'state.json'), 'utf8').includes('hunter2'));
  engine = await r.open();
  try {
    const job = await waitForJob(engine, (j) => j.state === 'PAUSED');
    assert.match(job.reasonOfStateChanged, /errCode = 110, .*'property\.sasl\.password'.*ROUTINE_LOAD_SECRET_LOAD_TEST_JOB1_SASL_PASSWORD/);
    await engine.close();
    engine = await r.open({ secrets: new EnvSecretProvider({ ROUTINE_LOAD_SECRET_LOAD_TEST_JOB1_SASL_PASSWORD: 'hunter2' }) });
    await engine.execute('RESUME ROUTINE LOAD FOR load_test.job1');
    await waitForJob(engine, (j) => j.state === 'RUNNING');
    assert.equal(r.kafka.configs.at(-1)?.clientProperties['sasl.password'], 'hunter2');
    const show = await engine.execute('SHOW ROUTINE LOAD FOR load_test.job1');
    assert.ok(show[0].kind === 'resultSet' && !JSON.stringify(show[0].resultSet).includes('hunter2'));
    assert.ok(!r.logs.join('\n').includes('hunter2'));
  } finally {
    await engine.close();
    r.done();
  }
});

test('JSON: messages go as one array with strip_outer_array; invalid messages are error rows; json_root is applied per message', async () => {
  const r = rig();
  r.kafka.topic('j', 1).produce(0, '{"data":{"a":1}}', 'not json', '{"data":{"a":12345678901234567890}}');
  r.kafka.topic('k', 1).produce(0, '[{"a":1},{"a":2}]', '[]', '[{"a":3}]');
  const engine = await r.open();
  try {
    await engine.execute(`CREATE ROUTINE LOAD db.jr ON t PROPERTIES ("format" = "json", "json_root" = "$.data", "max_error_number" = "5")
      FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "j", "property.kafka_default_offsets" = "OFFSET_BEGINNING");
      CREATE ROUTINE LOAD db.js ON t PROPERTIES ("format" = "json", "strip_outer_array" = "true")
      FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "k", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`);
    const jr = await waitForJob(engine, (j) => j.name === 'jr' && j.statistic.committedTaskNum === 1);
    assert.equal(jr.statistic.errorRows, 1);
    assert.equal(jr.statistic.loadedRows, 2);
    const js = await waitForJob(engine, (j) => j.name === 'js' && j.statistic.committedTaskNum === 1);
    assert.equal(js.statistic.loadedRows, 3);
    const bodies = r.sr.requests.map((q) => q.body.toString());
    assert.ok(bodies.includes('[{"a":1},{"a":12345678901234567000}]') || bodies.some((b) => b.startsWith('[{"a":1},')));
    assert.ok(bodies.includes('[{"a":1},{"a":2},{"a":3}]'));
    assert.ok(r.sr.requests.every((q) => q.headers.strip_outer_array === 'true' && q.headers.json_root === undefined));
  } finally {
    await engine.close();
    r.done();
  }
});

test('desired_concurrent_number against the partition count and the engine cap; a new partition divides again', async () => {
  const r = rig();
  const topic = r.kafka.topic('orders', 2);
  const engine = await r.open({ settings: { max_routine_load_task_concurrent_num: 3, routine_load_scheduler_interval_millisecond: 50, retry_backoff_initial_millisecond: 20 } });
  try {
    await engine.execute(csvJob('two'));
    let job = await waitForJob(engine, (j) => j.state === 'RUNNING');
    assert.equal(job.currentTaskNum, 2);
    topic.addPartitions(3);
    job = await waitForJob(engine, (j) => j.state === 'RUNNING' && j.currentTaskNum === 3, 15_000, 'a division over 5 partitions capped at 3');
    assert.equal(job.dataSourceProperties.currentKafkaPartitions, '0,1,2,3,4');
    assert.ok(r.logs.some((l) => /partitions changed/.test(l)));
  } finally {
    await engine.close();
    r.done();
  }
});

test('statements: StarRocks\' rules and messages', async () => {
  const r = rig();
  r.kafka.topic('orders', 1);
  const engine = await r.open();
  const refused = async (sql: string, message: string | RegExp, db?: string) => {
    await assert.rejects(engine.execute(sql, db ? { db } : {}), (err: Error) => {
      assert.ok(err instanceof EngineStatementError, `${err.name}: ${err.message}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    });
  };
  try {
    await engine.execute(csvJob());
    await refused(csvJob(), 'Name job1 already used in db load_test');
    await refused('PAUSE ROUTINE LOAD FOR nosuch', 'There is not operable routine load job with name nosuch', 'load_test');
    await refused('PAUSE ROUTINE LOAD FOR nosuch', 'No database selected');
    await refused('ALTER ROUTINE LOAD FOR load_test.job1 PROPERTIES ("max_error_number" = "5")', 'Only supports modification of PAUSED jobs');
    await engine.execute('USE load_test');
    await engine.execute('PAUSE ROUTINE LOAD FOR job1');
    await refused('PAUSE ROUTINE LOAD FOR job1', 'Could not transform PAUSED to PAUSED');
    let snap = engine.jobs()[0];
    assert.equal(snap.reasonOfStateChanged, "ErrorReason{errCode = 100, msg='User root pauses routine load job'}");
    assert.equal(snap.pausedByEngine, false);
    await refused('ALTER ROUTINE LOAD FOR job1 PROPERTIES ("format" = "json")', /format/);
    await refused('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_topic" = "x")', /kafka_topic/);
    await refused('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_partitions" = "0")', /Partition and offset must be specified at the same time|kafka_offsets/);
    await engine.execute('ALTER ROUTINE LOAD FOR job1 PROPERTIES ("max_error_number" = "5", "desired_concurrent_number" = "1")');
    assert.equal(engine.jobs()[0].jobProperties.maxErrorNum, '5');
    await refused('CREATE ROUTINE LOAD load_test.bad ON t PROPERTIES ("max_batch_interval" = "1") FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "t")', /max_batch_interval/);
    await engine.execute('RESUME ROUTINE LOAD FOR job1');
    await waitForJob(engine, (j) => j.state === 'RUNNING');
    await engine.execute('STOP ROUTINE LOAD FOR job1');
    snap = engine.jobs()[0];
    assert.equal(snap.state, 'STOPPED');
    assert.equal(snap.reasonOfStateChanged, '');
    assert.notEqual(snap.endTime, null);
    await refused('RESUME ROUTINE LOAD FOR job1', 'There is not operable routine load job with name job1');
    await refused(
      'SHOW ROUTINE LOAD FOR job1',
      'There is no running job named job1 in db load_test. Include history? false, you can try `show all routine load job for job_name` if you want to list stopped and cancelled jobs',
    );
    const all = await engine.execute('SHOW ALL ROUTINE LOAD');
    assert.ok(all[0].kind === 'resultSet' && all[0].resultSet.rows.length === 1 && all[0].resultSet.rows[0][7] === 'STOPPED');
    const none = await engine.execute('SHOW ROUTINE LOAD');
    assert.ok(none[0].kind === 'resultSet' && none[0].resultSet.rows.length === 0);
    // The name is free again once the job is final.
    await engine.execute(csvJob());
    const filtered = await engine.execute("SHOW ALL ROUTINE LOAD WHERE State = 'STOPPED'");
    assert.ok(filtered[0].kind === 'resultSet' && filtered[0].resultSet.rows.length === 1);
    await refused('SHOW ROUTINE LOAD TASK', /please designate a jobName in where expr/);
    const tasks = await engine.execute('SHOW ROUTINE LOAD TASK WHERE JobName = "job1"');
    assert.ok(tasks[0].kind === 'resultSet' && tasks[0].resultSet.columns[0] === 'TaskId');
    const create = await engine.execute('SHOW CREATE ROUTINE LOAD job1');
    assert.ok(create[0].kind === 'resultSet' && String(create[0].resultSet.rows[0][1]).startsWith('CREATE ROUTINE LOAD load_test.job1 ON tbl'));
    const ddl = await engine.execute('CREATE TABLE t1 (a int) DUPLICATE KEY(a) DISTRIBUTED BY HASH(a) BUCKETS 1; SELECT 1;');
    assert.equal(ddl.length, 2);
    assert.ok(ddl.every((d) => d.kind === 'ok' && d.message.startsWith('Not run')));
    await assert.rejects(engine.execute('USE load_test; PAUSE ROUTINE LOAD FOR nosuch;'), (err: EngineStatementError) => err.statementIndex === 1);
  } finally {
    await engine.close();
    r.done();
  }
});

test('a job still connecting when close() runs changes nothing after close() returned (no late pause, no late state write)', async () => {
  const r = rig();
  r.kafka.topic('orders', 1);
  let release: (() => void) | undefined;
  let asked = false;
  const engine = await r.open({
    sourceFactory: (config) => {
      const source = r.kafka.factory(config);
      // Kafka never answers while the engine closes; afterwards the attempt fails as a connect timeout would.
      source.partitions = () => new Promise((_, reject) => {
        asked = true;
        release = () => reject(new Error('Connection timeout'));
      });
      return source;
    },
  });
  try {
    await engine.execute(csvJob());
    for (let i = 0; i < 100 && !asked; i++) await new Promise((res) => setTimeout(res, 10));
    assert.ok(asked, 'the job is connecting');
    await engine.close(50);
    const closedAt = readFileSync(join(r.dir, 'state.json'), 'utf8');
    release?.();
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(readFileSync(join(r.dir, 'state.json'), 'utf8'), closedAt, 'the state file was not rewritten after close()');
    assert.equal(engine.jobs()[0].state, 'NEED_SCHEDULE', 'the job was not paused by the closed engine');
  } finally {
    r.done();
  }
});
