import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutineLoadJob, decodeDelimiter, delimiterHeader, streamLoadHeaders, type JobDefinition } from '../../../engine/src/job';
import { deriveLabel, isValidLabel, classifyResponse } from '../../../engine/src/exactlyOnce';
import { divide } from '../../../engine/src/jobScheduler';
import { formatReason } from '../../../engine/src/reasons';
import { defaultSettings, resolveSettings } from '../../../engine/src/settings';
import { ENGINE_SETTINGS, findProperty } from '../../../server/src/language/catalogue';

export function definition(over: Partial<JobDefinition> = {}): JobDefinition {
  return {
    dbName: 'load_test', name: 'job1', tableName: 'tbl',
    loadDesc: {}, jobProperties: {}, kafka: { brokerList: 'k:9092', topic: 't' }, customProperties: {},
    ...over,
  };
}

test('defaults come from the catalogue', () => {
  const job = new RoutineLoadJob(1, 'u', definition(), 0);
  assert.equal(String(job.desiredConcurrentNumber), findProperty('desired_concurrent_number')?.default);
  assert.equal(job.maxBatchIntervalS, 10);
  assert.equal(job.maxBatchRows, 200000);
  assert.equal(job.maxErrorNumber, 0);
  assert.equal(job.format, 'csv');
  const s = defaultSettings();
  for (const spec of ENGINE_SETTINGS) assert.equal(s[spec.name as keyof typeof s], spec.default);
  assert.equal(s.routine_load_task_consume_second, 3);
  assert.throws(() => resolveSettings({ routine_load_task_consume_second: 0 }), /must be a number >= 1/);
});

test('state machine follows StarRocks\' checkStateTransform', () => {
  const job = new RoutineLoadJob(1, 'u', definition(), 0);
  assert.equal(job.state, 'NEED_SCHEDULE');
  job.transform('RUNNING', 1);
  job.transform('PAUSED', 2, { code: 100, msg: 'User root pauses routine load job' });
  assert.equal(job.pauseTimeMs, 2);
  assert.equal(job.reasonOfStateChanged, "ErrorReason{errCode = 100, msg='User root pauses routine load job'}");
  assert.throws(() => job.transform('PAUSED', 3), /^JobStateError: Could not transform PAUSED to PAUSED$/);
  job.transform('NEED_SCHEDULE', 4);
  assert.equal(job.reasonOfStateChanged, '');
  job.transform('STOPPED', 5);
  assert.equal(job.endTimeMs, 5);
  assert.throws(() => job.transform('NEED_SCHEDULE', 6), /Could not transform STOPPED to NEED_SCHEDULE/);
  assert.throws(() => job.transform('PAUSED', 6), /Could not transform STOPPED to PAUSED/);
});

test('UNSTABLE is shown while a partition lags more than the threshold', () => {
  const job = new RoutineLoadJob(1, 'u', definition(), 0);
  job.transform('RUNNING', 0);
  job.timestampProgress.set(0, 0);
  job.updateSubstate(7_200_000, 3600, true);
  assert.equal(job.shownState, 'UNSTABLE');
  assert.match(job.reasonOfStateChanged, /errCode = 105, msg='The lag \[7200\] of partition \[0\] exceeds Config.routine_load_unstable_threshold_second \[3600\]'/);
  job.updateSubstate(7_200_000, 3600, false);
  assert.equal(job.shownState, 'RUNNING');
});

test('error window: more than max_error_number pauses after the batch committed, then the window resets', () => {
  const job = new RoutineLoadJob(1, 'u', definition({ jobProperties: { max_error_number: '2' } }), 0);
  const batch = (total: number, errors: number, url?: string) => ({
    ranges: [{ partition: 0, from: 0n, to: BigInt(total - 1) }], totalRows: total, loadedRows: total - errors, errorRows: errors,
    unselectedRows: 0, receivedBytes: 10, executeTimeMs: 5, errorUrl: url,
  });
  assert.equal(job.applyCommitted(batch(10, 2, 'u1')), undefined);
  const reason = job.applyCommitted(batch(10, 1, 'u2'));
  assert.ok(reason);
  assert.equal(
    formatReason(reason),
    "ErrorReason{errCode = 102, msg='Current error rows: 3 is more than max error num: 2. Check the 'TrackingSQL' field for detailed information. " +
      "If you are sure that the data has many errors, you can set 'max_error_number' property to a greater value through ALTER ROUTINE LOAD and RESUME the job'}",
  );
  // Progress moved: the batch is committed even though the job pauses.
  assert.equal(job.progress.get(0), 10n);
  assert.deepEqual(job.window, { totalRows: 0, errorRows: 0 });
  job.applyCommitted(batch(5, 1, 'u3'));
  job.applyCommitted(batch(5, 0, 'u4'));
  assert.deepEqual(job.errorLogUrls, ['u2', 'u3', 'u4']);
  const s = job.shownStatistic;
  assert.deepEqual(Object.keys(s), ['receivedBytes', 'errorRows', 'committedTaskNum', 'loadedRows', 'loadRowsRate', 'abortedTaskNum', 'totalRows', 'unselectedRows', 'receivedBytesRate', 'taskExecuteTimeMs']);
  assert.equal(s.committedTaskNum, 4);
  assert.equal(s.errorRows, 4);
  assert.equal(s.loadRowsRate, Math.floor((26 * 1000) / 20));
});

test('a full window with few errors resets without pausing', () => {
  const job = new RoutineLoadJob(1, 'u', definition({ jobProperties: { max_error_number: '5' } }), 0);
  const r = job.applyCommitted({ ranges: [], totalRows: 2_000_001, loadedRows: 2_000_000, errorRows: 1, unselectedRows: 0, receivedBytes: 0, executeTimeMs: 1 });
  assert.equal(r, undefined);
  assert.deepEqual(job.window, { totalRows: 0, errorRows: 0 });
});

test('Stream Load headers carry the load properties, expressions as written', () => {
  const job = new RoutineLoadJob(1, 'u', definition({
    loadDesc: { columnSeparator: ',', rowDelimiter: '\\x01', columns: ['a', 'b', "c = from_unixtime(b,\n '%Y%m%d')"], where: 'a > 1', partitions: { temporary: false, names: ['p1', 'p2'] } },
    jobProperties: { strict_mode: 'true', timezone: 'Asia/Tokyo', max_filter_ratio: '0.5' },
  }), 0);
  const h = streamLoadHeaders(job, 15);
  assert.deepEqual(h, {
    format: 'csv', column_separator: ',', row_delimiter: '\\x01', columns: "a,b,c = from_unixtime(b, '%Y%m%d')", where: 'a > 1',
    partitions: 'p1,p2', strict_mode: 'true', timezone: 'Asia/Tokyo', max_filter_ratio: '0.5', timeout: '15',
  });
  const json = new RoutineLoadJob(2, 'u', definition({ jobProperties: { format: 'json', jsonpaths: '["$.a"]', json_root: '$.data' } }), 0);
  const jh = streamLoadHeaders(json, 15);
  assert.equal(jh.format, 'json');
  assert.equal(jh.strip_outer_array, 'true');
  assert.equal(jh.jsonpaths, '["$.a"]');
  assert.equal(jh.json_root, undefined, 'json_root is applied by the engine per message');
  assert.deepEqual([...decodeDelimiter('\\x0102')], [1, 2]);
  assert.equal(decodeDelimiter('\\t').toString(), '\t');
  assert.equal(delimiterHeader('\t'), '\\x09');
  assert.equal(delimiterHeader('|'), '|');
});

test('task times: the job overrides the engine as StarRocks derives them', () => {
  const j = (p: Record<string, string>) => new RoutineLoadJob(1, 'u', definition({ jobProperties: p }), 0).taskTimes(3, 15);
  assert.deepEqual(j({}), { consumeS: 3, timeoutS: 15 });
  assert.deepEqual(j({ task_consume_second: '5' }), { consumeS: 5, timeoutS: 20 });
  assert.deepEqual(j({ task_timeout_second: '40' }), { consumeS: 10, timeoutS: 40 });
  assert.deepEqual(j({ task_consume_second: '2', task_timeout_second: '9' }), { consumeS: 2, timeoutS: 9 });
});

test('labels derive from the range: stable, distinct, at most 128 of [A-Za-z0-9_-]', () => {
  const r = [{ partition: 1, from: 10n, to: 19n }, { partition: 0, from: 0n, to: 4n }];
  const a = deriveLabel('job1', 10001, 'inst', 'uuid', r);
  assert.equal(a, deriveLabel('job1', 10001, 'inst', 'uuid', [...r].reverse()));
  assert.notEqual(a, deriveLabel('job1', 10001, 'inst', 'uuid', [{ partition: 0, from: 0n, to: 5n }, r[0]]));
  assert.notEqual(a, deriveLabel('job1', 10001, 'inst', 'uuid2', r));
  assert.notEqual(a, deriveLabel('job1', 10001, 'inst2', 'uuid', r));
  assert.match(a, /^job1-10001-[0-9a-f]{32}$/);
  const long = deriveLabel('x'.repeat(64), 4294967295, 'i', 'u', r);
  assert.ok(long.length <= 128 && isValidLabel(long));
  assert.ok(isValidLabel(deriveLabel('a.b c', 1, 'i', 'u', r)));
});

test('StarRocks answers settle a task as committed, in progress, skipped or aborted', () => {
  assert.equal(classifyResponse('Success', undefined, 'OK').kind, 'committed');
  assert.equal(classifyResponse('Publish Timeout', undefined, '').kind, 'committed');
  assert.equal(classifyResponse('Label Already Exists', 'FINISHED', '').kind, 'committed');
  assert.equal(classifyResponse('Label Already Exists', 'RUNNING', '').kind, 'inProgress');
  assert.equal(classifyResponse('Fail', undefined, 'No rows were imported from upstream').kind, 'skipped');
  assert.equal(classifyResponse('Fail', undefined, 'too many filtered rows').kind, 'tooManyFilteredRows');
  assert.equal(classifyResponse('Fail', undefined, 'disk full').kind, 'failed');
});

test('division: min(partitions, desired, cap) tasks, partitions round-robin', () => {
  assert.deepEqual(divide([0, 1, 2, 3, 4], 3, 5), [[0, 3], [1, 4], [2]]);
  assert.deepEqual(divide([0, 1, 2, 3, 4, 5, 6], 10, 5), [[0, 5], [1, 6], [2], [3], [4]]);
  assert.deepEqual(divide([7], 5, 5), [[7]]);
  assert.deepEqual(divide([], 5, 5), []);
  assert.equal(divide([0, 1, 2, 3, 4, 5], 0, 2).length, 2);
});
