// Each analysis rule: one statement that triggers it and one that does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, CODES, WorkspaceIndex, parse } from '../../../server/src/language';

const KAFKA = '"kafka_broker_list" = "kafka-1:9092", "kafka_topic" = "orders"';

function job(opts: { props?: string; kafka?: string; load?: string; name?: string; table?: string } = {}): string {
  const props = opts.props ? `PROPERTIES (${opts.props})` : '';
  return `CREATE ROUTINE LOAD db1.${opts.name ?? 'job1'} ON ${opts.table ?? 'tbl'} ${opts.load ?? ''} ${props} FROM KAFKA (${opts.kafka ?? KAFKA});`;
}

function codes(text: string, workspace?: WorkspaceIndex): string[] {
  return analyze({ uri: 'file:///a.sql', text }, workspace).map((d) => d.code);
}

const TABLE = `CREATE TABLE db1.tbl (id BIGINT NOT NULL, name VARCHAR(20) NULL, dt DATE NOT NULL DEFAULT "2020-01-01", v INT) PRIMARY KEY (id) DISTRIBUTED BY HASH(id) BUCKETS 1;\n`;

const cases: { code: string; bad: string; good: string }[] = [
  { code: 'RL001', bad: `CREATE ROUTINE LOAD db1.j ON t PROPERTIES ("a" = ) FROM KAFKA (${KAFKA});`, good: job() },
  { code: 'RL002', bad: job({ props: '"desired_concurrent_number" = 5' }), good: job({ props: '"desired_concurrent_number" = "5"' }) },
  { code: 'RL003', bad: 'PAUSE ALL ROUTINE LOAD;', good: 'PAUSE ROUTINE LOAD FOR db1.job1;' },
  { code: 'RL101', bad: job({ props: '"desired_concurent_number" = "5"' }), good: job({ props: '"desired_concurrent_number" = "5"' }) },
  { code: 'RL102', bad: job({ props: '"max_error_number" = "1", "max_error_number" = "2"' }), good: job({ props: '"max_error_number" = "1"' }) },
  { code: 'RL103', bad: job({ props: '"max_error_number" = "ten"' }), good: job({ props: '"max_error_number" = "10"' }) },
  { code: 'RL104', bad: job({ props: '"desired_concurrent_number" = "0"' }), good: job({ props: '"desired_concurrent_number" = "1"' }) },
  { code: 'RL104', bad: job({ props: '"max_batch_interval" = "4"' }), good: job({ props: '"max_batch_interval" = "5"' }) },
  { code: 'RL104', bad: job({ props: '"max_batch_rows" = "199999"' }), good: job({ props: '"max_batch_rows" = "200000"' }) },
  { code: 'RL104', bad: job({ props: '"max_error_number" = "-1"' }), good: job({ props: '"max_error_number" = "0"' }) },
  { code: 'RL104', bad: job({ props: '"log_rejected_record_num" = "-2"' }), good: job({ props: '"log_rejected_record_num" = "-1"' }) },
  { code: 'RL105', bad: job({ props: '"max_filter_ratio" = "1.5"' }), good: job({ props: '"max_filter_ratio" = "0.5"' }) },
  { code: 'RL106', bad: job({ props: '"max_batch_interval" = "61"' }), good: job({ props: '"max_batch_interval" = "60"' }) },
  { code: 'RL106', bad: job({ props: '"max_batch_size" = "2147483648"' }), good: job() },
  { code: 'RL107', bad: job({ props: '"max_batch_size" = "104857600"' }), good: job({ props: '"max_batch_rows" = "200000"' }) },
  { code: 'RL108', bad: job({ props: '"format" = "xml"' }), good: job({ props: '"format" = "JSON"' }) },
  { code: 'RL108', bad: job({ props: '"strict_mode" = "yes"' }), good: job({ props: '"strict_mode" = "true"' }) },
  { code: 'RL109', bad: job({ props: '"timezone" = "Mars/Olympus"' }), good: job({ props: '"timezone" = "Asia/Shanghai"' }) },
  { code: 'RL109', bad: job({ props: '"timezone" = "+25:00"' }), good: job({ props: '"timezone" = "+08:00"' }) },
  { code: 'RL110', bad: job({ props: `"format" = "json", "jsonpaths" = "[$.a]"` }), good: job({ props: `"format" = "json", "jsonpaths" = '["$.a"]'` }) },
  { code: 'RL111', bad: job({ props: '"format" = "json", "json_root" = "data"' }), good: job({ props: '"format" = "json", "json_root" = "$.data"' }) },
  { code: 'RL112', bad: job({ props: '"task_consume_second" = "10", "task_timeout_second" = "10"' }), good: job({ props: '"task_consume_second" = "10", "task_timeout_second" = "40"' }) },
  { code: 'RL113', bad: job({ props: `"jsonpaths" = '["$.a"]'` }), good: job({ props: `"format" = "json", "jsonpaths" = '["$.a"]'` }) },
  { code: 'RL114', bad: job({ load: 'COLUMNS TERMINATED BY ","', props: '"format" = "json"' }), good: job({ load: 'COLUMNS TERMINATED BY ","' }) },
  { code: 'RL115', bad: 'ALTER ROUTINE LOAD FOR db1.job1 PROPERTIES ("format" = "json");', good: 'ALTER ROUTINE LOAD FOR db1.job1 PROPERTIES ("desired_concurrent_number" = "2");' },
  { code: 'RL201', bad: job({ kafka: '"kafka_topic" = "t"' }), good: job() },
  { code: 'RL202', bad: job({ kafka: '"kafka_broker_list" = "kafka-1", "kafka_topic" = "t"' }), good: job({ kafka: '"kafka_broker_list" = "kafka-1:9092, [::1]:9093", "kafka_topic" = "t"' }) },
  { code: 'RL203', bad: job({ kafka: '"kafka_broker_list" = "k:1", "kafka_topic" = "a,b"' }), good: job() },
  { code: 'RL204', bad: job({ kafka: `${KAFKA}, "kafka_partitions" = "0,x"` }), good: job({ kafka: `${KAFKA}, "kafka_partitions" = "0, 1"` }) },
  { code: 'RL205', bad: job({ kafka: `${KAFKA}, "kafka_partitions" = "0", "kafka_offsets" = "-5"` }), good: job({ kafka: `${KAFKA}, "kafka_partitions" = "0", "kafka_offsets" = "offset_beginning"` }) },
  { code: 'RL206', bad: job({ kafka: `${KAFKA}, "kafka_partitions" = "0,1", "kafka_offsets" = "0"` }), good: job({ kafka: `${KAFKA}, "kafka_partitions" = "0,1", "kafka_offsets" = "0,OFFSET_END"` }) },
  { code: 'RL207', bad: job({ kafka: `${KAFKA}, "property.kafka_default_offsets" = "OFFSET_START"` }), good: job({ kafka: `${KAFKA}, "property.kafka_default_offsets" = "2024-01-01 00:00:00"` }) },
  { code: 'RL207', bad: job({ kafka: `${KAFKA}, "property.kafka_default_offsets" = "yesterday"` }), good: job({ kafka: `${KAFKA}, "property.kafka_default_offsets" = "1700000000"` }) },
  { code: 'RL208', bad: job({ kafka: `${KAFKA}, "kafka_group" = "g"` }), good: job({ kafka: `${KAFKA}, "property.group.id" = "g"` }) },
  { code: 'RL209', bad: job({ kafka: `${KAFKA}, "property.security.protocal" = "ssl"` }), good: job({ kafka: `${KAFKA}, "property.security.protocol" = "plaintext"` }) },
  { code: 'RL210', bad: job({ kafka: `${KAFKA}, "property.security.protocol" = "tls"` }), good: job({ kafka: `${KAFKA}, "property.security.protocol" = "SSL"` }) },
  { code: 'RL211', bad: job({ kafka: `${KAFKA}, "property.ssl.ca.location" = "FILE:ca"` }), good: job({ kafka: `${KAFKA}, "property.security.protocol" = "ssl", "property.ssl.ca.location" = "FILE:ca"` }) },
  { code: 'RL211', bad: job({ kafka: `${KAFKA}, "property.security.protocol" = "ssl", "property.ssl.key.location" = "FILE:k"` }), good: job({ kafka: `${KAFKA}, "property.security.protocol" = "ssl", "property.ssl.key.location" = "FILE:k", "property.ssl.certificate.location" = "FILE:c"` }) },
  { code: 'RL212', bad: job({ kafka: `${KAFKA}, "property.sasl.username" = "u", "property.sasl.password" = "p"` }), good: job({ kafka: `${KAFKA}, "property.security.protocol" = "sasl_plaintext", "property.sasl.mechanism" = "PLAIN", "property.sasl.username" = "u", "property.sasl.password" = "p"` }) },
  { code: 'RL213', bad: 'ALTER ROUTINE LOAD FOR db1.job1 FROM KAFKA ("kafka_topic" = "other");', good: 'ALTER ROUTINE LOAD FOR db1.job1 FROM KAFKA ("kafka_broker_list" = "k:9092");' },
  { code: 'RL214', bad: 'ALTER ROUTINE LOAD FOR db1.job1 FROM KAFKA ("kafka_partitions" = "0");', good: 'ALTER ROUTINE LOAD FOR db1.job1 FROM KAFKA ("kafka_partitions" = "0", "kafka_offsets" = "100");' },
  { code: 'RL215', bad: `CREATE ROUTINE LOAD db1.j ON t FROM KINESIS (${KAFKA});`, good: job() },
  { code: 'RL216', bad: 'CREATE ROUTINE LOAD db1.j ON t PROPERTIES ("format" = "json");', good: job() },
  { code: 'RL301', bad: job({ load: 'WHERE a > 1, WHERE b > 2' }), good: job({ load: 'WHERE a > 1 AND b > 2' }) },
  { code: 'RL302', bad: job({ load: 'PARTITION (p1), TEMPORARY PARTITION (tp1)' }), good: job({ load: 'TEMPORARY PARTITION (tp1, tp2)' }) },
  { code: 'RL303', bad: job({ load: 'PARTITION ()' }), good: job({ load: 'PARTITION (p1)' }) },
  { code: 'RL304', bad: job({ load: 'COLUMNS TERMINATED BY "\\x0"' }), good: job({ load: 'COLUMNS TERMINATED BY "\\x01"' }) },
  { code: 'RL304', bad: job({ load: 'ROWS TERMINATED BY ""' }), good: job({ load: 'ROWS TERMINATED BY "\\n"' }) },
  { code: 'RL305', bad: job({ name: '`1job`' }), good: job({ name: '_1job' }) },
  { code: 'RL306', bad: job({ name: 'same' }) + job({ name: 'same' }), good: job({ name: 'same' }) + job({ name: 'other' }) },
  { code: 'RL307', bad: "SHOW ROUTINE LOAD LIKE '%orders%';", good: "SHOW ROUTINE LOAD WHERE Name LIKE '%orders%';" },
  { code: 'RL308', bad: "SHOW ALL ROUTINE LOAD WHERE State = 'UNSTABLE';", good: "SHOW ALL ROUTINE LOAD WHERE State = 'PAUSED';" },
  { code: 'RL309', bad: 'SHOW ROUTINE LOAD TASK FROM db1;', good: 'SHOW ROUTINE LOAD TASK FROM db1 WHERE JobName = "job1";' },
  { code: 'RL309', bad: 'SHOW ROUTINE LOAD TASK WHERE JobName LIKE "job%";', good: 'SHOW ROUTINE LOAD TASK WHERE JobName = "job1";' },
  { code: 'RL310', bad: "SHOW ROUTINE LOAD WHERE Name = 'a' OR Name = 'b';", good: "SHOW ROUTINE LOAD WHERE Name = 'a' AND State = 'RUNNING' ORDER BY CreateTime DESC LIMIT 10;" },
  { code: 'RL310', bad: "SHOW ROUTINE LOAD WHERE Topic = 'a';", good: "SHOW ROUTINE LOAD WHERE TableName = 'a';" },
  { code: 'RL310', bad: 'SHOW ROUTINE LOAD WHERE CreateTime > 20240101;', good: "SHOW ROUTINE LOAD WHERE CreateTime >= '2024-01-01 00:00:00' AND EndTime < '2025-01-01';" },
  { code: 'RL310', bad: "SHOW ROUTINE LOAD WHERE Id = '7';", good: 'SHOW ROUTINE LOAD WHERE Id >= 7 AND CurrentTaskNum != 0;' },
  { code: 'RL310', bad: 'SHOW ROUTINE LOAD WHERE CurrentTaskNum + 1 > 2;', good: 'SHOW ROUTINE LOAD WHERE CurrentTaskNum > 1;' },
  { code: 'RL310', bad: 'SHOW ROUTINE LOAD WHERE Name = 5;', good: "SHOW ROUTINE LOAD WHERE Name != '5';" },
  { code: 'RL401', bad: TABLE + job({ table: 'tbll', load: 'COLUMNS (id, dt)' }), good: TABLE + job({ table: 'tbl', load: 'COLUMNS (id, dt)' }) },
  { code: 'RL402', bad: TABLE + job({ load: 'COLUMNS (name, v)' }), good: TABLE + job({ load: 'COLUMNS (id, name)' }) },
  { code: 'RL403', bad: TABLE + job({ load: 'COLUMNS (id, skip_me)' }), good: TABLE + job({ load: 'COLUMNS (id, src, name = upper(src))' }) },
  { code: 'RL404', bad: job({ load: 'COLUMNS (a, b, c = a + b)', props: `"format" = "json", "jsonpaths" = '["$.a"]'` }), good: job({ load: 'COLUMNS (a, b, c = a + b)', props: `"format" = "json", "jsonpaths" = '["$.a","$.b"]'` }) },
  { code: 'RL405', bad: job({ load: 'COLUMNS (a, b = upperr(a))' }), good: job({ load: 'COLUMNS (a, b = upper(a))' }) },
  { code: 'RL406', bad: job({ load: "COLUMNS (a, b = from_unixtime(a, '%Y', 3))" }), good: job({ load: "COLUMNS (a, b = from_unixtime(a, '%Y'))" }) },
];

for (const c of cases) {
  test(`${c.code} triggers: ${c.bad.slice(0, 90)}`, () => {
    assert.ok(codes(c.bad).includes(c.code), `expected ${c.code} in ${JSON.stringify(analyze({ uri: 'x', text: c.bad }))}`);
  });
  test(`${c.code} stays quiet: ${c.good.slice(0, 90)}`, () => {
    const found = analyze({ uri: 'x', text: c.good });
    assert.ok(!found.some((d) => d.code === c.code), `unexpected ${c.code}: ${JSON.stringify(found)}`);
  });
}

test('every code used by the rules is documented', () => {
  for (const c of cases) assert.ok(CODES[c.code], c.code);
});

test('a job name is a duplicate across files of one workspace, not across databases', () => {
  const ws = new WorkspaceIndex();
  ws.update('a.sql', parse(job({ name: 'shared' })));
  const other = 'USE db2;\n' + job({ name: 'shared' }).replace('db1.shared', 'shared');
  ws.update('b.sql', parse(other));
  assert.ok(!analyze({ uri: 'b.sql', text: other }, ws).some((d) => d.code === 'RL306'));
  const same = job({ name: 'shared' });
  ws.update('c.sql', parse(same));
  const d = analyze({ uri: 'c.sql', text: same }, ws).find((x) => x.code === 'RL306');
  assert.ok(d);
  assert.equal(same.slice(d.span.start, d.span.end), 'shared');
});

test('tables defined in another file are seen through the workspace', () => {
  const ws = new WorkspaceIndex();
  ws.update('ddl.sql', parse(TABLE));
  const text = job({ load: 'COLUMNS (name)' });
  ws.update('jobs.sql', parse(text));
  assert.ok(codes(text, ws).includes('RL402'));
});

test('ranges and messages are precise', () => {
  const text = job({ props: '"max_batch_interval" = "3"' });
  const [d] = analyze({ uri: 'x', text });
  assert.equal(d.code, 'RL104');
  assert.equal(text.slice(d.span.start, d.span.end), '"3"');
  assert.match(d.message, /max_batch_interval should >= 5/);
  assert.deepEqual(d.data, { fix: 'clamp', value: '5' });
  const typo = job({ kafka: `${KAFKA}, "property.security.protocal" = "ssl"` });
  const t = analyze({ uri: 'x', text: typo }).find((x) => x.code === 'RL209');
  assert.deepEqual(t?.data, { fix: 'rename', to: 'property.security.protocol' });
  const trailing = `CREATE ROUTINE LOAD db1.j ON t PROPERTIES ("format" = "json",) FROM KAFKA (${KAFKA});`;
  const s = analyze({ uri: 'x', text: trailing })[0];
  assert.equal(trailing.slice(s.span.start, s.span.end), ')');
  assert.match(s.message, /trailing comma/);
  const missingValue = `CREATE ROUTINE LOAD db1.j ON t PROPERTIES ("format" = ) FROM KAFKA (${KAFKA});`;
  assert.match(analyze({ uri: 'x', text: missingValue })[0].message, /expected a quoted value after = in PROPERTIES/);
});

test('a broken statement does not hide the diagnostics of the next one', () => {
  const text = `CREATE ROUTINE LOAD db1.j ON t PROPERTIES ("a" = = ) FROM KAFKA;\n${job({ props: '"max_batch_interval" = "1"' })}`;
  const found = codes(text);
  assert.ok(found.includes('RL001'));
  assert.ok(found.includes('RL104'));
  const unclosed = `CREATE ROUTINE LOAD db1.j ON t PROPERTIES ("format" = "json) FROM KAFKA (${KAFKA});\n${job({ props: '"max_batch_interval" = "1"' })}`;
  const u = analyze({ uri: 'x', text: unclosed });
  assert.ok(u.some((d) => d.code === 'RL001' && /closing/.test(d.message)), JSON.stringify(u));
  assert.ok(u.some((d) => d.code === 'RL104'), JSON.stringify(u));
});
