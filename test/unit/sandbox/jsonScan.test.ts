// The JSON fast path (sandbox/src/jsonScan.ts) against the general path (JSON.parse, then a JsonPath
// walk per value): for every body, both must give the same rows, counts and error lines — the fast path in
// WebAssembly (wasmScanner.ts) and in JavaScript alike.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Catalog } from '../../../sandbox/src/catalog';
import { Headers, LoadError, planLoad, runLoad } from '../../../sandbox/src/streamLoad';
import { keyTree, Tokens } from '../../../sandbox/src/jsonScan';
import { JSON_SCAN_SOURCE_SHA256 } from '../../../sandbox/src/jsonScanWasm';
import { scanInWasm } from '../../../sandbox/src/wasmScanner';

const catalog = new Catalog();
catalog.execute(`CREATE DATABASE d;
CREATE TABLE d.t (
  id bigint NOT NULL, name varchar(8) NULL, price double NULL, qty int NULL, flag boolean NULL,
  dt date NULL, doc json NULL, note string NULL, big largeint NULL, dec decimal(10,2) NULL
) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id);`);
const table = catalog.table('d', 't')!;

function both(body: string, headers: Headers): void {
  const run = (scanner: boolean | 'script'): unknown => {
    try {
      const plan = planLoad(table, { format: 'json', ...headers }, 'json', 1_700_000_000_000);
      const r = runLoad(plan, Buffer.from(body), { scanner });
      return { columns: r.batch.columns, rows: r.batch.rows, total: r.total, filtered: r.filtered, unselected: r.unselected, errors: r.errors };
    } catch (error) {
      if (error instanceof LoadError) return { loadError: error.message };
      throw error;
    }
  };
  const general = run(false);
  assert.deepEqual(run(true), general, `WebAssembly scanner, body: ${body}\nheaders: ${JSON.stringify(headers)}`);
  assert.deepEqual(run('script'), general, `JavaScript scanner, body: ${body}\nheaders: ${JSON.stringify(headers)}`);
}

const PATHS = {
  jsonpaths: '["$.id","$.name","$.p.price","$.qty","$.flag","$.dt","$.doc","$.note","$.big","$.dec"]',
  columns: 'id, name, price, qty, flag, dt, doc, note, big, dec',
};
const PATHS_DERIVED = {
  jsonpaths: '["$.id","$.name","$.ts","$.qty"]',
  columns: "id, name, ts, qty, dt=from_unixtime(ts, '%Y%m%d'), note=concat(name, '/', qty)",
  where: 'qty IS NULL OR qty < 100',
};

const ROWS = [
  '{"id":1,"name":"a","p":{"price":1.5},"qty":3,"flag":true,"dt":"2024-01-02","doc":{"x":[1,2,{"y":null}]},"note":"n","big":170141183460469231731687303715884105727,"dec":"12.345"}',
  '{ "id" : 2 , "name" : "caf\\u00e9" , "p" : { "price" : -0.0 } , "qty" : -0 , "flag" : false , "dt" : 20240102 , "doc" : "[1, 2]" , "note" : "tab\\tquote\\"slash\\/" }',
  '{"id":3,"name":"toolongname","qty":1e2,"price":7,"p":[1,2],"dt":null,"doc":[],"note":"\\ud83d\\ude00 x"}',
  '{"id":12345678901234567890,"qty":2147483648,"p":{"price":1e400},"dec":123456789.125,"big":-0.5e-7,"note":"\u00e9\u4e2d"}',
  '{"ID":4,"Name":"upper","QTY":5}',
  '{"id":5,"id":6,"name":"dup key"}',
  '{"id":7,"p":{"price":1},"p":{"other":2}}',
  '{"i\\u0064":8,"name":"escaped key"}',
  '{"id":9,"constructor":"c","__proto__":{"price":2},"toString":1}',
  '[1,2,3]',
  '"just a string"',
  '42',
  'null',
  '{}',
  '{"id":10,"name":"","qty":"0012","flag":"TRUE","dt":"2024-2-3 04:05:06","dec":1.005,"price":"1.50"}',
  '{"id":11,"qty":123.999,"price":0.0000001,"big":99999999999999999999999,"dec":-1.995}',
  '{"id":13,"qty":50,"ts":1714000000,"name":"ok"}',
  '{"id":14,"qty":500,"ts":"1714000000","name":"unselected"}',
  '{"id":15,"qty":null,"ts":-5,"name":null}',
  '{"id":16,"qty":1,"ts":1.5e9,"name":"x"}',
];

describe('the JSON fast path gives what the general path gives', () => {
  for (const [name, headers] of Object.entries({ paths: PATHS, derived: PATHS_DERIVED, names: {}, strict: { ...PATHS, strict_mode: 'true' }, ratio: { max_filter_ratio: '1' } })) {
    it(`rows one by one and all together (${name})`, () => {
      for (const row of ROWS) {
        both(`[${row}]`, { ...headers, strip_outer_array: 'true' });
        both(row, headers);
        both(` \n\t${row}\r\n`, headers);
      }
      both(`[${ROWS.join(',')}]`, { ...headers, strip_outer_array: 'true' });
      both(`[\n  ${ROWS.join(',\n  ')}\n]\n`, { ...headers, strip_outer_array: 'true' });
      both(ROWS.join('\n'), headers);
      both(`[${ROWS.join(',')}]`, headers);
      both(ROWS[0]!, { ...headers, strip_outer_array: 'true' });
    });
  }

  it('bodies that are not one JSON document: the general path reports them', () => {
    const ok = ROWS[0]!;
    const bodies = [
      '', '  ', '[]', '[ ]', '{}', `[${ok},]`, `[${ok}`, `[${ok}]]`, `[${ok}] x`, `[,${ok}]`, `[${ok} ${ok}]`,
      '[{"id":1,"name":"a\u0001b"}]', '[{"id":1,"name":"a\nb"}]', '[{"id":1,"name":"a\\qb"}]', '[{"id":1,"name":"\\u12G4"}]',
      '[{"id":01}]', '[{"id":1.}]', '[{"id":.5}]', '[{"id":-}]', '[{"id":1e}]', '[{"id":+1}]', '[{"id":tru}]', '[{"id":NaN}]',
      '[{"id":1,}]', '[{"id" 1}]', '[{id:1}]', "[{'id':1}]", '[{"id":1}', '[{"id":"1]', '\ufeff[{"id":1}]',
      `[${'['.repeat(2000)}${']'.repeat(2000)}]`, `${ok}\n${ok}`, `${ok}\n{bad\n${ok}`,
    ];
    for (const body of bodies) {
      both(body, { ...PATHS, strip_outer_array: 'true' });
      both(body, PATHS);
      both(body, {});
    }
  });

  it('plans it leaves to the general path: json_root, $ and array indexes', () => {
    both('{"data":[{"id":1,"name":"a"}]}', { json_root: '$.data', strip_outer_array: 'true' });
    both('[{"id":1,"name":"a","arr":[5,6]}]', { strip_outer_array: 'true', jsonpaths: '["$.id","$.arr[1]"]', columns: 'id, qty' });
    both('[{"id":1,"name":"a"}]', { strip_outer_array: 'true', jsonpaths: '["$.id","$"]', columns: 'id, doc' });
    both('[{"id":1,"name":"a"}]', { strip_outer_array: 'true', jsonpaths: '["$.id","$.constructor"]', columns: 'id, name' });
  });

  it('many generated rows, with the error log full', () => {
    const rows: string[] = [];
    for (let i = 0; i < 3000; i++) {
      rows.push(JSON.stringify({ id: i, name: i % 7 === 0 ? 'x'.repeat(9) : `n${i}`, p: { price: i / 8 }, qty: i % 11 === 0 ? 'bad' : i, dt: `2024-01-${(i % 40) + 1}`, note: `é${i}` }));
    }
    both(`[${rows.join(',')}]`, { ...PATHS, strip_outer_array: 'true', max_filter_ratio: '1' });
  });
});

describe('the WebAssembly scanner', () => {
  it('is built from the source in the repository', () => {
    const sha = createHash('sha256').update(readFileSync('sandbox/wasm/json-scan/src/lib.rs')).digest('hex');
    assert.equal(JSON_SCAN_SOURCE_SHA256, sha, 'sandbox/src/jsonScanWasm.ts is stale: run node scripts/build-wasm.mjs');
  });

  it('takes column names and one-step jsonpaths, and leaves longer paths to the JavaScript scanner', () => {
    const rows: [number, number, boolean][] = [];
    const onRow = (start: number, end: number, exact: boolean): void => { rows.push([start, end, exact]); };
    const tokens = new Tokens(2);
    const flat = keyTree([['id'], ['name']])!;
    assert.equal(scanInWasm(flat, tokens, true, Buffer.from('[{"id":1,"name":"a"},{"id":2}]'), true, onRow), true);
    assert.deepEqual(rows, [[1, 20, true], [21, 29, false]], 'the second row lacks a column: the general path reads it');
    assert.equal(scanInWasm(keyTree([['p', 'price']])!, new Tokens(1), false, Buffer.from('{"p":{"price":1}}'), false, onRow), undefined);
    assert.equal(scanInWasm(flat, tokens, true, Buffer.from('[{"id":1,"name":"a"},'), true, onRow), false, 'not one JSON document');
  });
});
