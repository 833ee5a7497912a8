import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LanguageService } from '../../../server/src/service';
import { at, labels, withTables } from './helpers';

describe('completion', () => {
  const svc = withTables();

  it('offers statements at the start of a statement', () => {
    const l = labels(svc, 'SELECT 1;\n|');
    assert.ok(l.includes('CREATE ROUTINE LOAD') && l.includes('PAUSE ROUTINE LOAD FOR') && l.includes('SHOW ALL ROUTINE LOAD'));
  });

  it('continues keyword sequences', () => {
    assert.deepEqual(labels(svc, 'CREATE |'), ['ROUTINE LOAD', 'TABLE', 'DATABASE']);
    assert.deepEqual(labels(svc, 'PAUSE |'), ['ROUTINE LOAD FOR']);
    assert.ok(labels(svc, 'SHOW ROUTINE LOAD |').includes('WHERE'));
    assert.deepEqual(labels(svc, 'CREATE ROUTINE LOAD j ON orders FROM |'), ['KAFKA']);
  });

  it('offers tables after ON and jobs after FOR', () => {
    assert.deepEqual(labels(svc, 'CREATE ROUTINE LOAD j ON |'), ['orders']);
    const s = withTables();
    s.setWorkspaceFile('file:///test/jobs.sql', 'CREATE ROUTINE LOAD db.job_a ON orders FROM KAFKA ("kafka_broker_list"="k:1","kafka_topic"="t");');
    assert.deepEqual(labels(s, 'RESUME ROUTINE LOAD FOR |'), ['job_a']);
    assert.deepEqual(labels(s, 'STOP ROUTINE LOAD FOR db.|'), ['job_a']);
  });

  it('offers the clauses a job still lacks, in order', () => {
    const l = labels(svc, 'CREATE ROUTINE LOAD j ON orders COLUMNS (id),\n|');
    assert.ok(l.includes('WHERE') && l.includes('COLUMNS TERMINATED BY'));
    assert.ok(!l.includes('COLUMNS'), 'COLUMNS (…) is already there');
    const after = labels(svc, 'CREATE ROUTINE LOAD j ON orders PROPERTIES ("format" = "json")\n|');
    assert.deepEqual(after, ['FROM KAFKA']);
  });

  it('offers property names valid in the section and not yet present', () => {
    const job = labels(svc, 'CREATE ROUTINE LOAD j ON orders PROPERTIES ("format" = "json", |)');
    assert.ok(job.includes('jsonpaths') && job.includes('desired_concurrent_number'));
    assert.ok(!job.includes('format') && !job.includes('kafka_topic'));
    const kafka = labels(svc, 'CREATE ROUTINE LOAD j ON orders FROM KAFKA ("|');
    assert.ok(kafka.includes('kafka_topic') && kafka.includes('property.security.protocol'));
    assert.ok(!kafka.includes('format'));
    const alter = labels(svc, 'ALTER ROUTINE LOAD FOR j PROPERTIES (|');
    assert.ok(!alter.includes('format'), 'ALTER cannot change format');
  });

  it('inserts a whole "key" = "default" outside quotes and only the name inside', () => {
    const a = at('CREATE ROUTINE LOAD j ON orders PROPERTIES (|)');
    const item = a.service.completion(a.doc, a.position).items.find((i) => i.label === 'max_batch_interval')!;
    assert.equal((item.textEdit as { newText: string }).newText, '"max_batch_interval" = "${1:10}"');
    assert.match(String(item.detail), /default 10 · 5–60 seconds/);
    const b = at('CREATE ROUTINE LOAD j ON orders PROPERTIES ("max_b|" = "10")');
    const inner = b.service.completion(b.doc, b.position).items.find((i) => i.label === 'max_batch_interval')!;
    assert.equal((inner.textEdit as { newText: string }).newText, 'max_batch_interval');
  });

  it('offers values of enumerated properties', () => {
    assert.deepEqual(labels(svc, 'CREATE ROUTINE LOAD j ON orders PROPERTIES ("format" = "|")').sort(), ['csv', 'json']);
    assert.deepEqual(labels(svc, 'CREATE ROUTINE LOAD j ON orders PROPERTIES ("strict_mode" = |)').sort(), ['false', 'true']);
    assert.deepEqual(labels(svc, 'CREATE ROUTINE LOAD j ON t FROM KAFKA ("property.kafka_default_offsets" = "|")'), ['OFFSET_BEGINNING', 'OFFSET_END']);
    assert.ok(labels(svc, 'CREATE ROUTINE LOAD j ON t FROM KAFKA ("property.security.protocol" = "|")').includes('sasl_ssl'));
    assert.ok(labels(svc, 'CREATE ROUTINE LOAD j ON t FROM KAFKA ("property.sasl.mechanism" = "|")').includes('SCRAM-SHA-512'));
    assert.ok(labels(svc, 'CREATE ROUTINE LOAD j ON t PROPERTIES ("timezone" = "|")').includes('Asia/Shanghai'));
  });

  it('offers jsonpaths built from COLUMNS', () => {
    const l = labels(svc, 'CREATE ROUTINE LOAD j ON orders COLUMNS (id, name) PROPERTIES ("jsonpaths" = "|")');
    assert.deepEqual(l, ['["$.id","$.name"]']);
  });

  it('offers columns in COLUMNS and WHERE, and functions in expressions', () => {
    assert.deepEqual(labels(svc, 'CREATE ROUTINE LOAD j ON orders COLUMNS (id, |)').sort(), ['name', 'pay_time', 'price']);
    const derived = labels(svc, 'CREATE ROUTINE LOAD j ON orders COLUMNS (id, d = |)');
    assert.ok(derived.includes('from_unixtime') && derived.includes('id'));
    const where = labels(svc, 'CREATE ROUTINE LOAD j ON orders COLUMNS (id, tmp) WHERE |');
    assert.ok(where.includes('tmp') && where.includes('price') && where.includes('AND'));
  });

  it('offers topics and partitions only from metadata the client pushed', () => {
    const s = new LanguageService();
    assert.deepEqual(labels(s, 'CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_topic" = "|")'), []);
    s.setKafkaMetadata({ topics: [{ name: 'clicks', partitions: [2, 0, 1] }] });
    assert.deepEqual(labels(s, 'CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_topic" = "|")'), ['clicks']);
    assert.deepEqual(labels(s, 'CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_topic" = "clicks", "kafka_partitions" = "1,|")'), ['0', '2']);
    const offsets = labels(s, 'CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_partitions" = "0,1", "kafka_offsets" = "|")');
    assert.ok(offsets.includes('OFFSET_BEGINNING,OFFSET_BEGINNING'));
  });

  it('offers column separators and SHOW filter values', () => {
    assert.ok(labels(svc, 'CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY "|"').includes('\\t'));
    assert.ok(labels(svc, "SHOW ROUTINE LOAD WHERE State = '|'").includes('PAUSED'));
  });

  it('stays quiet in comments', () => {
    assert.deepEqual(labels(svc, 'CREATE ROUTINE LOAD j ON -- note |\n'), []);
  });
});
