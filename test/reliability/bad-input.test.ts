// Bad data, bad configuration and secrets, against the real Kafka broker (PLAINTEXT, SSL, SASL) and the sandbox
// with a StarRocks password:
// - bad rows (CSV and JSON) are error rows with reasons reachable from ErrorLogUrls; more than max_error_number
//   pauses the job and says why; no good row is lost;
// - a wrong broker, an unknown topic, a wrong SASL password, the wrong CA, a wrong StarRocks password and an unknown
//   table each pause the job (or refuse the statement) within seconds with a message saying what to fix, with no
//   crash loop and no log flood;
// - no password is written to the logs, the state files or SHOW output, and state directories are owner-only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Engine, EngineStatementError } from '../../engine/src/engine';
import type { JobSnapshot } from '../../engine/src/protocol';
import { uniqueTopic } from '../helpers/kafka';
import { ownerOnlyProblems, scanFiles, scanText } from './lib/secrets';
import { eventsTable, relDdl } from './lib/tables';
import { until } from './lib/wait';
import { countFault, faultSummary, startWorld, waitForJob, waitForRows, type World } from './lib/world';

const SR_PASSWORD = `sr-${randomBytes(9).toString('hex')}`;
const WRONG_SR_PASSWORD = `wrong-sr-${randomBytes(6).toString('hex')}`;
const WRONG_SASL_PASSWORD = `wrong-sasl-${randomBytes(6).toString('hex')}`;
const DDL = relDdl(`CREATE TABLE rel.typed (
\`k\` bigint NOT NULL,
\`d\` date NULL,
\`n\` int NULL,
\`s\` varchar(8) NULL
)
ENGINE = OLAP
DUPLICATE KEY (k)
DISTRIBUTED BY HASH(\`k\`) BUCKETS 3;`, eventsTable());

let world: World;
let engine: Engine;
let stateDir: string;
/** Everything SHOW printed during the tests, scanned for secrets at the end. */
const shown: string[] = [];
const timings: string[] = [];

before(async () => {
  world = await startWorld({ ddl: DDL, users: { root: SR_PASSWORD } });
  stateDir = world.stateDir('bad-input');
  engine = await world.open(stateDir);
});

after(async () => {
  process.stdout.write(`${faultSummary('bad input')}\n`);
  if (timings.length) process.stdout.write(`# bad configuration, time to pause: ${timings.join(', ')}\n`);
  await world?.close();
});

async function show(e: Engine, sql = 'SHOW ALL ROUTINE LOAD FROM rel'): Promise<string> {
  const text = JSON.stringify(await e.execute(sql));
  shown.push(text);
  return text;
}

async function errorLogs(job: JobSnapshot): Promise<string> {
  assert.ok(job.errorLogUrls.length > 0, `job ${job.name} has ErrorLogUrls`);
  const texts = await Promise.all(job.errorLogUrls.map(async (url) => {
    const res = await fetch(url);
    assert.equal(res.status, 200, `ErrorLogUrl ${url} answers`);
    return res.text();
  }));
  return texts.join('\n');
}

/** A topic with a larger message size limit, for the 10 MB message. */
async function bigTopic(): Promise<string> {
  const name = uniqueTopic('rel-big');
  const admin = new Kafka({ clientId: 'rel-admin', brokers: [world.kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: String(16 * 1024 * 1024) }] }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return name;
}

test('bad CSV rows are error rows with reasons in ErrorLogUrls; over max_error_number the job pauses and says why; no good row lost', { timeout: 120_000 }, async () => {
  const topic = await bigTopic();
  const good = (k: number) => `${k},2024-01-0${1 + (k % 9)},${k % 1000},ok${k % 10}`;
  const bad: { kind: string; value: Buffer | null; reason: RegExp }[] = [
    { kind: 'too few columns', value: Buffer.from('900001,2024-01-01'), reason: /column/i },
    { kind: 'too many columns', value: Buffer.from('900002,2024-01-01,1,abc,extra'), reason: /column/i },
    { kind: 'bad number', value: Buffer.from('900003,2024-01-01,twelve,abc'), reason: /twelve|int|number|convert/i },
    { kind: 'bad date', value: Buffer.from('900004,2024-13-45,1,abc'), reason: /2024-13-45|date/i },
    { kind: 'over-long string', value: Buffer.from('900005,2024-01-01,1,abcdefghijkl'), reason: /abcdefghijkl|long|length/i },
    { kind: 'invalid UTF-8', value: Buffer.concat([Buffer.from('900006,2024-01-01,1,'), Buffer.from([0xc3, 0x28, 0xff, 0xfe])]), reason: /utf|invalid|900006/i },
    { kind: 'empty message', value: Buffer.alloc(0), reason: /column|empty/i },
    { kind: '10 MB message', value: Buffer.from(`900008,2024-01-01,1,${'x'.repeat(10 * 1024 * 1024)}`), reason: /long|length|900008/i },
  ];
  const values: (Buffer | null)[] = [];
  for (let i = 0; i < 50; i++) values.push(Buffer.from(good(100 + i)));
  bad.forEach((b, i) => values.splice(5 + i * 6, 0, b.value));
  for (const b of bad) countFault(`bad data: ${b.kind}`);
  // The 10 MB message alone: kafkajs batches would exceed the request size with the others.
  await world.produce(topic, values.filter((v) => !v || v.length < 1_000_000), 1);
  await world.produce(topic, values.filter((v) => v && v.length >= 1_000_000), 1);
  await engine.execute(`CREATE ROUTINE LOAD rel.badcsv ON typed
COLUMNS TERMINATED BY ",", COLUMNS (k, d, n, s)
PROPERTIES ("max_error_number" = "${bad.length + 2}", "strict_mode" = "true", "max_batch_interval" = "5")
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`);
  // Consumed to the end of the topic (the last message is the 10 MB one).
  let job = await waitForJob(engine, (j) => j.name === 'badcsv' && j.progress['0'] === String(values.length - 1), 60_000, 'every CSV message consumed');
  await waitForRows(world, 'rel.typed', 100, 50, 30_000);
  assert.equal(job.state, 'RUNNING', `below max_error_number the job runs on: ${job.reasonOfStateChanged}`);
  assert.equal(job.statistic.loadedRows, 50, 'every good row loaded');
  // A zero-length message is no row at all for StarRocks' Kafka consumer (it skips it); an error row is accepted too.
  const emptySkipped = job.statistic.totalRows === values.length - 1;
  if (emptySkipped) bad.splice(bad.findIndex((b) => b.kind === 'empty message'), 1);
  process.stdout.write(`# bad CSV: ${values.length} messages, ${job.statistic.loadedRows} loaded, ${job.statistic.errorRows} error rows${emptySkipped ? ', the empty message skipped' : ''}\n`);
  assert.equal(job.statistic.errorRows, bad.length, `each bad message is one error row: ${JSON.stringify(job.statistic)}`);
  const keys = await world.keys('rel.typed', 'k >= 100 AND k < 1000000');
  assert.deepEqual([...keys].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => 100 + i), 'exactly the good rows, once each');
  const log = await errorLogs(job);
  const unexplained = bad.filter((b) => !b.reason.test(log)).map((b) => b.kind);
  assert.deepEqual(unexplained, [], `every kind of bad row has its reason in the error logs:\n${log.slice(0, 1500)}`);

  // Past max_error_number: the batch still commits its good rows, then the job pauses with StarRocks' reason.
  const more: Buffer[] = [];
  for (let i = 0; i < 20; i++) more.push(Buffer.from(i % 2 ? good(200 + i) : `${300 + i},not-a-date,1,x`));
  await world.produce(topic, more, 1);
  job = await waitForJob(engine, (j) => j.name === 'badcsv' && j.state === 'PAUSED', 60_000, 'the pause over max_error_number');
  assert.match(job.reasonOfStateChanged, /Current error rows: \d+ is more than max error num: 10/);
  assert.match(job.reasonOfStateChanged, /ALTER ROUTINE LOAD/);
  assert.ok(job.errorLogUrls.length > 0, 'the paused job shows its ErrorLogUrls');
  await waitForRows(world, 'rel.typed', 100, 60, 30_000);
  const after = await world.keys('rel.typed', 'k >= 100 AND k < 1000000');
  assert.equal(after.length, 60, 'the good rows of the batch that crossed the limit are loaded once');
  await show(engine);
});

test('bad JSON messages are error rows with reasons; missing jsonpaths fields and wrong types are filtered; no good row lost', { timeout: 120_000 }, async () => {
  const topic = await world.topic(1);
  const good = (k: number) => JSON.stringify({ k, d: '2024-02-03', n: k % 100, s: `j${k % 10}` });
  const bad: { kind: string; value: Buffer | null; reason: RegExp }[] = [
    { kind: 'JSON that does not parse', value: Buffer.from('{"k": 910001, "n": '), reason: /parse|json|invalid/i },
    { kind: 'JSON wrong type', value: Buffer.from(JSON.stringify({ k: 910002, d: '2024-02-03', n: 'many', s: 'x' })), reason: /many|int|convert|type/i },
    { kind: 'JSON wrong type (object for a number)', value: Buffer.from(JSON.stringify({ k: 910003, d: '2024-02-03', n: { a: 1 }, s: 'x' })), reason: /int|convert|type|910003/i },
    { kind: 'JSON missing jsonpaths field', value: Buffer.from(JSON.stringify({ d: '2024-02-03', n: 1, s: 'x' })), reason: /null|NOT NULL|k\b|missing/i },
    { kind: 'JSON empty message', value: Buffer.alloc(0), reason: /parse|json|empty|invalid/i },
  ];
  const values: Buffer[] = [];
  for (let i = 0; i < 40; i++) values.push(Buffer.from(good(1000 + i)));
  bad.forEach((b, i) => values.splice(3 + i * 7, 0, b.value as Buffer));
  for (const b of bad) countFault(`bad data: ${b.kind}`);
  await world.produce(topic, values, 1);
  await engine.execute(`CREATE ROUTINE LOAD rel.badjson ON typed
COLUMNS (k, d, n, s)
PROPERTIES ("format" = "json", "jsonpaths" = "[\\"$.k\\",\\"$.d\\",\\"$.n\\",\\"$.s\\"]", "strict_mode" = "true", "max_error_number" = "10", "max_batch_interval" = "5")
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`);
  const job = await waitForJob(engine, (j) => j.name === 'badjson' && j.progress['0'] === String(values.length - 1) && j.statistic.totalRows >= values.length - 1, 60_000, 'every JSON message consumed');
  await waitForRows(world, 'rel.typed', 1000, 40, 30_000);
  const keys = await world.keys('rel.typed', 'k >= 1000 AND k < 2000');
  assert.equal(keys.length, 40, 'every good JSON row loaded once');
  assert.equal(job.statistic.loadedRows, 40);
  process.stdout.write(`# bad JSON: ${values.length} messages, ${job.statistic.loadedRows} loaded, ${job.statistic.errorRows} error rows\n`);
  assert.equal(job.statistic.errorRows, bad.length, `each bad JSON message is one error row: ${JSON.stringify(job.statistic)}`);
  assert.equal(job.state, 'RUNNING');
  const log = await errorLogs(job);
  const unexplained = bad.filter((b) => !b.reason.test(log)).map((b) => b.kind);
  assert.deepEqual(unexplained, [], `every kind of bad JSON has its reason in the error logs (ErrorLogUrls):\n${log.slice(0, 1500)}`);
});

// ------------------------------------------------------------------------------------------ bad configuration

interface BadConfig {
  name: string;
  /** What the message must mention so a user knows what to fix. */
  fix: RegExp;
  sql: (topic: string) => string;
}

function job(name: string, topic: string, from: string, table = 'events'): string {
  return `CREATE ROUTINE LOAD rel.${name} ON ${table}
COLUMNS TERMINATED BY ",", COLUMNS (k, v)
PROPERTIES ("max_batch_interval" = "5")
FROM KAFKA ("kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING", ${from});`;
}

test('bad configuration pauses the job (or refuses the statement) within seconds, says what to fix, no crash loop, no log flood', { timeout: 180_000 }, async () => {
  const topic = await world.topic(1);
  await world.produce(topic, ['1,a', '2,b'], 1);
  const k = world.kafka;
  const cases: BadConfig[] = [
    { name: 'wrong_broker', fix: /127\.0\.0\.1:1\b|broker|connect|reach/i, sql: (t) => job('wrong_broker', t, '"kafka_broker_list" = "127.0.0.1:1"') },
    { name: 'unknown_topic', fix: /no_such_topic|topic/i, sql: () => job('unknown_topic', `no_such_topic_${randomBytes(3).toString('hex')}`, `"kafka_broker_list" = "${k.bootstrap}", "property.allow.auto.create.topics" = "false"`) },
    {
      name: 'wrong_sasl', fix: /SASL|authentica|password|credentials/i,
      sql: (t) => job('wrong_sasl', t, `"kafka_broker_list" = "${k.sasl.bootstrap}", "property.security.protocol" = "SASL_PLAINTEXT", "property.sasl.mechanism" = "PLAIN", "property.sasl.username" = "${k.sasl.plain.username}", "property.sasl.password" = "${WRONG_SASL_PASSWORD}"`),
    },
    {
      // The client certificate is no CA of the broker's certificate: the TLS handshake cannot verify the broker.
      name: 'wrong_ca', fix: /certificate|SSL|TLS|ssl\.ca\.location|verify/i,
      sql: (t) => job('wrong_ca', t, `"kafka_broker_list" = "${k.ssl.bootstrap}", "property.security.protocol" = "SSL", "property.ssl.ca.location" = "${k.ssl.cert}"`),
    },
    { name: 'unknown_table', fix: /no_such_table|table/i, sql: (t) => job('unknown_table', t, `"kafka_broker_list" = "${k.bootstrap}"`, 'no_such_table') },
  ];
  const results: { name: string; how: string; message: string; ms: number }[] = [];
  await Promise.all(cases.map(async (c) => {
    countFault(`bad config: ${c.name}`);
    const t0 = Date.now();
    try {
      await engine.execute(c.sql(topic));
    } catch (err) {
      assert.ok(err instanceof EngineStatementError, `${c.name}: a statement error, not ${(err as Error).name}: ${(err as Error).message}`);
      results.push({ name: c.name, how: 'refused', message: (err as Error).message, ms: Date.now() - t0 });
      return;
    }
    const paused = await waitForJob(engine, (j) => j.name === c.name && j.state === 'PAUSED', 30_000, `${c.name} to pause`);
    results.push({ name: c.name, how: 'paused', message: `${paused.reasonOfStateChanged} ${paused.otherMsg}`, ms: Date.now() - t0 });
  }));

  // The StarRocks password: another engine with a wrong one, on a good topic.
  countFault('bad config: wrong_starrocks_password');
  const wrong = await world.open(world.stateDir('wrong-password'), { starrocks: { feUrl: world.sandbox.feUrl, user: 'root', password: WRONG_SR_PASSWORD } });
  const t0 = Date.now();
  await wrong.execute(job('wrong_sr_password', topic, `"kafka_broker_list" = "${k.bootstrap}"`));
  const paused = await waitForJob(wrong, (j) => j.name === 'wrong_sr_password' && j.state === 'PAUSED', 30_000, 'the wrong StarRocks password to pause');
  results.push({ name: 'wrong_starrocks_password', how: 'paused', message: `${paused.reasonOfStateChanged} ${paused.otherMsg}`, ms: Date.now() - t0 });
  const fixes: Record<string, RegExp> = { ...Object.fromEntries(cases.map((c) => [c.name, c.fix])), wrong_starrocks_password: /password|Access denied|authoriz/i };
  for (const r of results) {
    timings.push(`${r.name} ${r.how} in ${r.ms} ms`);
    assert.match(r.message, fixes[r.name], `${r.name} says what to fix: ${r.message}`);
    assert.ok(r.ms < 30_000, `${r.name} within seconds (${r.ms} ms)`);
  }

  // A quiet window: no job flips back to running by itself (crash loop), and the log stays calm.
  const linesBefore = readFileSync(world.logFile, 'utf8').split('\n').length;
  const flips: string[] = [];
  const onChange = (j: JobSnapshot) => { if (j.state !== 'PAUSED' && results.some((r) => r.name === j.name && r.how === 'paused')) flips.push(`${j.name}→${j.state}`); };
  engine.on('jobChanged', onChange);
  wrong.on('jobChanged', onChange);
  await new Promise((resolve) => setTimeout(resolve, 6000));
  engine.off('jobChanged', onChange);
  wrong.off('jobChanged', onChange);
  const lines = readFileSync(world.logFile, 'utf8').split('\n').length - linesBefore;
  process.stdout.write(`# bad configuration: ${results.map((r) => `${r.name} ${r.how}`).join(', ')}; ${lines} log lines in the 6 s after\n`);
  assert.deepEqual(flips, [], 'no paused job restarts by itself');
  assert.ok(lines <= 10, `no log flood: ${lines} lines in 6 s`);
  await show(wrong);
  await show(engine);
  await wrong.close();
});

// ------------------------------------------------------------------------------------------ secrets

test('SSL (encrypted key) and SASL (PLAIN, SCRAM) jobs load; after a restart their secrets are not on disk', { timeout: 120_000 }, async () => {
  const k = world.kafka;
  const specs = [
    { name: 'ssl_job', from: `"kafka_broker_list" = "${k.ssl.bootstrap}", "property.security.protocol" = "SSL", "property.ssl.ca.location" = "${k.ssl.ca}", "property.ssl.certificate.location" = "${k.ssl.cert}", "property.ssl.key.location" = "${k.ssl.encryptedKey}", "property.ssl.key.password" = "${k.ssl.keyPassword}"` },
    { name: 'sasl_plain_job', from: `"kafka_broker_list" = "${k.sasl.bootstrap}", "property.security.protocol" = "SASL_PLAINTEXT", "property.sasl.mechanism" = "PLAIN", "property.sasl.username" = "${k.sasl.plain.username}", "property.sasl.password" = "${k.sasl.plain.password}"` },
    { name: 'sasl_scram_job', from: `"kafka_broker_list" = "${k.sasl.bootstrap}", "property.security.protocol" = "SASL_PLAINTEXT", "property.sasl.mechanism" = "SCRAM-SHA-256", "property.sasl.username" = "${k.sasl.scram.username}", "property.sasl.password" = "${k.sasl.scram.password}"` },
  ];
  let base = 20_000;
  for (const s of specs) {
    const topic = await world.topic(1);
    await world.produce(topic, Array.from({ length: 20 }, (_, i) => `${base + i},${s.name}`), 1);
    await engine.execute(job(s.name, topic, s.from));
    await waitForRows(world, 'rel.events', base, 20, 60_000, () => JSON.stringify(engine.jobs().find((j) => j.name === s.name)?.reasonOfStateChanged));
    base += 1000;
  }
  const text = await show(engine, 'SHOW ROUTINE LOAD FOR rel.sasl_plain_job');
  assert.match(text, /\*{6}/, 'SHOW masks the password');
  // Reopen the state directory without any secret provider: the secrets were never stored, so the jobs say what to do.
  // (The JSON job is stopped first, so nothing is being scheduled when the test ends: see the next test for why.)
  await engine.execute('STOP ROUTINE LOAD FOR rel.badjson');
  await engine.close();
  engine = await world.open(stateDir);
  for (const s of specs) {
    const j = await waitForJob(engine, (x) => x.name === s.name && x.state === 'PAUSED', 30_000, `${s.name} to pause for its missing secret`);
    assert.match(j.reasonOfStateChanged, /not stored on disk|ROUTINE_LOAD_SECRET_/, `${s.name}: ${j.reasonOfStateChanged}`);
  }
  await show(engine);
});

test('a closed engine writes nothing more to its state directory (a job still being scheduled when close() is called)', { timeout: 90_000 }, async () => {
  // A "broker" that accepts connections and never answers: the job stays in NEED_SCHEDULE, connecting, when close() runs.
  const sockets = new Set<Socket>();
  const blackhole = createServer((s) => { sockets.add(s); s.on('error', () => undefined); });
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  const port = (blackhole.address() as AddressInfo).port;
  const dir = world.stateDir('closed');
  const e = await world.open(dir);
  try {
    await e.execute(job('blackholed', 'any_topic', `"kafka_broker_list" = "127.0.0.1:${port}"`));
    await until(() => sockets.size > 0, 20_000, 'the engine to connect to the silent broker');
    await e.close(500);
    const closedAt = readFileSync(join(dir, 'state.json'), 'utf8');
    // The connection attempt now times out inside the closed engine; wait for it to give up (it closes the socket).
    await until(() => [...sockets].every((s) => s.closed || s.destroyed || s.readableEnded), 45_000, 'the closed engine to give up connecting').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = readFileSync(join(dir, 'state.json'), 'utf8');
    const state = (t: string) => (JSON.parse(t) as { jobs: { state: string }[] }).jobs.map((j) => j.state).join(',');
    assert.equal(state(now), state(closedAt), 'the state file changed after close() returned (a late write: a closed engine paused its job)');
    assert.equal(now, closedAt, 'the state file was rewritten after close() returned');
  } finally {
    for (const s of sockets) s.destroy();
    blackhole.close();
  }
});

test('no password in the logs, state files, settings or SHOW output; state directories are owner-only', async () => {
  const k = world.kafka;
  const secrets = [SR_PASSWORD, WRONG_SR_PASSWORD, WRONG_SASL_PASSWORD, k.sasl.plain.password, k.sasl.scram.password, k.ssl.keyPassword];
  // Everything this file's engines wrote: state directories (state.json, its backup, locks) and the engine log.
  const files = scanFiles([world.root], secrets);
  const leaks = [...files.leaks, ...shown.flatMap((s, i) => scanText(`SHOW output #${i + 1}`, s, secrets))];
  process.stdout.write(`# secrets: searched ${files.files} files (${files.bytes} bytes) and ${shown.length} SHOW outputs for ${secrets.length} passwords: ${leaks.length} leaks\n`);
  assert.ok(files.files >= 3 && files.bytes > 0, 'there was something to search');
  assert.deepEqual(leaks, [], 'no password written anywhere');
  const stateDirs = [stateDir];
  assert.deepEqual(ownerOnlyProblems(stateDirs), []);
});
