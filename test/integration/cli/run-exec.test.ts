// `routine-load run` and `routine-load exec` end to end: the bundled command line, the real Kafka broker and
// the sandbox. A second terminal's PAUSE / SHOW / ALTER / RESUME / STOP; Ctrl-C stops cleanly; running the
// same file again keeps the job and continues from its offsets; a changed definition is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { EngineClient } from '../../../engine/src/client';
import type { JobSnapshot } from '../../../engine/src/protocol';
import { startSandbox, type Sandbox } from '../../../sandbox/src/server';
import { createTopic, startKafka, uniqueTopic, type KafkaBroker } from '../../helpers/kafka';
import { buildOnce, runCli, startCli } from './cliProcess';

const PASSWORD = 'demo-Pa55word';
const DDL = `CREATE DATABASE load_test;
CREATE TABLE load_test.orders (
  order_id bigint NOT NULL, pay_dt date NOT NULL, customer_name varchar(26) NULL, nationality varchar(26) NULL, price double NULL
) ENGINE = OLAP DUPLICATE KEY (order_id) DISTRIBUTED BY HASH(order_id) BUCKETS 5;`;

const ROWS = [
  '2020050802,2020-05-08,Johann Georg Faust,Deutschland,male,895',
  '2020050802,2020-05-08,Julien Sorel,France,male,893',
  '2020050803,2020-05-08,Dorian Grey,UK,male,1262',
  '2020051001,2020-05-10,Tess Durbeyfield,US,female,986',
  '2020051101,2020-05-11,Edogawa Conan,japan,male,8924',
];

function jobFile(brokers: string, topic: string, where = ''): string {
  return `-- the seed's CSV job, on a test topic
USE load_test;
CREATE TABLE IF NOT EXISTS orders (order_id bigint) DUPLICATE KEY (order_id);
CREATE ROUTINE LOAD load_test.orders_csv ON orders
COLUMNS TERMINATED BY ",",
COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)${where ? `,\nWHERE ${where}` : ''}
PROPERTIES ("desired_concurrent_number" = "5")
FROM KAFKA (
  "kafka_broker_list" = "${brokers}",
  "kafka_topic" = "${topic}",
  "kafka_partitions" = "0,1,2,3,4",
  "property.kafka_default_offsets" = "OFFSET_BEGINNING"
);
`;
}

/** Resolves with the job once `predicate` holds, from the engine's events (and its current state). */
async function waitForJob(stateDir: string, predicate: (job: JobSnapshot) => boolean, timeoutMs = 30_000): Promise<JobSnapshot> {
  const client = await EngineClient.connect(stateDir);
  try {
    return await new Promise<JobSnapshot>((resolveJob, reject) => {
      const timer = setTimeout(() => reject(new Error('job condition not reached in time')), timeoutMs);
      const check = (job: JobSnapshot) => { if (predicate(job)) { clearTimeout(timer); resolveJob(job); } };
      client.onEvent((event) => { if (event.event === 'jobChanged') check(event.job); });
      client.jobs().then((jobs) => jobs.forEach(check), reject);
    });
  } finally {
    client.close();
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('routine-load run and exec', () => {
  let kafka: KafkaBroker;
  let sandbox: Sandbox;
  let dir: string;
  let topic: string;

  before(async () => {
    buildOnce();
    kafka = await startKafka();
    sandbox = await startSandbox({ ddl: DDL, users: { root: PASSWORD } });
    dir = mkdtempSync(join(tmpdir(), 'rl-run-'));
    topic = uniqueTopic('orders');
    await createTopic(kafka.bootstrap, topic, 5);
  });

  after(async () => {
    await sandbox?.stop();
    await kafka?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function produce(rows: string[]): Promise<void> {
    const producer = new Kafka({ clientId: 'rl-run-test', brokers: [kafka.bootstrap], logLevel: logLevel.ERROR }).producer();
    await producer.connect();
    await producer.send({ topic, messages: rows.map((value) => ({ key: value.split(',')[0], value })) });
    await producer.disconnect();
  }

  const count = () => Number(Object.values(sandbox.query('SELECT COUNT(*) FROM load_test.orders').rows[0] ?? {})[0]);

  it('exec without an engine says how to start one', async () => {
    const result = await runCli(['exec', 'SHOW ROUTINE LOAD', '--state-dir', join(dir, 'empty')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No engine is running for state directory .*empty; start one with `routine-load run/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });

  it('runs a file, answers a second terminal, stops on Ctrl-C and continues exactly once on a re-run', async () => {
    const stateDir = join(dir, 'state');
    const file = join(dir, 'orders.sql');
    writeFileSync(file, jobFile(kafka.bootstrap, topic));
    const starrocks = `http://root@${new URL(sandbox.feUrl).host}`;
    const env = { STARROCKS_PASSWORD: PASSWORD };

    await produce(ROWS);
    const run = startCli(['run', file, '--starrocks', starrocks, '--state-dir', stateDir], env);
    try {
      await run.waitFor(/1 job loading: load_test\.orders_csv/);
      assert.match(run.stdout(), /skipped CREATE TABLE/);
      await waitForJob(stateDir, (job) => job.statistic.loadedRows >= 5);
      assert.equal(count(), 5);

      // A second daemon on the same state directory is refused.
      const second = await runCli(['engine', '--state-dir', stateDir]);
      assert.equal(second.code, 3);
      assert.match(second.stderr, /already running for state directory/);

      // A second terminal.
      let r = await runCli(['exec', 'PAUSE ROUTINE LOAD FOR load_test.orders_csv', '--state-dir', stateDir]);
      assert.equal(r.code, 0, r.stderr);
      r = await runCli(['exec', 'SHOW ROUTINE LOAD FOR load_test.orders_csv\\G', '--state-dir', stateDir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\*{27} 1\. row \*{27}/);
      assert.match(r.stdout, /^\s*State: PAUSED$/m);
      assert.match(r.stdout, /"loadedRows":5/);
      r = await runCli(['exec', 'ALTER ROUTINE LOAD FOR load_test.orders_csv PROPERTIES ("desired_concurrent_number" = "2")', '--state-dir', stateDir]);
      assert.equal(r.code, 0, r.stderr);
      r = await runCli(['exec', 'RESUME ROUTINE LOAD FOR load_test.orders_csv', '--state-dir', stateDir]);
      assert.equal(r.code, 0, r.stderr);
      r = await runCli(['exec', 'SHOW ROUTINE LOAD', '--db', 'load_test', '--state-dir', stateDir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\+-+\+/m, 'a table');
      assert.match(r.stdout, /orders_csv/);
      r = await runCli(['exec', 'SHOW ROUTINE LOAD FOR load_test.orders_csv', '--format', 'json', '--state-dir', stateDir]);
      const json = JSON.parse(r.stdout) as { kind: string; resultSet: { columns: string[] } }[];
      assert.equal(json[0].kind, 'resultSet');
      assert.ok(json[0].resultSet.columns.includes('Statistic'));
      r = await runCli(['exec', 'PAUSE ROUTINE LOAD FOR load_test.nope', '--state-dir', stateDir]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^exec: .*nope/m);
      await waitForJob(stateDir, (job) => job.state === 'RUNNING');
    } finally {
      assert.equal(await run.stop('SIGINT'), 0, run.stderr());
    }
    assert.match(run.stdout(), /Stopped\./);

    // Again: the job is kept (ALTERed values stay) and continues from its offsets; rows produced meanwhile arrive once.
    await produce(['2020060101,2020-06-01,Elizabeth Bennet,UK,female,120', '2020060102,2020-06-01,Jay Gatsby,US,male,990']);
    const again = startCli(['run', file, '--starrocks', starrocks, '--state-dir', stateDir], env);
    try {
      await again.waitFor(/already exists with the same definition: kept .*ALTERed since \(jobProperties\.desired_concurrent_number/);
      await waitForJob(stateDir, (job) => job.statistic.loadedRows >= 7);
      assert.equal(count(), 7, 'no row lost, none duplicated');
    } finally {
      assert.equal(await again.stop('SIGTERM'), 0, again.stderr());
    }

    // A changed definition under the same name is refused, saying what differs.
    writeFileSync(join(dir, 'changed.sql'), jobFile(kafka.bootstrap, topic, 'price > 100'));
    const changed = await runCli(['run', join(dir, 'changed.sql'), '--starrocks', starrocks, '--state-dir', stateDir], env);
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /changed\.sql:4: job load_test\.orders_csv already exists with a different definition: load\.where is unset in the job but "price>100" in the file/);
    assert.doesNotMatch(changed.stderr, /\n\s+at /, 'no stack trace');

    // STOP from a second terminal is final; SHOW ALL still lists the job.
    const last = startCli(['run', file, '--starrocks', starrocks, '--state-dir', stateDir], env);
    try {
      await last.waitFor(/1 job loading/);
      const r = await runCli(['exec', 'STOP ROUTINE LOAD FOR load_test.orders_csv', '--state-dir', stateDir]);
      assert.equal(r.code, 0, r.stderr);
      const shown = await runCli(['exec', 'SHOW ALL ROUTINE LOAD FOR load_test.orders_csv\\G', '--state-dir', stateDir]);
      assert.match(shown.stdout, /State: STOPPED/);
    } finally {
      assert.equal(await last.stop('SIGINT'), 0, last.stderr());
    }

    // The password never reached the state directory or the output.
    for (const path of filesUnder(stateDir)) {
      if (path.endsWith('.sock')) continue;
      assert.ok(!readFileSync(path, 'utf8').includes(PASSWORD), `${path} holds the password`);
    }
    assert.ok(!(run.stdout() + run.stderr() + again.stdout() + again.stderr()).includes(PASSWORD));
  });
});
