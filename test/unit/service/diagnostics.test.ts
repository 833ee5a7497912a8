import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LanguageService } from '../../../server/src/service';
import { withTables } from './helpers';

const JOB = 'CREATE ROUTINE LOAD db.j ON orders PROPERTIES ("desired_concurrent_number" = "0") FROM KAFKA ("kafka_broker_list" = "k:1", "kafka_topic" = "t");';

describe('diagnostics', () => {
  it('reports the core codes with positions and fix data', () => {
    const svc = withTables();
    const doc = TextDocument.create('file:///d.sql', 'sql', 1, JOB);
    const [d] = svc.diagnostics(doc);
    assert.equal(d.code, 'RL104');
    assert.equal(d.severity, 1);
    assert.equal(d.source, 'routine-load');
    assert.deepEqual(d.data, { fix: 'clamp', value: '1' });
    assert.equal(JOB.slice(doc.offsetAt(d.range.start), doc.offsetAt(d.range.end)), '"0"');
  });

  it('lowers, raises or silences a rule by code', () => {
    const svc = withTables();
    const doc = TextDocument.create('file:///d.sql', 'sql', 1, JOB);
    svc.configure({ diagnostics: { rules: { RL104: 'hint' } } });
    assert.equal(svc.diagnostics(doc)[0].severity, 4);
    svc.configure({ diagnostics: { rules: { RL104: 'off' } } });
    assert.deepEqual(svc.diagnostics(doc), []);
    svc.configure({ diagnostics: { enable: false } });
    assert.deepEqual(svc.diagnostics(TextDocument.create('file:///e.sql', 'sql', 1, 'STOP ROUTINE LOAD FOR;')), []);
    svc.configure({ diagnostics: { rules: { RL104: 'loud', RL105: 42 } }, junk: true });
    assert.deepEqual(svc.currentSettings.diagnostics.rules, {}, 'malformed settings are ignored');
  });

  it('never flags statements it does not own', () => {
    const svc = new LanguageService();
    const doc = TextDocument.create('file:///f.sql', 'sql', 1, 'SELECT * FROM t WHERE x = ;\nINSERT INTO t VALUES (1;\nCREATE VIEW v AS SELECT 1;');
    assert.deepEqual(svc.diagnostics(doc), []);
  });

  it('sees tables defined in other workspace files', () => {
    const svc = new LanguageService();
    svc.setWorkspaceFile('file:///c.sql', 'CREATE TABLE db.orderss (id BIGINT) DUPLICATE KEY (id) DISTRIBUTED BY HASH(id) BUCKETS 1;');
    const doc = TextDocument.create('file:///g.sql', 'sql', 1, JOB.replace('"0"', '"1"'));
    assert.ok(svc.diagnostics(doc).some((d) => d.code === 'RL401'));
    svc.setWorkspaceFile('file:///t.sql', 'CREATE TABLE db.orders (id BIGINT) DUPLICATE KEY (id) DISTRIBUTED BY HASH(id) BUCKETS 1;');
    const again = TextDocument.create('file:///g.sql', 'sql', 2, doc.getText());
    assert.ok(!svc.diagnostics(again).some((d) => d.code === 'RL401'));
  });

  it('keeps one parse per document version', () => {
    const svc = new LanguageService();
    const doc = TextDocument.create('file:///h.sql', 'sql', 1, JOB);
    const first = svc.state(doc);
    assert.equal(svc.state(doc), first);
    TextDocument.update(doc, [{ text: 'PAUSE ROUTINE LOAD FOR j;' }], 2);
    const second = svc.state(doc);
    assert.notEqual(second, first);
    assert.equal(second.version, 2);
    assert.equal(second.parse.statements[0].statement?.kind, 'pauseRoutineLoad');
  });
});
