import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LanguageService } from '../../../server/src/service';
import { TABLES } from './helpers';

const JOBS = `USE db;
CREATE ROUTINE LOAD db.orders_job ON orders
COLUMNS (id, name)
PROPERTIES (
    "format" = "json"
)
FROM KAFKA (
    "kafka_broker_list" = "k:1",
    "kafka_topic" = "orders"
);
PAUSE ROUTINE LOAD FOR orders_job;`;

function setup(): { svc: LanguageService; doc: TextDocument } {
  const svc = new LanguageService();
  svc.setWorkspaceFile('file:///ws/tables.sql', TABLES);
  return { svc, doc: TextDocument.create('file:///ws/jobs.sql', 'sql', 1, JOBS) };
}

describe('symbols, definition and folding', () => {
  it('lists jobs and tables in the outline', () => {
    const { svc, doc } = setup();
    const symbols = svc.documentSymbols(doc);
    assert.deepEqual(symbols.map((s) => s.name), ['db.orders_job', 'PAUSE orders_job']);
    assert.equal(symbols[0].detail, 'ROUTINE LOAD ON orders ← orders');
    const tables = svc.documentSymbols(TextDocument.create('file:///ws/t.sql', 'sql', 1, TABLES));
    assert.equal(tables[0].name, 'db.orders');
    assert.deepEqual(tables[0].children!.map((c) => c.name), ['id', 'name', 'price', 'pay_time']);
  });

  it('goes from a job name to its CREATE, a table to its CREATE TABLE, a column to its definition', () => {
    const { svc, doc } = setup();
    const job = svc.definition(doc, doc.positionAt(JOBS.lastIndexOf('orders_job') + 2));
    assert.deepEqual(job.map((l) => [l.uri, l.range.start.line]), [['file:///ws/jobs.sql', 1]]);
    const table = svc.definition(doc, doc.positionAt(JOBS.indexOf('ON orders') + 4));
    assert.deepEqual(table.map((l) => [l.uri, l.range.start.line]), [['file:///ws/tables.sql', 0]]);
    const column = svc.definition(doc, doc.positionAt(JOBS.indexOf('name)') + 1));
    assert.deepEqual(column.map((l) => [l.uri, l.range.start.line, l.range.start.character]), [['file:///ws/tables.sql', 2, 2]]);
  });

  it('folds each statement and its property lists', () => {
    const { svc, doc } = setup();
    const folds = svc.foldingRanges(doc).map((f) => [f.startLine, f.endLine]);
    assert.deepEqual(folds, [[1, 9], [3, 4], [6, 8]]);
  });
});
