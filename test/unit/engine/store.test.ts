import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutineLoadJob, type JobDefinition } from '../../../engine/src/job';
import { SECRET_MARKER, StateStore, StoreError } from '../../../engine/src/store';

function definition(): JobDefinition {
  return {
    dbName: 'db', name: 'job1', tableName: 'tbl', loadDesc: { columns: ['a', 'b=a+1'] }, jobProperties: { max_error_number: '3' },
    kafka: { brokerList: 'k:9092', topic: 't' },
    customProperties: { 'sasl.password': 'hunter2', 'ssl.key.password': '${env:KEY_PW}', 'sasl.username': 'alice', 'client.secret': 's3cr3t' },
  };
}

function fresh(): string {
  return mkdtempSync(join(tmpdir(), 'rl-store-'));
}

/** Runs `body` in a fresh state directory, removed afterwards whatever happens. */
function inStateDir(body: (dir: string) => void): void {
  const dir = fresh();
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A state directory holding one saved job, as an engine leaves it. */
function saveSampleJob(dir: string): void {
  const store = new StateStore(dir);
  store.save({ ...store.open(), jobs: [sampleJob()] });
  store.close();
}

function sampleJob(): RoutineLoadJob {
  const job = new RoutineLoadJob(10001, 'uuid-1', definition(), 1000);
  job.progress.set(0, 42n);
  job.progress.set(1, 9_007_199_254_740_993n); // beyond 2^53: offsets are 64-bit
  job.statistic.loadedRows = 7;
  job.pendingTasks.push({ label: 'job1-10001-abc', ranges: [{ partition: 0, from: 42n, to: 50n }], createdAtMs: 5 });
  return job;
}

test('state round-trips: offsets as 64-bit, pending ranges, statistics', () => {
  inStateDir((dir) => {
    const store = new StateStore(dir);
    const empty = store.open();
    assert.equal(empty.jobs.length, 0);
    store.save({ instanceId: empty.instanceId, nextJobId: 10002, jobs: [sampleJob()] });
    store.close();
    const again = new StateStore(dir).open();
    assert.equal(again.instanceId, empty.instanceId);
    assert.equal(again.nextJobId, 10002);
    const job = again.jobs[0];
    assert.equal(job.progress.get(1), 9_007_199_254_740_993n);
    assert.equal(job.statistic.loadedRows, 7);
    assert.deepEqual(job.pendingTasks[0].ranges[0], { partition: 0, from: 42n, to: 50n, lastTimestampMs: undefined });
    assert.deepEqual(job.definition.loadDesc.columns, ['a', 'b=a+1']);
  });
});

test('secrets never reach the disk: a marker stands in; env references are kept', () => {
  inStateDir((dir) => {
    const store = new StateStore(dir);
    const s = store.open();
    const job = sampleJob();
    store.save({ ...s, jobs: [job] });
    store.save({ ...s, jobs: [job] });
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      assert.ok(!text.includes('hunter2') && !text.includes('s3cr3t'), `${name} holds a secret`);
    }
    const loaded = new StateStore(dir);
    store.close();
    const back = loaded.open().jobs[0];
    assert.equal(back.definition.customProperties['sasl.password'], SECRET_MARKER);
    assert.equal(back.definition.customProperties['client.secret'], SECRET_MARKER);
    assert.equal(back.definition.customProperties['ssl.key.password'], '${env:KEY_PW}');
    assert.equal(back.definition.customProperties['sasl.username'], 'alice');
    // In memory the job keeps its real value (the statement just executed).
    assert.equal(job.definition.customProperties['sasl.password'], 'hunter2');
    loaded.close();
  });
});

test('the state directory is 0700 and its files 0600', { skip: process.platform === 'win32' }, () => {
  const base = fresh();
  const dir = join(base, 'state');
  try {
    const store = new StateStore(dir);
    const s = store.open();
    store.save({ ...s, jobs: [sampleJob()] });
    store.save({ ...s, jobs: [sampleJob()] });
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'state.json.bak')).mode & 0o777, 0o600);
    store.close();
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('a corrupted or truncated state file is an error naming the file and the backup, never a fresh start', () => {
  inStateDir((dir) => {
    const store = new StateStore(dir);
    const s = store.open();
    store.save({ ...s, jobs: [sampleJob()] });
    store.save({ ...s, jobs: [sampleJob()] });
    store.close();
    const text = readFileSync(join(dir, 'state.json'), 'utf8');
    writeFileSync(join(dir, 'state.json'), text.slice(0, text.length / 2));
    assert.throws(() => new StateStore(dir).open(), (err: Error) => {
      assert.ok(err instanceof StoreError);
      assert.match(err.message, /state\.json is corrupted or truncated/);
      assert.match(err.message, /state\.json\.bak/);
      assert.match(err.message, /copy it over/);
      return true;
    });
    // The backup is a complete earlier state.
    const bak = JSON.parse(readFileSync(join(dir, 'state.json.bak'), 'utf8'));
    assert.equal(bak.jobs[0].id, 10001);
    writeFileSync(join(dir, 'state.json'), '{"hello":1}');
    assert.throws(() => new StateStore(dir).open(), /does not hold a routine load state/);
    rmSync(join(dir, 'state.json'));
    assert.throws(() => new StateStore(dir).open(), /is missing but its backup/);
  });
});

test('a newer version\'s file is read and its unknown fields are written back', () => {
  inStateDir((dir) => {
    saveSampleJob(dir);
    const file = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    file.version = 7;
    file.futureTop = { a: 1 };
    file.jobs[0].futureField = 'kept';
    writeFileSync(join(dir, 'state.json'), JSON.stringify(file));
    const next = new StateStore(dir);
    const loaded = next.open();
    loaded.jobs[0].statistic.loadedRows = 99;
    next.save(loaded);
    next.close();
    const written = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    assert.equal(written.version, 7);
    assert.deepEqual(written.futureTop, { a: 1 });
    assert.equal(written.jobs[0].futureField, 'kept');
    assert.equal(written.jobs[0].statistic.loadedRows, 99);
  });
});

test('a crash between writing the temporary file and renaming it leaves the previous state', () => {
  inStateDir((dir) => {
    saveSampleJob(dir);
    // What a crash mid-save leaves behind: a partial temporary file.
    writeFileSync(join(dir, 'state.json.999.1.tmp'), '{"version":1,"jobs":[');
    const again = new StateStore(dir);
    assert.equal(again.open().jobs.length, 1);
    assert.ok(!existsSync(join(dir, 'state.json.999.1.tmp')));
    again.close();
  });
});

test('one engine per state directory: a live owner\'s lock refuses, a dead one\'s is taken over', () => {
  inStateDir((dir) => {
    writeFileSync(join(dir, 'state.lock'), '1'); // pid 1 is alive (init)
    assert.throws(() => new StateStore(dir).open(), /Another engine \(pid 1\)/);
    writeFileSync(join(dir, 'state.lock'), '999999999');
    const store = new StateStore(dir);
    store.open();
    store.close();
  });
});

test('a closed store refuses to write: a late save cannot overwrite the state of the engine that took the directory over', () => {
  inStateDir((dir) => {
    const first = new StateStore(dir);
    const state = first.open();
    first.save({ instanceId: state.instanceId, nextJobId: 10002, jobs: [sampleJob()] });
    first.close();
    assert.equal(first.closed, true);
    const second = new StateStore(dir);
    const taken = second.open();
    second.save({ instanceId: taken.instanceId, nextJobId: 10003, jobs: [] });
    const before = readFileSync(join(dir, 'state.json'), 'utf8');
    assert.throws(() => first.save({ instanceId: state.instanceId, nextJobId: 10002, jobs: [sampleJob()] }), StoreError);
    assert.equal(readFileSync(join(dir, 'state.json'), 'utf8'), before, 'the newer state is untouched');
    second.close();
  });
});
