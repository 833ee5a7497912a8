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
