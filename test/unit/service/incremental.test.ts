// Incremental chunking and parsing must give exactly what a full parse gives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse } from '../../../server/src/language';
import { LanguageService } from '../../../server/src/service';
import { chunk } from '../../../server/src/service/incremental';
import { TABLES } from './helpers';

const BASE = `${TABLES}
CREATE ROUTINE LOAD db.a ON orders COLUMNS (id, name) PROPERTIES ("format" = "json") FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "a");
SELECT 'x;y' FROM t; -- a ; in a comment
PAUSE ROUTINE LOAD FOR a;
CREATE ROUTINE LOAD db.b ON orders PROPERTIES ("max_batch_interval" = "3") FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "b");
/* block ; comment */ SHOW ROUTINE LOAD FOR b;
`;

const EDITS = ['x', ';', "'", '"', ' ', '\n', '/*', '*/', '--', 'PROPERTIES (', ')', ''];

function shape(text: string): string {
  return JSON.stringify(parse(text).statements);
}

describe('incremental parsing', () => {
  it('matches a full parse after every kind of edit anywhere', () => {
    let seed = 11;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const svc = new LanguageService();
    const doc = TextDocument.create('file:///inc.sql', 'sql', 1, BASE);
    svc.diagnostics(doc);
    for (let version = 2; version < 160; version++) {
      const text = doc.getText();
      const at = random(text.length + 1);
      const removed = random(4);
      const insert = EDITS[random(EDITS.length)];
      TextDocument.update(doc, [{ range: { start: doc.positionAt(at), end: doc.positionAt(Math.min(text.length, at + removed)) }, text: insert }], version);
      // Completion in between, as when typing: derives chunks without a parse.
      if (version % 3 === 0) svc.completion(doc, doc.positionAt(at));
      const state = svc.parsed(doc);
      assert.equal(JSON.stringify(state.parse.statements), shape(doc.getText()), `after inserting ${JSON.stringify(insert)} at ${at}`);
      assert.deepEqual(state.chunks, chunk(doc.getText()));
    }
  });
});

describe('incremental diagnostics', () => {
  // Edits that change what other statements' analysis depends on: table columns (RL403, RL402),
  // USE (the database), job names (RL306), DELIMITER and \G (statement ends), $$ quoting.
  const PIECES = ['x', ';', "'", '"', ' ', '\n', '/*', '*/', '--', '(', ')', ',', 'USE db2;\n', 'USE db;\n', 'extra INT NOT NULL,', 'name', 'nick',
    'CREATE ROUTINE LOAD db.a ON orders COLUMNS (id, nick) FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "a");\n',
    '"max_batch_interval" = "1",', 'DELIMITER //\n', '\\G', '$$', 'NOT ', 'abs(', ''];

  it('equal a from-scratch analysis after random edits, in this file and in another one', () => {
    let seed = 29;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const svc = new LanguageService();
    const other = TextDocument.create('file:///other.sql', 'sql', 1, `${TABLES}\nCREATE ROUTINE LOAD db.b ON orders COLUMNS (id, name) FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "b");\n`);
    const doc = TextDocument.create('file:///inc.sql', 'sql', 1, BASE);
    svc.diagnostics(other);
    svc.diagnostics(doc);
    for (let version = 2; version < 260; version++) {
      // Mostly this document; sometimes the other one (its tables and jobs feed this one's analysis).
      const target = random(5) === 0 ? other : doc;
      const text = target.getText();
      const at = random(text.length + 1);
      const removed = random(3) === 0 ? random(40) : random(4);
      const insert = PIECES[random(PIECES.length)];
      TextDocument.update(target, [{ range: { start: target.positionAt(at), end: target.positionAt(Math.min(text.length, at + removed)) }, text: insert }], target.version + 1);
      if (version % 4 === 0) svc.completion(doc, doc.positionAt(Math.min(at, doc.getText().length)));
      if (target === other) svc.diagnostics(other);
      const incremental = svc.diagnostics(doc);
      // From scratch: a new service that sees both documents for the first time.
      const fresh = new LanguageService();
      fresh.diagnostics(TextDocument.create(other.uri, 'sql', other.version, other.getText()));
      const expected = fresh.diagnostics(TextDocument.create(doc.uri, 'sql', doc.version, doc.getText()));
      assert.deepEqual(incremental, expected, `version ${version}: inserting ${JSON.stringify(insert)} at ${at} in ${target.uri}`);
    }
  });
});

describe('cached analysis follows the definitions it depends on', () => {
  it('a table edited in another file, a USE added, a job name taken: each shows up at once', () => {
    const svc = new LanguageService();
    const tables = TextDocument.create('file:///tables.sql', 'sql', 1, TABLES);
    const jobs = TextDocument.create('file:///jobs.sql', 'sql', 1, 'CREATE ROUTINE LOAD db.a ON orders COLUMNS (id, nick) FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "a");\n');
    svc.diagnostics(tables);
    const codes = (): string[] => svc.diagnostics(jobs).map((d) => String(d.code)).sort();
    assert.deepEqual(codes(), ['RL403']);
    // A column `nick` in the table: no placeholder any more.
    TextDocument.update(tables, [{ range: { start: tables.positionAt(TABLES.indexOf('  price')), end: tables.positionAt(TABLES.indexOf('  price')) }, text: '  nick INT,\n' }], 2);
    svc.diagnostics(tables);
    assert.deepEqual(codes(), []);
    // A NOT NULL column without a default: RL402.
    TextDocument.update(tables, [{ range: { start: tables.positionAt(TABLES.indexOf('  price')), end: tables.positionAt(TABLES.indexOf('  price')) }, text: '  must INT NOT NULL,\n' }], 3);
    svc.diagnostics(tables);
    assert.deepEqual(codes(), ['RL402']);
    // The same job name again in another file: RL306 on this one, though its text did not change.
    const again = TextDocument.create('file:///again.sql', 'sql', 1, 'CREATE ROUTINE LOAD db.a ON orders COLUMNS (id) FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "x");\n');
    svc.diagnostics(again);
    assert.deepEqual(codes(), ['RL306', 'RL402']);
    // A statement edited elsewhere in this file leaves the job's diagnostics where they belong.
    TextDocument.update(jobs, [{ range: { start: jobs.positionAt(0), end: jobs.positionAt(0) }, text: 'SELECT 1;\n' }], 2);
    const moved = svc.diagnostics(jobs);
    assert.equal(moved.find((d) => d.code === 'RL402')?.range.start.line, 1);
  });
});
