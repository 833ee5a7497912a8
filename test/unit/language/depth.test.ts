// Deeply nested input: a nesting cap checked on the tokens before the grammar runs, reported on
// the token that crosses it; parse() and analyze() never throw; the walkers are iterative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, parse, parseExpression, walkExpression, type Expression } from '../../../server/src/language';

const KAFKA = 'FROM KAFKA ("kafka_topic" = "t", "kafka_broker_list" = "k:1")';
const OK = `CREATE ROUTINE LOAD db.ok ON t COLUMNS (a), PROPERTIES ("max_batch_interval" = "1") ${KAFKA};`;

function nested(kind: 'parens' | 'calls' | 'case' | 'not', depth: number): string {
  switch (kind) {
    case 'parens': return `CREATE ROUTINE LOAD db.j ON t COLUMNS (a, b = ${'('.repeat(depth)}a + 1${')'.repeat(depth)}) ${KAFKA};`;
    case 'calls': return `CREATE ROUTINE LOAD db.j ON t COLUMNS (a), WHERE ${'abs('.repeat(depth)}a${')'.repeat(depth)} > 1 ${KAFKA};`;
    case 'case': return `CREATE ROUTINE LOAD db.j ON t COLUMNS (a, b = ${'CASE WHEN a > 1 THEN '.repeat(depth)}a${' ELSE 0 END'.repeat(depth)}) ${KAFKA};`;
    case 'not': return `CREATE ROUTINE LOAD db.j ON t COLUMNS (a), WHERE ${'NOT '.repeat(depth)}a ${KAFKA};`;
  }
}

for (const kind of ['parens', 'calls', 'case', 'not'] as const) {
  test(`${kind} nested 5000 deep: one RL005 on the token that crosses the cap, the next statement still analysed`, () => {
    const text = `${nested(kind, 5000)}\n${OK}`;
    const diagnostics = analyze({ uri: 'a.sql', text });
    const deep = diagnostics.filter((d) => d.code === 'RL005');
    assert.equal(deep.length, 1, JSON.stringify(diagnostics.slice(0, 3)));
    assert.match(deep[0].message, /nested deeper than 128 levels/);
    const token = text.slice(deep[0].span.start, deep[0].span.end);
    assert.ok(['(', 'CASE', 'NOT'].includes(token), token);
    // The first statement's own `(` after COLUMNS counts too: the 129th opening is the one.
    assert.ok(deep[0].span.end <= text.indexOf(';'));
    // The statement after it is analysed: its RL104 (max_batch_interval below 5) is there.
    assert.ok(diagnostics.some((d) => d.code === 'RL104'), JSON.stringify(diagnostics));
  });
}

test('nesting up to the cap parses and analyses as usual', () => {
  for (const kind of ['calls', 'case', 'not'] as const) {
    const text = nested(kind, 120);
    const result = parse(text);
    assert.equal(result.statements[0].statement?.kind, 'createRoutineLoad', kind);
    assert.deepEqual(analyze({ uri: 'a.sql', text, parse: result }).filter((d) => d.code === 'RL005'), [], kind);
  }
});

test('binary + and - do not count as nesting; a run of prefix operators does', () => {
  const sum = `CREATE ROUTINE LOAD db.j ON t COLUMNS (a, b = ${Array.from({ length: 500 }, () => 'a').join(' - ')}) ${KAFKA};`;
  assert.equal(parse(sum).statements[0].errors.length, 0);
  const minus = `CREATE ROUTINE LOAD db.j ON t COLUMNS (a, b = ${'- '.repeat(300)}a) ${KAFKA};`;
  assert.equal(parse(minus).statements[0].errors[0]?.code, 'RL005');
});

test('another dialect\'s deeply nested CREATE TABLE stays silent', () => {
  const text = `CREATE TABLE t (a INT CHECK ${'('.repeat(300)}a > 0${')'.repeat(300)});`;
  assert.deepEqual(analyze({ uri: 'a.sql', text }), []);
});

test('parseExpression refuses a too deep expression with RL005 instead of throwing', () => {
  const r = parseExpression(`${'abs('.repeat(3000)}a${')'.repeat(3000)}`);
  assert.equal(r.expr, undefined);
  assert.equal(r.errors[0].code, 'RL005');
});

test('walkExpression visits a 20 000-term chain (a tree as deep) parents first, in source order', () => {
  const text = `CREATE ROUTINE LOAD db.j ON t COLUMNS (a, b = ${Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(' + ')}) ${KAFKA};`;
  const result = parse(text);
  const st = result.statements[0].statement;
  assert.equal(st?.kind, 'createRoutineLoad');
  const columns = st.kind === 'createRoutineLoad' ? st.loadProperties.find((lp) => lp.kind === 'columns') : undefined;
  const expr = columns?.kind === 'columns' ? columns.columns[1].expr : undefined;
  assert.ok(expr);
  const seen: string[] = [];
  let first: Expression | undefined;
  walkExpression(expr, (e) => {
    first ??= e;
    if (e.kind === 'column') seen.push(e.name.name);
  });
  assert.equal(first, expr);
  assert.equal(seen.length, 20_000);
  assert.deepEqual(seen.slice(0, 3), ['c0', 'c1', 'c2']);
  assert.equal(seen[19_999], 'c19999');
  // Reusing the tree after text before it moved copies it with its offsets shifted, without recursion.
  const moved = parse(`\n${text}`, result);
  assert.equal(moved.statements[0].span.start, 1);
  assert.deepEqual(analyze({ uri: 'a.sql', text: moved.text, parse: moved }).map((d) => d.code), analyze({ uri: 'a.sql', text: moved.text }).map((d) => d.code));
});

test('walkExpression keeps the order of the recursive walk for every node kind', () => {
  const r = parseExpression("NOT a IN (b, c) AND d BETWEEN e AND f OR g LIKE h OR CASE i WHEN j THEN k ELSE l END = CAST(m AS INT) + n(o, p) - (q) IS NULL");
  assert.ok(r.expr);
  const names: string[] = [];
  walkExpression(r.expr, (e) => {
    if (e.kind === 'column') names.push(e.name.name);
    if (e.kind === 'call') names.push(`${e.name.name}()`);
  });
  assert.deepEqual(names, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n()', 'o', 'p', 'q']);
});
