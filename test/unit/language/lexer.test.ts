// The hand-written scanner behind `tokenize` against Chevrotain's lexer on the same vocabulary
// (keywords from the table, and one pattern per keyword): the same tokens (type, text, offsets)
// and comments, on the fixtures and on random text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTokens, tokenize, tokenizeRange, tokenizeWithChevrotain } from '../../../server/src/language/lexer';
import { Lexer, type IToken } from '../../../server/src/language/chevrotain';
import { prng } from '../../helpers/random';

/** The reference: Chevrotain's lexer over the whole vocabulary, one pattern per keyword. */
const reference = new Lexer(allTokens, { ensureOptimizations: false, positionTracking: 'onlyOffset' });

const show = (ts: IToken[]): string[] => ts.map((t) => `${t.tokenType.name}@${t.startOffset}-${t.endOffset}:${t.image}`);

function same(text: string, base = 0): void {
  const a = tokenize(text, base);
  const b = tokenizeWithChevrotain(text, base);
  assert.deepEqual(show(a.tokens), show(b.tokens), JSON.stringify(text));
  assert.deepEqual(show(a.comments), show(b.comments), JSON.stringify(text));
  if (base === 0) {
    const r = reference.tokenize(text);
    for (const t of [...r.tokens, ...((r.groups.comments ?? []) as IToken[])]) t.endOffset = t.startOffset + t.image.length - 1;
    assert.deepEqual(show(a.tokens), show(r.tokens), JSON.stringify(text));
    assert.deepEqual(show(a.comments), show((r.groups.comments ?? []) as IToken[]), JSON.stringify(text));
  }
  for (const t of a.tokens) assert.equal(t.tokenTypeIdx, t.tokenType.tokenTypeIdx);
}

const fixtures = ['seed.sql', 'foreign.sql'].map((f) => readFileSync(join(__dirname, '..', '..', 'fixtures', f), 'utf8'));

test('the scanner reads the fixtures as Chevrotain does', () => {
  for (const f of fixtures) same(f);
  same(fixtures[0], 1000);
});

test('the scanner reads edge cases as Chevrotain does', () => {
  const cases = [
    "'abc'", "'a''b'", "'a''", "'ab''cd", "'a\\'", "'a\\", "'", "''", "'''", "''''", '"x""y"', '"\\"', "'a\\'b'",
    '`a`', '`a``b`', '`a``', '```', '`', '``', '`a',
    '<job_name>', '<a.b-c>', '<1>', '<=>', '<=', '<>', '< x >', '<a', '>=', '>', '!=', '!', '||', '|', '&&', '&', '==', '=',
    '0x1F', '0x', '0xg', '0X1G', '1.', '1.5', '.5', '.', '1e5', '1e', '1e+', '1.e-3', '1E+7x', '12abc', '..1',
    '-- c\nx', '--', '#x\r\ny', '/* a */b', '/* a', '/*/', '/**/', '-', '--x', 'a-- b',
    'IN INTERVAL interval Interval in_x x_in AUTO_INCREMENT current_timestamp lımit \u212Aey $$ $a a$b',
    '\u00a0x\u2028y\ufeff\u0085z', 'über 名前 \ud83d\ude00', '\\G', '@a ? : ^ [ ] { }', 'a\u0000b',
  ];
  for (const c of cases) same(c);
  same(cases.join(' '));
  same(cases.join(''));
});

test('the scanner reads random text as Chevrotain does', () => {
  const rand = prng(99);
  const pieces = ["'", '"', '`', '\\', '\n', ' ', '-', '--', '#', '/*', '*/', '<', '>', '=', '!', '|', '&', '.', '0x', '1', 'e', 'E', '+', 'a', 'IN', 'LOAD', '_', '$', 'é', '\u00a0', ';', '(', ')', ','];
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const len = Math.floor(rand() * 40);
    for (let j = 0; j < len; j++) {
      text += rand() < 0.8 ? pieces[Math.floor(rand() * pieces.length)] : String.fromCharCode(Math.floor(rand() * (rand() < 0.8 ? 128 : 65536)));
    }
    same(text);
  }
  for (let i = 0; i < 300; i++) {
    const f = fixtures[i % 2];
    const at = Math.floor(rand() * f.length);
    same(f.slice(at, at + Math.floor(rand() * 400)));
  }
});

test('tokenizeRange reads a range of a text with offsets into it', () => {
  const text = "SELECT 1; CREATE ROUTINE LOAD a ON t /* c */ PROPERTIES ('x' = 'y');";
  const start = text.indexOf('CREATE');
  const end = text.length - 1;
  const a = tokenizeRange(text, start, end);
  const b = tokenize(text.slice(start, end), start);
  assert.deepEqual(show(a.tokens), show(b.tokens));
  assert.deepEqual(show(a.comments), show(b.comments));
});
