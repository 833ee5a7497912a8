// parse(text, previous) reuses the trees of unchanged statements: the result must be the one a
// fresh parse gives, whatever the edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, parse } from '../../../server/src/language';
import { prng } from '../../helpers/random';

const seed = readFileSync(join(__dirname, '..', '..', 'fixtures', 'seed.sql'), 'utf8');

function check(before: string, after: string): void {
  const previous = parse(before);
  const reused = parse(after, previous);
  const fresh = parse(after);
  assert.deepEqual(JSON.parse(JSON.stringify(reused)), JSON.parse(JSON.stringify(fresh)), `${JSON.stringify(before)} → ${JSON.stringify(after)}`);
  assert.deepEqual(analyze({ uri: 'a.sql', text: after, parse: reused }), analyze({ uri: 'a.sql', text: after, parse: fresh }));
}

test('unchanged statements are reused, moved ones get moved offsets', () => {
  const previous = parse(seed);
  assert.equal(parse(seed, previous).statements[0], previous.statements[0]);
  const moved = parse('SELECT 1;\n' + seed, previous);
  assert.notEqual(moved.statements[1], previous.statements[0]);
  assert.equal(moved.statements[1].span.start, previous.statements[0].span.start + 10);
  check(seed, '-- a comment\n' + seed);
  check(seed, 'SELECT 1;\n' + seed);
  check(seed, seed.replace('"max_batch_interval" = "20"', '"max_batch_interval" = "200"'));
  check(seed, seed + '\n' + seed);
  check(seed + seed, seed);
  check(seed, seed.slice(0, seed.length / 2));
  check('', seed);
  check(seed, '');
});

test('random edits give what a fresh parse gives', () => {
  const rand = prng(5);
  let text = seed;
  for (let i = 0; i < 400; i++) {
    const at = Math.floor(rand() * (text.length + 1));
    const r = rand();
    const next = r < 0.4 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 10)) : r < 0.8 ? text.slice(0, at) + ['x', ';', "'", '(', ' ', '\n', 'WHERE a = 1', '-- ', '/*'][Math.floor(rand() * 9)] + text.slice(at) : seed;
    check(text, next);
    text = next;
  }
});
