// Random edits of valid statements, and random bytes: analysis never throws, never hangs,
// and every diagnostic range lies inside the text. Seeded, so failures reproduce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, parse, parseColumnMappings, parseExpression } from '../../../server/src/language';
import { prng } from '../../helpers/random';

const seed = readFileSync(join(__dirname, '..', '..', 'fixtures', 'seed.sql'), 'utf8');
const PIECES = ['(', ')', ',', '"', "'", '`', ';', '=', ' ', '\n', '--', '/*', '*/', 'PROPERTIES', 'FROM', 'KAFKA', 'COLUMNS', 'WHERE', 'CASE', 'END', 'NOT', '\\G', 'PARTITION', '"format" = "json"', '<x>', '$$', '#'];

function mutate(text: string, rand: () => number): string {
  let t = text;
  const edits = 1 + Math.floor(rand() * 5);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * (t.length + 1));
    const r = rand();
    if (r < 0.35) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 20));
    else if (r < 0.7) t = t.slice(0, at) + PIECES[Math.floor(rand() * PIECES.length)] + t.slice(at);
    else {
      const from = Math.floor(rand() * t.length);
      t = t.slice(0, at) + t.slice(from, from + Math.floor(rand() * 40)) + t.slice(at);
    }
  }
  return t;
}

function checkRanges(text: string): void {
  const diagnostics = analyze({ uri: 'fuzz.sql', text });
  for (const d of diagnostics) {
    assert.ok(Number.isInteger(d.span.start) && Number.isInteger(d.span.end), JSON.stringify(d));
    assert.ok(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length, `${JSON.stringify(d)} in ${JSON.stringify(text)}`);
    assert.ok(d.message.length > 0);
  }
}

test('thousands of random edits of valid statements', () => {
  const rand = prng(20240501);
  const started = Date.now();
  for (let i = 0; i < 2000; i++) {
    const text = mutate(seed, rand);
    checkRanges(text);
  }
  assert.ok(Date.now() - started < 60000, 'fuzzing took too long');
});

test('random bytes and random token soup', () => {
  const rand = prng(7);
  for (let i = 0; i < 1500; i++) {
    let text = '';
    const len = Math.floor(rand() * 300);
    if (i % 2 === 0) {
      for (let j = 0; j < len; j++) text += String.fromCharCode(Math.floor(rand() * (rand() < 0.9 ? 128 : 65536)));
    } else {
      text = 'CREATE ROUTINE LOAD ';
      for (let j = 0; j < len / 5; j++) text += PIECES[Math.floor(rand() * PIECES.length)] + ' ';
    }
    checkRanges(text);
    parse(text);
    parseExpression(text);
    parseColumnMappings(text);
  }
});

test('deep nesting does not hang', () => {
  const deep = 'CREATE ROUTINE LOAD db.j ON t COLUMNS (a, b = ' + '('.repeat(300) + 'a' + ')'.repeat(300) + ') FROM KAFKA ("kafka_topic" = "t", "kafka_broker_list" = "k:1");';
  checkRanges(deep);
  checkRanges('CREATE ROUTINE LOAD db.j ON t WHERE ' + 'NOT '.repeat(500) + 'a FROM KAFKA ()');
});
