// Fault injection, switched over HTTP: each fault and what a client sees of it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { Sandbox, startSandbox } from '../../../sandbox/src/server';
import { basic, beLoad, rows, streamLoad } from './client';

const DDL = 'CREATE DATABASE f; CREATE TABLE f.t (k int NOT NULL, v varchar(10)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k); CREATE TABLE f.u (k int) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k);';

let sb: Sandbox;
before(async () => { sb = await startSandbox({ ddl: DDL }); });
after(() => sb.stop());

async function fault(spec: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await request(`${sb.feUrl}/api/_sandbox/faults`, { method: 'POST', body: JSON.stringify(spec) });
  const json = (await res.body.json()) as Record<string, unknown>;
  if (res.statusCode !== 200) throw new Error(String(json.message));
  return json;
}

const count = async (where: string): Promise<unknown> => (await rows(sb.feUrl, `SELECT COUNT(*) FROM f.t WHERE ${where}`))[0]!['count(*)'];

/** Waits (without timers) until the sandbox has this many loads held. */
async function heldLoads(n: number): Promise<void> {
  while (sb.core.faults.held < n) await new Promise((resolve) => setImmediate(resolve));
}

describe('faults', () => {
  it('http500 for the next N loads, then normal again; the label stays free', async () => {
    await fault({ kind: 'http500', count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await request(`${sb.beUrl}/api/f/t/_stream_load`, { method: 'PUT', headers: { authorization: basic(), label: 'f500' }, body: '1\ta' });
      assert.equal(res.statusCode, 500);
      await res.body.text();
    }
    const ok = await beLoad(sb.beUrl, 'f', 't', '1\ta', { label: 'f500' });
    assert.equal(ok.Status, 'Success');
  });

  it('reset: the connection dies mid-body, the transaction is aborted and a retry with the label works', async () => {
    await fault({ kind: 'reset' });
    const big = Array.from({ length: 50_000 }, (_, i) => `${100_000 + i}\tr`).join('\n');
    await assert.rejects(beLoad(sb.beUrl, 'f', 't', big, { label: 'freset' }), (error: Error & { code?: string }) => /ECONNRESET|UND_ERR_SOCKET|other side closed|socket/i.test(`${error.code} ${error.message}`));
    assert.equal(sb.core.txns.find('f', 'freset')?.state, 'ABORTED');
    assert.equal(await count('k >= 100000'), 0);
    const retry = await beLoad(sb.beUrl, 'f', 't', big, { label: 'freset' });
    assert.equal(retry.Status, 'Success');
    assert.equal(await count('k >= 100000'), 50_000);
  });

  it('hold: a load in flight answers Label Already Exists RUNNING, then FINISHED once it completes', async () => {
    await fault({ kind: 'hold' });
    const inFlight = beLoad(sb.beUrl, 'f', 't', '2\theld', { label: 'fhold' });
    await heldLoads(1);
    const running = await streamLoad(sb.feUrl, 'f', 't', '2\theld', { headers: { label: 'fhold' } });
    assert.equal(running.Status, 'Label Already Exists');
    assert.equal(running.ExistingJobStatus, 'RUNNING');
    const released = await request(`${sb.feUrl}/api/_sandbox/faults/release`, { method: 'POST' });
    assert.deepEqual(await released.body.json(), { status: 'OK', released: 1 });
    assert.equal((await inFlight).Status, 'Success');
    const finished = await streamLoad(sb.feUrl, 'f', 't', '2\theld', { headers: { label: 'fhold' } });
    assert.equal(finished.ExistingJobStatus, 'FINISHED');
    assert.equal(await count("v = 'held'"), 1);
  });

  it('delay: the answer comes after the client gave up, but the load still lands', async () => {
    await fault({ kind: 'delay', delayMs: 300 });
    await assert.rejects(
      request(`${sb.beUrl}/api/f/t/_stream_load`, { method: 'PUT', headers: { authorization: basic(), label: 'fdelay' }, body: '3\tdelayed', signal: AbortSignal.timeout(50) }),
      (error: Error) => error.name === 'TimeoutError' || error.name === 'AbortError',
    );
    const during = await beLoad(sb.beUrl, 'f', 't', '3\tdelayed', { label: 'fdelay' });
    assert.equal(during.Status, 'Label Already Exists');
    assert.equal(during.ExistingJobStatus, 'RUNNING');
    while (sb.core.txns.find('f', 'fdelay')?.state !== 'VISIBLE') await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await count("v = 'delayed'"), 1);
  });

  it('publishTimeout: Status "Publish Timeout", and the rows are committed', async () => {
    await fault({ kind: 'publishTimeout' });
    const r = await streamLoad(sb.feUrl, 'f', 't', '4\tpt', { headers: { label: 'fpt' } });
    assert.equal(r.Status, 'Publish Timeout');
    assert.equal(r.NumberLoadedRows, 1);
    assert.equal(await count("v = 'pt'"), 1);
    assert.equal((await beLoad(sb.beUrl, 'f', 't', '4\tpt', { label: 'fpt' })).ExistingJobStatus, 'FINISHED');
  });

  it('fail: Status Fail with the given message; nothing loaded; the label can be retried', async () => {
    await fault({ kind: 'fail', message: 'Cancelled because of runtime state changed' });
    const r = await streamLoad(sb.feUrl, 'f', 't', '5\tff', { headers: { label: 'ffail' } });
    assert.equal(r.Status, 'Fail');
    assert.equal(r.Message, 'Cancelled because of runtime state changed');
    assert.equal(await count("v = 'ff'"), 0);
    assert.equal((await beLoad(sb.beUrl, 'f', 't', '5\tff', { label: 'ffail' })).Status, 'Success');
  });

  it('a fault can target one table; GET lists faults, DELETE clears them; bad specs are refused', async () => {
    await fault({ kind: 'fail', table: 'f.u', message: 'only u' });
    assert.equal((await beLoad(sb.beUrl, 'f', 't', '6\tok')).Status, 'Success');
    const listed = await request(`${sb.feUrl}/api/_sandbox/faults`);
    const list = (await listed.body.json()) as { faults: { kind: string; table: string; count: number }[] };
    assert.deepEqual(list.faults.map((f) => [f.kind, f.table, f.count]), [['fail', 'f.u', 1]]);
    const cleared = await request(`${sb.feUrl}/api/_sandbox/faults`, { method: 'DELETE' });
    await cleared.body.text();
    assert.equal((await beLoad(sb.beUrl, 'f', 'u', '1')).Status, 'Success');
    await assert.rejects(fault({ kind: 'explode' }), /unknown fault kind "explode"/);
    await assert.rejects(fault({ kind: 'delay' }), /delayMs/);
  });
});
