// The transaction Stream Load API (begin, load, prepare, commit, rollback) and persistence across a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Sandbox, startSandbox } from '../../../sandbox/src/server';
import { request } from 'undici';
import { basic, beLoad, rows, SEED_DDL, streamLoad, txnCall } from './client';

const DDL = `${SEED_DDL};
CREATE TABLE load_test.tx (k int NOT NULL, v varchar(10)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k);`;

describe('transaction API', () => {
  let sb: Sandbox;
  before(async () => { sb = await startSandbox({ ddl: DDL }); });
  after(() => sb.stop());
  const h = (label: string, extra: Record<string, string> = {}): Record<string, string> => ({ label, db: 'load_test', table: 'tx', ...extra });

  it('begin, two loads, prepare, commit: rows appear only at commit; commit again is OK', async () => {
    const begin = await txnCall(sb.feUrl, 'begin', h('tx-1'));
    assert.equal(begin.Status, 'OK');
    assert.equal(begin.Label, 'tx-1');
    assert.equal(typeof begin.TxnId, 'number');
    assert.equal(begin.Db, 'load_test');
    assert.equal(begin.Table, 'tx');
    const l1 = await txnCall(sb.feUrl, 'load', h('tx-1', { column_separator: ',' }), '1,a\n2,b');
    assert.equal(l1.Status, 'OK', JSON.stringify(l1));
    assert.equal(l1.TxnId, begin.TxnId);
    assert.equal(l1.LoadBytes, 7);
    assert.equal((await txnCall(sb.feUrl, 'load', h('tx-1', { column_separator: ',' }), '3,c')).Status, 'OK');
    assert.deepEqual(await rows(sb.feUrl, 'SELECT COUNT(*) FROM load_test.tx'), [{ 'count(*)': 0 }]);
    const prepare = await txnCall(sb.feUrl, 'prepare', h('tx-1'));
    assert.equal(prepare.Status, 'OK');
    assert.equal(prepare.NumberTotalRows, 3);
    assert.equal(prepare.NumberLoadedRows, 3);
    assert.deepEqual(await rows(sb.feUrl, 'SELECT COUNT(*) FROM load_test.tx'), [{ 'count(*)': 0 }]);
    const commit = await txnCall(sb.feUrl, 'commit', h('tx-1'));
    assert.equal(commit.Status, 'OK');
    assert.deepEqual(await rows(sb.feUrl, 'SELECT k, v FROM load_test.tx ORDER BY k'), [{ k: 1, v: 'a' }, { k: 2, v: 'b' }, { k: 3, v: 'c' }]);
    const again = await txnCall(sb.feUrl, 'commit', h('tx-1'));
    assert.equal(again.Status, 'OK');
    assert.equal(again.Message, 'Transaction already commited');
  });

  it('rollback drops the rows and frees the label', async () => {
    assert.equal((await txnCall(sb.feUrl, 'begin', h('tx-2'))).Status, 'OK');
    assert.equal((await txnCall(sb.feUrl, 'load', h('tx-2'), '10\tz')).Status, 'OK');
    assert.equal((await txnCall(sb.feUrl, 'rollback', h('tx-2'))).Status, 'OK');
    assert.deepEqual(await rows(sb.feUrl, 'SELECT COUNT(*) FROM load_test.tx WHERE k = 10'), [{ 'count(*)': 0 }]);
    assert.equal((await txnCall(sb.feUrl, 'begin', h('tx-2'))).Status, 'OK');
    assert.equal((await txnCall(sb.feUrl, 'rollback', h('tx-2'))).Status, 'OK');
  });

  it('a label in use answers LABEL_ALREADY_EXISTS with RUNNING, then FINISHED', async () => {
    assert.equal((await txnCall(sb.feUrl, 'begin', h('tx-3'))).Status, 'OK');
    const running = await txnCall(sb.feUrl, 'begin', h('tx-3'));
    assert.equal(running.Status, 'LABEL_ALREADY_EXISTS');
    assert.equal(running.ExistingJobStatus, 'RUNNING');
    await txnCall(sb.feUrl, 'commit', h('tx-3'));
    const finished = await txnCall(sb.feUrl, 'begin', h('tx-3'));
    assert.equal(finished.ExistingJobStatus, 'FINISHED');
    // A plain Stream Load sees the same label table.
    const load = await streamLoad(sb.feUrl, 'load_test', 'tx', '1\tx', { headers: { label: 'tx-3' } });
    assert.equal(load.Status, 'Label Already Exists');
    assert.equal(load.ExistingJobStatus, 'FINISHED');
  });

  it('a bad load rolls the transaction back; unknown labels are TXN_NOT_EXISTS', async () => {
    assert.equal((await txnCall(sb.feUrl, 'begin', h('tx-4'))).Status, 'OK');
    const bad = await txnCall(sb.feUrl, 'load', h('tx-4', { strict_mode: 'maybe' }), '1\tx');
    assert.equal(bad.Status, 'INTERNAL_ERROR');
    assert.equal(bad.Message, 'Invalid strict mode format. Must be bool type');
    assert.equal((await txnCall(sb.feUrl, 'commit', h('tx-4'))).Status, 'TXN_NOT_EXISTS');
    assert.equal((await txnCall(sb.feUrl, 'commit', h('never-begun'))).Status, 'TXN_NOT_EXISTS');
  });

  it('max_filter_ratio is checked at prepare', async () => {
    assert.equal((await txnCall(sb.feUrl, 'begin', h('tx-5'))).Status, 'OK');
    assert.equal((await txnCall(sb.feUrl, 'load', h('tx-5'), 'notanint\tx')).Status, 'OK');
    const prepare = await txnCall(sb.feUrl, 'prepare', h('tx-5'));
    assert.equal(prepare.Status, 'INTERNAL_ERROR');
    assert.equal(prepare.Message, 'too many filtered rows');
    assert.match(String(prepare.ErrorURL), /_load_error_log/);
  });

  it('the FE requires label and db', async () => {
    const call = async (headers: Record<string, string>): Promise<unknown> => {
      const res = await request(`${sb.feUrl}/api/transaction/begin`, { method: 'POST', headers: { authorization: basic(), ...headers } });
      return res.body.json();
    };
    assert.deepEqual(await call({ db: 'load_test', table: 'tx' }), { Status: 'FAILED', Message: 'Empty label.' });
    assert.deepEqual(await call({ label: 'x', table: 'tx' }), { Status: 'FAILED', Message: 'No database selected.' });
  });
});

describe('persistence with --data-dir', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'sandbox-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rows, labels, tables made over HTTP and prepared transactions survive a restart', async () => {
    const first = await startSandbox({ ddl: DDL, dataDir: dir });
    try {
      assert.equal((await beLoad(first.beUrl, 'load_test', 'tx', '1\ta\n2\tb', { label: 'p-1' })).Status, 'Success');
      assert.equal((await beLoad(first.beUrl, 'load_test', 'routine_load_tbl_csv', '5\t2020-01-01\tx\ty\t1\n5\t2020-01-01\tz\ty\t2', { label: 'p-2' })).Status, 'Success');
      first.ddl('CREATE DATABASE d2; USE d2; CREATE TABLE later (k int) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k);');
      assert.equal((await beLoad(first.beUrl, 'd2', 'later', '42', { label: 'p-3' })).Status, 'Success');
      assert.equal((await txnCall(first.feUrl, 'begin', { label: 'p-4', db: 'load_test', table: 'tx' })).Status, 'OK');
      assert.equal((await txnCall(first.feUrl, 'load', { label: 'p-4', db: 'load_test', table: 'tx' }, '3\tc')).Status, 'OK');
      assert.equal((await txnCall(first.feUrl, 'prepare', { label: 'p-4', db: 'load_test', table: 'tx' })).Status, 'OK');
      assert.equal((await txnCall(first.feUrl, 'begin', { label: 'p-5', db: 'load_test', table: 'tx' })).Status, 'OK');
    } finally {
      await first.stop();
    }
    // Same --ddl again: tables that exist with the same DDL are kept, not refused.
    const second = await startSandbox({ ddl: DDL, dataDir: dir });
    try {
      assert.deepEqual(await rows(second.feUrl, 'SELECT k, v FROM load_test.tx ORDER BY k'), [{ k: 1, v: 'a' }, { k: 2, v: 'b' }]);
      assert.deepEqual(await rows(second.feUrl, 'SELECT customer_name, price FROM load_test.routine_load_tbl_csv'), [{ customer_name: 'z', price: 2 }]);
      assert.deepEqual(await rows(second.feUrl, 'SELECT k FROM d2.later'), [{ k: 42 }]);
      const dup = await beLoad(second.beUrl, 'load_test', 'tx', '9\tq', { label: 'p-1' });
      assert.equal(dup.Status, 'Label Already Exists');
      assert.equal(dup.ExistingJobStatus, 'FINISHED');
      // The prepared transaction waits for its commit; the one that never prepared was aborted.
      assert.equal((await txnCall(second.feUrl, 'commit', { label: 'p-4', db: 'load_test', table: 'tx' })).Status, 'OK');
      assert.deepEqual(await rows(second.feUrl, 'SELECT COUNT(*) FROM load_test.tx'), [{ 'count(*)': 3 }]);
      assert.equal((await txnCall(second.feUrl, 'begin', { label: 'p-5', db: 'load_test', table: 'tx' })).Status, 'OK');
      const next = await beLoad(second.beUrl, 'load_test', 'tx', '7\tn', { label: 'p-6' });
      assert.ok((next.TxnId as number) > 1003, 'transaction ids keep growing');
    } finally {
      await second.stop();
    }
  });
});
