// The engine's JSON check of a message, in WebAssembly and in JavaScript: each accepts exactly what JSON.parse
// accepts (within the documented exceptions), and the two agree on every input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jsonCheckInWasm, jsonValueBytes, jsonValueBytesScript } from '../../../engine/src/jsonCheck';
import { JSON_CHECK_SOURCE_SHA256 } from '../../../engine/src/jsonCheckWasm';
import { Random } from '../../helpers/random';

const implementations = [
  { name: 'WebAssembly', check: jsonValueBytes },
  { name: 'JavaScript', check: jsonValueBytesScript },
];

test('the WebAssembly check is in use on this runtime, built from the source in the repository', () => {
  assert.ok(jsonCheckInWasm(), 'WebAssembly with SIMD is available in Node 20+');
  const sha = createHash('sha256').update(readFileSync('engine/wasm/json-check/src/lib.rs')).digest('hex');
  assert.equal(JSON_CHECK_SOURCE_SHA256, sha, 'engine/src/jsonCheckWasm.ts is stale: run node scripts/build-wasm.mjs');
});

for (const { name, check } of implementations) {
  test(`${name}: the JSON byte scan accepts exactly what JSON.parse accepts (after trimming JSON whitespace), in valid UTF-8`, () => {
    const samples = [
      '{"a":1}', ' {"a": [1, 2.5e-3, -0, true, false, null, "x\\"y\\\\z\\u00e9"]}\n', '[]', '{}', '123', '-0.5E+7', '"s"', 'true',
      '{"a":1,}', '{"a":1', '{a:1}', '[1,]', '01', '1.', '-', '1e', '"\\x"', '"\\u12"', '"a\tb"', '{"a":1}}', '{"a":1} x', '', '   ',
      'nul', 'truex', '\u00a0{"a":1}', '\ufeff{"a":1}', '{"é":"ü€😀"}', '{"a":"\\ud800"}', '[[[[1]]]]', '{"k":{"k":{"k":[{}]}}}',
      '{"a" : 1 , "b" :[ ] }', '\u000b{}', '{"a":1}\u000c',
    ];
    for (const text of samples) {
      let parsed = true;
      try { JSON.parse(text.trim()); } catch { parsed = false; }
      const scanned = check(Buffer.from(text, 'utf8'));
      if (scanned) {
        assert.ok(parsed, `scan accepted what JSON.parse refuses: ${JSON.stringify(text)}`);
        assert.equal(scanned.toString('utf8'), text.trim(), `the scanned bytes are the trimmed message: ${JSON.stringify(text)}`);
      } else if (parsed) {
        // Allowed only for what the scan leaves to JSON.parse on purpose: whitespace beyond JSON's.
        const c = text.charCodeAt(0) === 0x0b ? 0x0b : text.charCodeAt(text.length - 1) === 0x0c ? 0x0c : text.charCodeAt(0);
        assert.ok([0xa0, 0xfeff, 0x0b, 0x0c].includes(c), `scan refused a valid message: ${JSON.stringify(text)}`);
      }
    }
    assert.equal(check(Buffer.from([0x22, 0xff, 0x22])), undefined, 'invalid UTF-8 goes the general way');
    assert.equal(check(Buffer.from('['.repeat(600) + ']'.repeat(600))), undefined, 'very deep nesting goes the general way');
  });

  test(`${name}: the JSON byte scan agrees with JSON.parse on 5,000 random messages with long strings, at every alignment`, () => {
    const rnd = new Random(7);
    // Pieces a string is made of: plain runs (the four-byte fast path), escapes, raw specials and non-ASCII text.
    const pieces = ['abcdefgh', 'xyz', ' ', '\\"', '\\\\', '\\n', '\\u00e9', '\\u12', '\\x', '"', '\t', '\u0001', '\u001f', 'é', '€', '😀', '\u007f'];
    for (let n = 0; n < 5000; n++) {
      let str = '';
      for (let k = rnd.int(0, 12); k > 0; k--) str += rnd.pick(pieces);
      const text = `{"k":"${str}","n":${rnd.int(-5, 500)}}`;
      let bytes = Buffer.from(text, 'utf8');
      if (rnd.next() < 0.1) {
        bytes = Buffer.from(bytes); // a stray invalid UTF-8 byte
        bytes[rnd.int(0, bytes.length - 1)] = 0xff;
      }
      // Inside a larger buffer at a random offset, as messages sit in a Kafka response.
      const pad = rnd.int(0, 7);
      const holder = Buffer.alloc(pad + bytes.length + rnd.int(0, 7), 0x41);
      bytes.copy(holder, pad);
      const value = holder.subarray(pad, pad + bytes.length);
      let parsed = true;
      try {
        if (!isUtf8(value)) throw new Error('invalid UTF-8');
        JSON.parse(value.toString('utf8'));
      } catch {
        parsed = false;
      }
      assert.equal(check(value) !== undefined, parsed, `message ${JSON.stringify(value.toString('latin1'))}`);
    }
  });
}

/** Random JSON-like text: valid documents, then a few bytes changed, dropped or added. */
function randomDocument(rnd: Random, depth = 0): string {
  const r = rnd.int(0, depth > 3 ? 4 : 7);
  switch (r) {
    case 0: return String(rnd.pick([0, -1, 12, 3.25, -0.5, 1e21, 123456789012]));
    case 1: return rnd.pick(['true', 'false', 'null']);
    case 2: case 3: return JSON.stringify(rnd.pick(['', 'a', 'plain text of some length, past sixteen bytes', 'é€😀', 'q"uote', 'back\\slash', 'tab\t', 'x'.repeat(rnd.int(0, 40))]));
    case 4: return rnd.pick(['1.', '-', '01', '"\\x"', 'tru', '"open']);
    case 5: {
      const items: string[] = [];
      for (let k = rnd.int(0, 4); k > 0; k--) items.push(randomDocument(rnd, depth + 1));
      return `[${items.join(rnd.pick([',', ' , ', ',\n']))}]`;
    }
    default: {
      const items: string[] = [];
      for (let k = rnd.int(0, 4); k > 0; k--) items.push(`${JSON.stringify(rnd.pick(['id', 'k', 'a long key name', 'é']))}${rnd.pick([':', ' : '])}${randomDocument(rnd, depth + 1)}`);
      return `{${items.join(',')}}`;
    }
  }
}

test('WebAssembly and JavaScript agree on 20,000 random documents and mutations of them, one after another in the module', () => {
  const rnd = new Random(11);
  const specials = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\u0001', 'e', '-', '.', '0'];
  let accepted = 0;
  for (let n = 0; n < 20_000; n++) {
    let text = randomDocument(rnd);
    for (let m = rnd.int(0, 2); m > 0 && text.length > 0; m--) {
      const at = rnd.int(0, text.length - 1);
      const op = rnd.int(0, 2);
      text = op === 0 ? text.slice(0, at) + text.slice(at + 1) : op === 1 ? text.slice(0, at) + rnd.pick(specials) + text.slice(at) : text.slice(0, at) + rnd.pick(specials) + text.slice(at + 1);
    }
    const value = Buffer.from(text, 'utf8');
    const wasm = jsonValueBytes(value);
    const script = jsonValueBytesScript(value);
    assert.deepEqual(wasm, script, `the two checks disagree on ${JSON.stringify(text)}`);
    let parsed = true;
    try { JSON.parse(text); } catch { parsed = false; }
    assert.equal(wasm !== undefined, parsed, `JSON.parse and the check disagree on ${JSON.stringify(text)}`);
    if (wasm) accepted++;
  }
  assert.ok(accepted > 3000 && accepted < 17_000, `both valid and invalid documents were tried (${accepted} valid)`);
});

test('WebAssembly: bytes left in the module by a longer message never complete a shorter one', () => {
  assert.ok(jsonValueBytes(Buffer.from('{"k":"' + 'x'.repeat(40) + '"}')));
  // Unterminated where the longer message had its closing quote and brace: must be refused.
  assert.equal(jsonValueBytes(Buffer.from('{"k":"' + 'x'.repeat(20))), undefined);
  assert.equal(jsonValueBytes(Buffer.from('"' + 'x'.repeat(45))), undefined);
  assert.ok(jsonValueBytes(Buffer.from('"' + 'x'.repeat(45) + '"')));
});

test('WebAssembly: a message larger than the module takes (1 MiB) is checked in JavaScript, with the same answer', () => {
  const big = Buffer.from(JSON.stringify({ note: 'n'.repeat(1 << 20), list: [1, 2, 3] }));
  assert.deepEqual(jsonValueBytes(big), big);
  const broken = Buffer.from(big.toString().slice(0, -1));
  assert.equal(jsonValueBytes(broken), undefined);
});
