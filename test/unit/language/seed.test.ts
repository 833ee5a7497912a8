// The seed module (cli/src/seed.ts) that the demo and the tests run is the seed document's text:
// its table and jobs stand verbatim in test/fixtures/seed.sql (the document's own broker lists put
// back), and what it adds lints clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../server/src/language';
import { CSV_TABLE_DDL, SEED_DDL, csvJobStatement, jsonJobStatement } from '../../../cli/src/seed';

const document = readFileSync(join(__dirname, '..', '..', 'fixtures', 'seed.sql'), 'utf8');

test("the seed module's Step 2 table and both jobs are the seed document's, verbatim", () => {
  assert.ok(document.includes(CSV_TABLE_DDL), 'Step 2 table');
  assert.ok(document.includes(csvJobStatement('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092')), 'CSV job');
  assert.ok(document.includes(jsonJobStatement('<kafka_broker1_ip>:<kafka_broker1_port>,<kafka_broker2_ip>:<kafka_broker2_port>')), 'JSON job');
});

test("the seed module's tables and jobs, with a real broker list, lint clean", () => {
  const text = [SEED_DDL, csvJobStatement('127.0.0.1:9092'), jsonJobStatement('127.0.0.1:9092', { topic: 't', job: 'j' })].join('\n\n');
  const diagnostics = analyze({ uri: 'seed.sql', text });
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning'), []);
});
