// Jobs that reach Kafka over SSL and SASL, end to end against the real broker's SSL and SASL_PLAINTEXT
// listeners; their passwords never reach the state directory, the logs, SHOW or the job events, and after
// a restart they come from the secret provider (ROUTINE_LOAD_SECRET_<DB>_<JOB>_<KEY>) or `${env:NAME}`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../../engine/src/engine';
import { EnvSecretProvider, secretEnvVarName } from '../../../engine/src/secrets';
import { eventsJob, startWorld, waitForJob, type World } from './harness';

let world: World;

before(async () => {
  world = await startWorld();
});

after(async () => {
  await world?.close();
});

/** The secret appears nowhere the engine writes or shows: state files, logs, SHOW (masked) and job events. */
async function assertNowhere(engine: Engine, stateDir: string, secret: string): Promise<void> {
  for (const name of readdirSync(stateDir)) {
    if (name.endsWith('.sock')) continue;
    assert.ok(!readFileSync(join(stateDir, name), 'utf8').includes(secret), `the secret is in ${name}`);
  }
  assert.ok(!world.logs.some((e) => e.message.includes(secret)), 'the secret is in the log');
  const shown = await engine.execute('SHOW ALL ROUTINE LOAD FROM load_test');
  const text = JSON.stringify(shown);
  assert.ok(!text.includes(secret), 'the secret is in SHOW');
  assert.ok(text.includes('******'), 'SHOW masks the secret');
  assert.ok(!JSON.stringify(engine.jobs()).includes(secret), 'the secret is in a job snapshot');
}

test('SSL: CA and client certificate files, and an encrypted key with property.ssl.key.password, load rows', async () => {
  const { ssl } = world.kafka;
  const [plainKey, encryptedKey] = [await world.topic(2), await world.topic(2)];
  await world.produceKeys(plainKey, 1_100_000, 30, 2);
  await world.produceKeys(encryptedKey, 1_200_000, 30, 2);
  const dir = world.stateDir();
  const engine = await world.open(dir);
  const tls = { 'property.security.protocol': 'ssl', 'property.ssl.ca.location': ssl.ca, 'property.ssl.certificate.location': ssl.cert };
  await engine.execute(eventsJob('sec_ssl', plainKey, ssl.bootstrap, { kafka: { ...tls, 'property.ssl.key.location': ssl.key } }));
  await engine.execute(eventsJob('sec_ssl_enc', encryptedKey, ssl.bootstrap, {
    kafka: { ...tls, 'property.ssl.key.location': ssl.encryptedKey, 'property.ssl.key.password': ssl.keyPassword },
  }));
  await waitForJob(engine, (j) => j.name === 'sec_ssl' && j.statistic.loadedRows === 30, 60_000, 'rows over SSL');
  await waitForJob(engine, (j) => j.name === 'sec_ssl_enc' && j.statistic.loadedRows === 30, 60_000, 'rows over SSL with an encrypted key');
  assert.deepEqual(world.keys(1_100_000, 30), { rows: 30, distinct: 30 });
  assert.deepEqual(world.keys(1_200_000, 30), { rows: 30, distinct: 30 });
  await assertNowhere(engine, dir, ssl.keyPassword);
  await engine.execute('STOP ROUTINE LOAD FOR load_test.sec_ssl; STOP ROUTINE LOAD FOR load_test.sec_ssl_enc;');
});

test('SASL: SCRAM-SHA-256 and PLAIN load rows; the passwords stay out of the state file, the logs and SHOW', async () => {
  const { sasl } = world.kafka;
  const [scram, plain] = [await world.topic(1), await world.topic(1)];
  await world.produceKeys(scram, 1_300_000, 25);
  await world.produceKeys(plain, 1_400_000, 25);
  const dir = world.stateDir();
  const engine = await world.open(dir);
  const login = (mechanism: string, user: { username: string; password: string }) => ({
    'property.security.protocol': 'sasl_plaintext', 'property.sasl.mechanism': mechanism,
    'property.sasl.username': user.username, 'property.sasl.password': user.password,
  });
  await engine.execute(eventsJob('sec_scram', scram, sasl.bootstrap, { kafka: login('SCRAM-SHA-256', sasl.scram) }));
  await engine.execute(eventsJob('sec_plain', plain, sasl.bootstrap, { kafka: login('PLAIN', sasl.plain) }));
  await waitForJob(engine, (j) => j.name === 'sec_scram' && j.statistic.loadedRows === 25, 60_000, 'rows over SCRAM-SHA-256');
  await waitForJob(engine, (j) => j.name === 'sec_plain' && j.statistic.loadedRows === 25, 60_000, 'rows over PLAIN');
  assert.deepEqual(world.keys(1_300_000, 25), { rows: 25, distinct: 25 });
  assert.deepEqual(world.keys(1_400_000, 25), { rows: 25, distinct: 25 });
  await assertNowhere(engine, dir, sasl.scram.password);
  await assertNowhere(engine, dir, sasl.plain.password);
  await engine.execute('STOP ROUTINE LOAD FOR load_test.sec_scram; STOP ROUTINE LOAD FOR load_test.sec_plain;');
});

test('after a restart the password comes from ROUTINE_LOAD_SECRET_… or ${env:…} and loading resumes; missing, the job pauses naming the variable', async () => {
  const { sasl } = world.kafka;
  const topic = await world.topic(1);
  const base = 1_500_000;
  await world.produceKeys(topic, base, 10);
  const dir = world.stateDir();
  const providerVar = secretEnvVarName('load_test', 'sec_restart', 'sasl.password');
  const referenceVar = 'RL_IT_SASL_PLAIN_PASSWORD';
  process.env[referenceVar] = sasl.plain.password;
  const sql = (name: string, user: { username: string; password: string }, mechanism: string) => eventsJob(name, topic, sasl.bootstrap, {
    kafka: {
      'property.security.protocol': 'sasl_plaintext', 'property.sasl.mechanism': mechanism,
      'property.sasl.username': user.username, 'property.sasl.password': user.password,
    },
  });
  let engine = await world.open(dir);
  // One job gives its password in the statement, the other refers to an environment variable.
  await engine.execute(sql('sec_restart', sasl.scram, 'SCRAM-SHA-256'));
  await engine.execute(sql('sec_restart_ref', { username: sasl.plain.username, password: `\${env:${referenceVar}}` }, 'PLAIN'));
  for (const name of ['sec_restart', 'sec_restart_ref']) await waitForJob(engine, (j) => j.name === name && j.statistic.loadedRows === 10);
  await engine.close();

  // Restart with the password in the provider (the command line's: the environment): loading goes on by itself.
  engine = await world.open(dir, { secrets: new EnvSecretProvider({ [providerVar]: sasl.scram.password }) });
  await world.produceKeys(topic, base + 10, 10);
  for (const name of ['sec_restart', 'sec_restart_ref']) {
    await waitForJob(engine, (j) => j.name === name && j.state === 'RUNNING' && j.statistic.loadedRows === 20, 60_000, `${name} after the restart`);
  }
  assert.deepEqual(world.keys(base, 20), { rows: 40, distinct: 20 }, 'two jobs, each row once per job');
  await assertNowhere(engine, dir, sasl.scram.password);
  await assertNowhere(engine, dir, sasl.plain.password);
  await engine.close();

  // Restart with neither: both jobs pause, each reason naming the variable to set.
  delete process.env[referenceVar];
  engine = await world.open(dir);
  const scram = await waitForJob(engine, (j) => j.name === 'sec_restart' && j.state === 'PAUSED');
  assert.match(scram.reasonOfStateChanged, new RegExp(`errCode = 110, .*'property\\.sasl\\.password'.*Set the environment variable ${providerVar}`));
  const ref = await waitForJob(engine, (j) => j.name === 'sec_restart_ref' && j.state === 'PAUSED');
  assert.match(ref.reasonOfStateChanged, new RegExp(`errCode = 110, .*refers to the environment variable ${referenceVar}, which is not set`));
  assert.equal(scram.statistic.loadedRows, 20);
  await assertNowhere(engine, dir, sasl.scram.password);
  await engine.execute('STOP ROUTINE LOAD FOR load_test.sec_restart; STOP ROUTINE LOAD FOR load_test.sec_restart_ref;');
});
