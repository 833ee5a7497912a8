import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutineLoadJob } from '../../../engine/src/job';
import { renderTable, renderVertical, showRoutineLoad, shownOffset, SHOW_ROUTINE_LOAD_COLUMNS } from '../../../engine/src/show';

// The seed's sample output, as given (StarRocks' newer columns TimestampProgress, TrackingSQL,
// LatestSourcePosition and OffsetLag come in StarRocks' order around them).
const SEED_SAMPLE_FIELDS = ['Id', 'Name', 'CreateTime', 'PauseTime', 'EndTime', 'DbName', 'TableName', 'State', 'DataSourceType', 'CurrentTaskNum',
  'JobProperties', 'DataSourceProperties', 'CustomProperties', 'Statistic', 'Progress', 'ReasonOfStateChanged', 'ErrorLogUrls', 'OtherMsg'];

function job(): RoutineLoadJob {
  const j = new RoutineLoadJob(14093, 'u', {
    dbName: 'load_test', name: 'routine_load_wikipedia', tableName: 'routine_wiki_edit',
    loadDesc: { columnSeparator: ',', columns: ['event_time', 'channel', 'user'] }, jobProperties: { max_error_number: '1000' },
    kafka: { brokerList: 'localhost:9092', topic: 'starrocks-load' }, customProperties: { 'sasl.password': 'x', 'group.id': 'g' },
  }, new Date(2020, 4, 16, 16, 0, 48).getTime());
  j.transform('RUNNING', 0);
  j.currentTaskNum = 1;
  j.currentKafkaPartitions = [0];
  j.progress.set(0, 13634668n);
  j.latestOffsets.set(0, 13634668n);
  return j;
}

test('SHOW ROUTINE LOAD: StarRocks\' columns, JSON strings as it prints them, secrets masked', () => {
  const rs = showRoutineLoad([job()]);
  assert.deepEqual(rs.columns, [...SHOW_ROUTINE_LOAD_COLUMNS]);
  const row = Object.fromEntries(rs.columns.map((c, i) => [c, rs.rows[0][i]]));
  assert.equal(row.CreateTime, '2020-05-16 16:00:48');
  assert.equal(row.PauseTime, null);
  assert.equal(row.State, 'RUNNING');
  assert.equal(row.DataSourceType, 'KAFKA');
  assert.equal(row.DataSourceProperties, '{"topic":"starrocks-load","currentKafkaPartitions":"0","brokerList":"localhost:9092"}');
  assert.equal(row.CustomProperties, '{"sasl.password":"******","group.id":"g"}');
  assert.equal(row.Progress, '{"0":"13634667"}');
  assert.equal(row.OffsetLag, '{"0":1}', 'StarRocks shows 1 for a caught-up partition');
  const props = JSON.parse(String(row.JobProperties));
  assert.equal(props.partitions, '*');
  assert.equal(props.columnToColumnExpr, 'event_time,channel,user');
  assert.equal(props.whereExpr, '*');
  assert.equal(props.columnSeparator, "','");
  assert.equal(props.maxErrorNum, '1000');
  assert.equal(props.maxBatchIntervalS, '10');
  assert.equal(props.maxBatchSizeBytes, '104857600');
  assert.equal(props.currentTaskConcurrentNum, '1');
  assert.deepEqual(Object.keys(JSON.parse(String(row.Statistic))),
    ['receivedBytes', 'errorRows', 'committedTaskNum', 'loadedRows', 'loadRowsRate', 'abortedTaskNum', 'totalRows', 'unselectedRows', 'receivedBytesRate', 'taskExecuteTimeMs']);
  assert.equal(shownOffset(-2n), 'OFFSET_BEGINNING');
  assert.equal(shownOffset(-1n), 'OFFSET_END');
  assert.equal(shownOffset(0n), 'OFFSET_ZERO');
});

test('the \\G form has the seed sample\'s shape', () => {
  const text = renderVertical(showRoutineLoad([job()]));
  const lines = text.split('\n');
  assert.equal(lines[0], '*************************** 1. row ***************************');
  assert.equal(lines[1], 'Id: 14093');
  assert.equal(lines[2], 'Name: routine_load_wikipedia');
  assert.equal(lines[4], 'PauseTime: N/A');
  assert.equal(lines.at(-1), '1 row in set (0.00 sec)');
  assert.ok(lines.includes('ReasonOfStateChanged:'));
  const fields = lines.slice(1, -1).map((l) => l.slice(0, l.indexOf(':')));
  assert.deepEqual(fields.filter((f) => SEED_SAMPLE_FIELDS.includes(f)), SEED_SAMPLE_FIELDS);
  assert.equal(renderVertical({ columns: ['a'], rows: [] }), 'Empty set (0.00 sec)');
  const table = renderTable({ columns: ['Id', 'Name'], rows: [['1', 'x'], ['22', null]] });
  assert.equal(table.split('\n')[0], '+----+------+');
  assert.equal(table.split('\n')[4], '| 22 | NULL |');
});
