// The grammar and the public parsing API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, LineIndex, parse, parseColumnMappings, parseExpression, sourceText, splitStatements, unquote } from '../../../server/src/language';

const fixtures = join(__dirname, '..', '..', 'fixtures');

test("the seed document's CREATE TABLE parses verbatim into columns, keys and distribution", () => {
  const text = readFileSync(join(fixtures, 'seed.sql'), 'utf8');
  const table = parse(text).statements.map((s) => s.statement).find((s) => s?.kind === 'createTable');
  assert.ok(table && table.kind === 'createTable');
  assert.equal(table.table.db?.name, 'load_test');
  assert.equal(table.table.name.name, 'routine_load_tbl_csv');
  assert.deepEqual(table.columns.map((c) => [c.name.name, c.type.name, c.type.params, c.nullable]), [
    ['order_id', 'bigint', [], false],
    ['pay_dt', 'date', [], false],
    ['customer_name', 'varchar', [26], true],
    ['nationality', 'varchar', [26], true],
    ['price', 'double', [], true],
  ]);
  assert.equal(table.keys?.type, 'PRIMARY');
  assert.deepEqual(table.keys?.columns.map((c) => c.name), ['order_id', 'pay_dt']);
  assert.equal(table.distributedBy?.buckets, 5);
  assert.equal(table.engine?.name, 'OLAP');
  assert.equal(table.columns[0].comment?.value, 'Order ID');
});

test('every statement of the seed document lints without errors or warnings', () => {
  const text = readFileSync(join(fixtures, 'seed.sql'), 'utf8');
  const diagnostics = analyze({ uri: 'seed.sql', text });
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning'), []);
  // The one note: temp_gender is the seed's own placeholder column.
  assert.deepEqual(diagnostics.map((d) => [d.code, sourceText(text, d.span)]), [['RL403', 'temp_gender']]);
  const kinds = parse(text).statements.map((s) => s.statement?.kind);
  assert.deepEqual(kinds, ['createRoutineLoad', 'showRoutineLoad', 'createRoutineLoad', 'use', 'showRoutineLoad', 'showRoutineLoad', 'pauseRoutineLoad', 'resumeRoutineLoad', 'alterRoutineLoad', 'stopRoutineLoad', 'createTable', 'createRoutineLoad', 'showRoutineLoad', 'foreign']);
});

test('ordinary SQL of other systems gets no diagnostic at all', () => {
  const text = readFileSync(join(fixtures, 'foreign.sql'), 'utf8');
  assert.deepEqual(analyze({ uri: 'foreign.sql', text }), []);
});

test('CREATE ROUTINE LOAD builds the whole tree', () => {
  const text = `CREATE ROUTINE LOAD db.job ON tbl
    COLUMNS TERMINATED BY ',', ROWS TERMINATED BY '\\n',
    COLUMNS (a, \`b\`, c = CASE WHEN a > 1 THEN 'x' ELSE NULL END, d = CAST(a AS DECIMAL(10, 2))),
    WHERE a IS NOT NULL AND b NOT IN (1, 2) AND c BETWEEN 1 AND 5 AND d NOT LIKE 'x%',
    TEMPORARY PARTITION (p1, p2)
    PROPERTIES ("format" = 'json')
    FROM KAFKA ("kafka_topic" = "t");`;
  const s = parse(text).statements[0];
  assert.deepEqual(s.errors, []);
  const st = s.statement;
  assert.ok(st && st.kind === 'createRoutineLoad');
  assert.equal(st.job.db?.name, 'db');
  assert.deepEqual(st.loadProperties.map((p) => p.kind), ['columnSeparator', 'rowDelimiter', 'columns', 'where', 'partitions']);
  const cols = st.loadProperties[2];
  assert.ok(cols.kind === 'columns');
  assert.deepEqual(cols.columns.map((c) => c.name.name), ['a', 'b']. concat(['c', 'd']));
  assert.equal(cols.columns[2].expr?.kind, 'case');
  const cast = cols.columns[3].expr;
  assert.ok(cast?.kind === 'cast');
  assert.deepEqual(cast.type.params, [10, 2]);
  assert.equal(st.jobProperties?.properties[0].value.value, 'json');
  assert.equal(st.dataSource?.type.name, 'KAFKA');
  assert.equal(sourceText(text, st.dataSource!.properties[0].key.span), '"kafka_topic"');
});

test('SHOW statements', () => {
  const r = parse('SHOW ALL ROUTINE LOAD FOR db.j FROM db WHERE State = "PAUSED" ORDER BY CreateTime DESC LIMIT 5, 10; SHOW CREATE ROUTINE LOAD db.j; SHOW ROUTINE LOAD TASK FROM db WHERE JobName = "j"');
  const [a, b, c] = r.statements.map((s) => s.statement);
  assert.ok(a?.kind === 'showRoutineLoad' && a.all && a.job?.name.name === 'j' && a.fromDb?.name === 'db');
  assert.deepEqual(a.limit && { count: a.limit.count, offset: a.limit.offset }, { count: 10, offset: 5 });
  assert.equal(a.orderBy[0].descending, true);
  assert.equal(b?.kind, 'showCreateRoutineLoad');
  assert.equal(c?.kind, 'showRoutineLoadTask');
});

test('parseExpression and parseColumnMappings (Stream Load headers)', () => {
  const e = parseExpression("k1 > 1 AND upper(k2) LIKE 'A%' OR k3 IS NULL");
  assert.deepEqual(e.errors, []);
  assert.ok(e.expr?.kind === 'binary' && e.expr.op === 'OR');
  const bad = parseExpression('k1 > ');
  assert.equal(bad.errors.length, 1);
  const m = parseColumnMappings('c1,c2,tmp,c3=upper(tmp)');
  assert.deepEqual(m.errors, []);
  assert.deepEqual(m.columns.map((c) => [c.name.name, c.expr?.kind]), [['c1', undefined], ['c2', undefined], ['tmp', undefined], ['c3', 'call']]);
});

test('splitting respects strings, comments, \\G and DELIMITER', () => {
  const segs = splitStatements("SELECT ';'; -- x;\n/* ; */ SELECT 2\\G\nDELIMITER //\nSELECT 3; SELECT 4 //\nDELIMITER ;\nSELECT 5");
  assert.equal(segs.length, 4);
});

test('unquote, LineIndex', () => {
  assert.equal(unquote('"a\\"b"'), 'a"b');
  assert.equal(unquote("'it''s'"), "it's");
  assert.equal(unquote('`a``b`'), 'a`b');
  assert.equal(unquote('"\\x01"'), '\\x01');
  const li = new LineIndex('ab\ncd\r\nef');
  assert.deepEqual(li.positionAt(4), { line: 1, character: 1 });
  assert.equal(li.offsetAt({ line: 2, character: 1 }), 8);
});
