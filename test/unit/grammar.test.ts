// The TextMate grammar injected into SQL. vscode-textmate is not a dependency, so this checks
// what can be checked in plain Node: the JSON, its wiring in package.json, and every regex
// compiled as a JavaScript RegExp after translating the Oniguruma-only syntax it uses
// (a leading `(?i)` and inline `(?i:…)` groups become the `i` flag). Then the regexes run
// over sample lines, so the scopes land where a reader expects them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ALL_PROPERTIES } from '../../server/src/language/catalogue';

const ROOT = resolve(__dirname, '../..');
const grammar = JSON.parse(readFileSync(resolve(ROOT, 'syntaxes/routine-load.injection.tmLanguage.json'), 'utf8')) as {
  scopeName: string;
  injectionSelector: string;
  patterns: { include: string }[];
  repository: Record<string, { patterns: { name?: string; match?: string; begin?: string; end?: string; captures?: Record<string, { name: string }> }[] }>;
};

/** Oniguruma → JavaScript for the constructs this grammar uses; anything else unknown fails. */
function toJs(source: string): RegExp {
  let flags = '';
  let s = source;
  if (s.startsWith('(?i)')) {
    flags = 'i';
    s = s.slice(4);
  }
  if (s.includes('(?i:')) {
    flags = 'i';
    s = s.split('(?i:').join('(?:');
  }
  assert.ok(!/\(\?[a-z]+[):]/.test(s.replace(/\(\?:/g, '')), `unsupported inline option in ${source}`);
  assert.ok(!/\\[AGzZh]|\\p\{|\\h/.test(s), `Oniguruma-only escape in ${source}`);
  return new RegExp(s, flags);
}

const rules = Object.values(grammar.repository).flatMap((r) => r.patterns);
const byComment = (needle: string): RegExp => toJs(rules.find((r) => (r as { comment?: string }).comment?.includes(needle))!.match!);

describe('routine-load TextMate grammar', () => {
  it('is wired as package.json declares it', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; path: string; injectTo: string[] }[] } };
    const entry = pkg.contributes.grammars.find((g) => g.path.endsWith('routine-load.injection.tmLanguage.json'));
    assert.ok(entry);
    assert.equal(entry.scopeName, grammar.scopeName);
    assert.deepEqual(entry.injectTo, ['source.sql']);
    assert.match(grammar.injectionSelector, /source\.sql/);
  });

  it('has only includes that resolve and regexes that compile', () => {
    for (const p of grammar.patterns) assert.ok(grammar.repository[p.include.slice(1)], p.include);
    assert.ok(rules.length >= 6);
    for (const r of rules) {
      for (const source of [r.match, r.begin, r.end]) if (source) assert.doesNotThrow(() => toJs(source), source);
      assert.ok(r.name || r.captures, 'every rule assigns a scope');
    }
  });

  it('highlights statement and clause keywords in any case', () => {
    const keywordRules = rules.filter((r) => r.name === 'keyword.other.routine-load.sql').map((r) => toJs(r.match!));
    const hits = (line: string): boolean => keywordRules.some((re) => re.test(line));
    for (const line of ['CREATE ROUTINE LOAD db.j ON t', 'pause  routine load for j', 'SHOW ALL ROUTINE LOAD', 'show routine load task where', 'FROM KAFKA (', 'COLUMNS TERMINATED BY ","', 'PROPERTIES (', 'columns (a, b)']) {
      assert.ok(hits(line), line);
    }
    assert.ok(!hits('SELECT load FROM kafka_table'), 'plain words are not keywords');
  });

  it('marks every catalogue property name, and only when followed by =', () => {
    const key = byComment('known property name');
    for (const p of ALL_PROPERTIES) {
      assert.ok(key.test(`"${p.name}" = "x"`), p.name);
      assert.ok(key.test(`'${p.name}'='x'`), p.name);
    }
    assert.ok(!key.test('"kafka_topicx" = "x"'));
    assert.ok(!key.test('"kafka_topic", "x"'));
    assert.ok(!key.test(`"kafka_topic' = "x"`), 'quotes must match');
  });

  it('marks well-known values', () => {
    const value = byComment('well-known value');
    for (const v of ['OFFSET_BEGINNING', 'offset_end', 'true', 'JSON', 'sasl_ssl', 'SCRAM-SHA-512']) assert.ok(value.test(`= "${v}"`), v);
    assert.ok(!value.test('= "orders"'));
  });
});
