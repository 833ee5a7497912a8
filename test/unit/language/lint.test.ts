// `routine-load lint`: output formats, exit codes, globs, one workspace over all files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lint, { expandArguments, lintFiles } from '../../../cli/src/commands/lint';

function capture(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  return run().then(
    (code) => {
      process.stdout.write = write;
      return { code, out };
    },
    (error) => {
      process.stdout.write = write;
      throw error;
    },
  );
}

const dir = mkdtempSync(join(tmpdir(), 'rl-lint-'));
mkdirSync(join(dir, 'jobs'));
writeFileSync(join(dir, 'tables.sql'), 'CREATE TABLE db1.t (id BIGINT NOT NULL, v INT) DUPLICATE KEY (id) DISTRIBUTED BY HASH(id);\n');
writeFileSync(join(dir, 'jobs', 'bad.sql'), 'SELECT 1;\nCREATE ROUTINE LOAD db1.j ON t COLUMNS (v)\nPROPERTIES ("max_batch_interval" = "1")\nFROM KAFKA ("kafka_broker_list" = "k:9092", "kafka_topic" = "x");\n');
writeFileSync(join(dir, 'jobs', 'good.sql'), 'CREATE ROUTINE LOAD db1.g ON t COLUMNS (id, v) FROM KAFKA ("kafka_broker_list" = "k:9092", "kafka_topic" = "x");\n');

test('globs expand ** and *', () => {
  assert.equal(expandArguments(['**/*.sql'], dir).length, 3);
  assert.equal(expandArguments(['*.sql'], dir).length, 1);
  assert.equal(expandArguments(['jobs/*.sql'], dir).length, 2);
  assert.equal(expandArguments(['jobs'], dir).length, 2);
});

test('text output is file:line:col severity code message, and an error exits 1', async () => {
  const { code, out } = await capture(() => lint.run([join(dir, 'tables.sql'), join(dir, 'jobs', 'bad.sql')]));
  assert.equal(code, 1);
  const lines = out.trim().split('\n');
  assert.ok(lines.some((l) => /bad\.sql:3:36 error RL104 max_batch_interval should >= 5/.test(l)), out);
  // The table from the other file is seen: id is NOT NULL and gets no value.
  assert.ok(lines.some((l) => /bad\.sql:2:\d+ warning RL402/.test(l)), out);
});

test('--format json and exit 0 without errors', async () => {
  const { code, out } = await capture(() => lint.run(['--format', 'json', join(dir, 'tables.sql'), join(dir, 'jobs', 'good.sql')]));
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out), []);
  const records = lintFiles([join(dir, 'jobs', 'bad.sql')]);
  assert.deepEqual(Object.keys(records[0]).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
});
