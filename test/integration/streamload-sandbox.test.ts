// The Stream Load client against the StarRocks sandbox (strict FE/BE stand-in): rows really land, labels
// deduplicate, and the sandbox's failures map to the client's error kinds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamLoadClient } from '../../engine/src/streamload';
import type { StreamLoadClient } from '../../engine/src/ports';
import { startSandbox, type Sandbox } from '../../sandbox/src/server';
import { csvRequests, rejectsWith } from '../helpers/streamload';

const PASSWORD = 'sandbox-pw';
const DDL = 'CREATE DATABASE rl; CREATE TABLE rl.events (id bigint NOT NULL, name varchar(20)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id);';

const csv = csvRequests(`rl-sandbox-${process.pid}-`, {
  db: 'rl',
  table: 'events',
  headers: { format: 'csv', column_separator: ',', columns: 'id,name' },
  body: Buffer.from('1,a\n2,b\n3,c\n'),
  timeoutMs: 10000,
});

describe('Stream Load client against the sandbox', () => {
  let sb: Sandbox;
  let client: StreamLoadClient;
  const clients: StreamLoadClient[] = [];

  before(async () => {
    sb = await startSandbox({ ddl: DDL, users: { root: PASSWORD } });
    client = createStreamLoadClient({ feUrl: sb.feUrl, user: 'root', password: PASSWORD });
    clients.push(client);
  });
  after(async () => {
    for (const c of clients) await c.close();
    await sb.stop();
  });

  it('loads rows through the FE redirect', async () => {
    const r = await client.load(csv({ label: 'rl-first' }));
    assert.equal(r.Status, 'Success', r.Message);
    assert.equal(r.NumberLoadedRows, 3);
    assert.equal(r.Label, 'rl-first');
    assert.equal(sb.query('SELECT id FROM rl.events').rows.length, 3);
  });

  it('answers a repeated label with Label Already Exists / FINISHED and loads nothing twice', async () => {
    const req = csv({ label: 'rl-dup', body: Buffer.from('10,x\n') });
    assert.equal((await client.load(req)).Status, 'Success');
    const again = await client.load({ ...req });
    assert.equal(again.Status, 'Label Already Exists');
    assert.equal(again.ExistingJobStatus, 'FINISHED');
    assert.equal(sb.query('SELECT id FROM rl.events WHERE id = 10').rows.length, 1);
  });

  it('returns Publish Timeout (committed) and Fail with the filtered rows', async () => {
    sb.addFault({ kind: 'publishTimeout' });
    assert.equal((await client.load(csv())).Status, 'Publish Timeout');
    const bad = await client.load(csv({ body: Buffer.from('x,not-a-number-and-too-long-for-twenty\n') }));
    assert.equal(bad.Status, 'Fail');
    assert.ok(bad.NumberFilteredRows && bad.NumberFilteredRows > 0);
    assert.match(String(bad.ErrorURL), /_load_error_log/);
  });

  it('reports a wrong password as authentication', async () => {
    const c = createStreamLoadClient({ feUrl: sb.feUrl, user: 'root', password: 'nope' });
    clients.push(c);
    const e = await rejectsWith(c.load(csv()), 'authentication', /StarRocks refused user root's password/);
    assert.ok(!e.message.includes('nope'));
  });

  it('reports an unknown table and an unknown database', async () => {
    await rejectsWith(client.load(csv({ table: 'nope' })), 'unknownTable', /rl\.nope/);
    await rejectsWith(client.load(csv({ db: 'nodb' })), 'unknownTable');
  });

  it('times out a held load and maps an HTTP 500 to transient', async () => {
    sb.addFault({ kind: 'delay', delayMs: 2000 });
    await rejectsWith(client.load(csv({ timeoutMs: 300 })), 'timeout');
    sb.addFault({ kind: 'http500' });
    await rejectsWith(client.load(csv()), 'transient', /HTTP 500/);
  });

  it('survives a connection reset by retrying once with the same label', async () => {
    sb.addFault({ kind: 'reset' });
    const r = await client.load(csv({ label: 'rl-after-reset', body: Buffer.from('20,r\n') }));
    assert.ok(r.Status === 'Success' || r.Status === 'Label Already Exists', r.Status);
    assert.equal(sb.query('SELECT id FROM rl.events WHERE id = 20').rows.length, 1);
  });
});
