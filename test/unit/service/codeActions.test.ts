import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction } from 'vscode-languageserver-types';
import { LanguageService } from '../../../server/src/service';

/** Apply the first action whose title matches, for the diagnostic with `code`; returns the new text. */
function fix(text: string, code: string, title: RegExp): string {
  const svc = new LanguageService();
  const doc = TextDocument.create('file:///q.sql', 'sql', 1, text);
  const d = svc.diagnostics(doc).find((x) => x.code === code);
  assert.ok(d, `${code} among ${svc.diagnostics(doc).map((x) => x.code).join(',')}`);
  const actions: CodeAction[] = svc.codeActions(doc, d.range, { diagnostics: [d] });
  const action = actions.find((a) => title.test(a.title));
  assert.ok(action, `${title} among ${actions.map((a) => a.title).join(' | ')}`);
  return TextDocument.applyEdits(doc, action.edit!.changes!['file:///q.sql']);
}

const KAFKA = 'FROM KAFKA ("kafka_broker_list" = "k:9092", "kafka_topic" = "t")';

describe('quick fixes', () => {
  it('clamps an out-of-range value to the nearest valid one', () => {
    assert.match(fix(`CREATE ROUTINE LOAD j ON t PROPERTIES ("max_batch_interval" = "2") ${KAFKA};`, 'RL104', /Change to 5/), /"max_batch_interval" = "5"/);
    assert.match(fix(`CREATE ROUTINE LOAD j ON t PROPERTIES ("max_batch_interval" = "600") ${KAFKA};`, 'RL106', /Change to 60/), /"max_batch_interval" = "60"/);
  });

  it('fixes a misspelt property', () => {
    assert.match(fix(`CREATE ROUTINE LOAD j ON t PROPERTIES ("desired_concurent_number" = "2") ${KAFKA};`, 'RL101', /desired_concurrent_number/), /"desired_concurrent_number" = "2"/);
  });

  it('adds a missing required property in the list’s layout', () => {
    const text = 'CREATE ROUTINE LOAD j ON t\nFROM KAFKA (\n    "kafka_broker_list" = "k:9092"\n);';
    const fixed = fix(text, 'RL201', /Add "kafka_topic"/);
    assert.match(fixed, /"kafka_broker_list" = "k:9092",\n {4}"kafka_topic" = /);
  });

  it('replaces a deprecated property', () => {
    const fixed = fix(`CREATE ROUTINE LOAD j ON t PROPERTIES ("max_batch_size" = "209715200") ${KAFKA};`, 'RL107', /task_consume_second/);
    assert.match(fixed, /"task_consume_second" = "3"/);
    assert.doesNotMatch(fixed, /max_batch_size/);
  });

  it('removes a property that does not apply, with its comma', () => {
    const fixed = fix(`CREATE ROUTINE LOAD j ON t PROPERTIES ("format" = "json", "trim_space" = "true") ${KAFKA};`, 'RL113', /Remove trim_space/);
    assert.match(fixed, /PROPERTIES \("format" = "json"\)/);
  });

  it('quotes an unquoted value', () => {
    const fixed = fix(`CREATE ROUTINE LOAD j ON t PROPERTIES ("desired_concurrent_number" = 2) ${KAFKA};`, 'RL002', /Quote/);
    assert.match(fixed, /"desired_concurrent_number" = "2"/);
  });

  it('adds jsonpaths to a JSON job from its COLUMNS', () => {
    const svc = new LanguageService();
    const text = `CREATE ROUTINE LOAD j ON t COLUMNS (id, name, d = from_unixtime(id))\nPROPERTIES (\n    "format" = "json"\n)\n${KAFKA};`;
    const doc = TextDocument.create('file:///q.sql', 'sql', 1, text);
    const actions = svc.codeActions(doc, { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } }, { diagnostics: [] });
    const add = actions.find((a) => a.title === 'Add jsonpaths from COLUMNS')!;
    const fixed = TextDocument.applyEdits(doc, add.edit!.changes!['file:///q.sql']);
    assert.match(fixed, /"format" = "json",\n {4}"jsonpaths" = "\[\\"\$\.id\\",\\"\$\.name\\"\]"/);
    const after = TextDocument.create('file:///q.sql', 'sql', 2, fixed);
    assert.deepEqual(svc.diagnostics(after).filter((d) => d.severity === 1), [], 'the fixed job lints clean');
  });

  it('ignores diagnostics of other sources and without data', () => {
    const svc = new LanguageService();
    const doc = TextDocument.create('file:///q.sql', 'sql', 1, 'SELECT 1');
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    assert.deepEqual(svc.codeActions(doc, range, { diagnostics: [{ range, message: 'x', source: 'other', data: { fix: 'clamp', value: '1' } }] }), []);
  });
});
