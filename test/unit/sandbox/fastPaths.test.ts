// The fast paths of the sandbox's loads (the JSON scanner and the CSV byte path, converting values from the
// body's bytes and keeping text as byte ranges) against the general paths (the body's text, JSON.parse, the
// converters): random bodies, valid and not, must give the same rows, counts and error lines. Then the
// stored values must read back (tables, segments) as the general path's values do.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Catalog } from '../../../sandbox/src/catalog';
import { startSandbox } from '../../../sandbox/src/server';
import { beLoad, rows as query } from './client';
import { appendBatch, Batch, TableData } from '../../../sandbox/src/storage';
import { Headers, LoadError, LoadResult, planLoad, runLoad } from '../../../sandbox/src/streamLoad';
import type { Stored } from '../../../sandbox/src/types';
// Seeded, so a failure names a body that can be made again.
import { prng as random } from '../../helpers/random';

const catalog = new Catalog();
const DDL = `CREATE DATABASE d;
CREATE TABLE d.t (
  id bigint NOT NULL, ti tinyint NULL, si smallint NULL, i int NULL, big largeint NULL, f float NULL, dbl double NULL,
  dec decimal(10,2) NULL, b boolean NULL, dt date NULL, dtt datetime NULL, c char(5) NULL, v varchar(10) NULL,
  s string NULL, j json NULL, nn varchar(6) NOT NULL
) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id);
CREATE TABLE d.pk (id bigint NOT NULL, v varchar(10) NULL, dbl double NULL) PRIMARY KEY(id) DISTRIBUTED BY HASH(id);`;
catalog.execute(DDL);
const table = catalog.table('d', 't')!;
const COLUMNS = table.columns.map((c) => c.name);

function load(body: Buffer, headers: Headers, format: 'csv' | 'json', scanner: boolean | 'script', def = table): LoadResult | { loadError: string } {
  try {
    return runLoad(planLoad(def, headers, format, 1_700_000_000_000), body, { scanner });
  } catch (error) {
    if (error instanceof LoadError) return { loadError: error.message };
    throw error;
  }
}

const outcome = (r: LoadResult | { loadError: string }): unknown =>
  'loadError' in r ? r : { columns: r.batch.columns, rows: r.batch.rows, total: r.total, filtered: r.filtered, unselected: r.unselected, errors: r.errors };

/**
 * Both paths give the same outcome (for JSON, the fast path in WebAssembly and in JavaScript); the batches read back
 * the same after a segment's JSON round trip.
 */
function same(body: Buffer, headers: Headers, format: 'csv' | 'json'): void {
  const fast = load(body, headers, format, true);
  const general = load(body, headers, format, false);
  const context = `${format} body: ${JSON.stringify(body.toString('latin1'))}\nheaders: ${JSON.stringify(headers)}`;
  assert.deepEqual(outcome(fast), outcome(general), context);
  if (format === 'json') assert.deepEqual(outcome(load(body, headers, format, 'script')), outcome(general), `the JavaScript scanner: ${context}`);
  if ('batch' in fast && 'batch' in general) {
    assert.equal(JSON.stringify(fast.batch), JSON.stringify(general.batch), context);
    const saved = JSON.parse(JSON.stringify(fast.batch)) as { columns: Stored[][]; rows: number };
    assert.deepEqual(Batch.of(saved.columns, saved.rows).columns, JSON.parse(JSON.stringify(general.batch.columns)), context);
  }
}

// ---------------------------------------------------------------- values

const NUMBERS = [
  '0', '-0', '1', '-1', '7', '127', '128', '-128', '-129', '32767', '32768', '-32769', '2147483647', '2147483648', '-2147483648',
  '-2147483649', '999999999999999', '-999999999999999', '1000000000000000', '9007199254740993', '9223372036854775807',
  '9223372036854775808', '-9223372036854775808', '170141183460469231731687303715884105727', '170141183460469231731687303715884105728',
  '1.5', '-1.5', '0.1', '1.50', '1.0', '-0.0', '0.0', '0.0000001', '0.000001', '123456789012345.6', '12345678901234.5',
  '99999999.995', '1e2', '1E-7', '-1e400', '1e400', '3.4028235e38', '3.5e38', '0.30000000000000004', '5e-324', '12.345', '-0.5e-7',
];
const TEXTS = [
  '', 'a', 'abc', 'abcde', 'abcdef', 'toolongname', 'é', 'éé', 'ééééé', 'é'.repeat(3) + 'abcd', '中文字', '😀', '😀😀x', 'x'.repeat(10),
  ' 12', '12 ', '12', '+5', '-0', '0012', '0000000000000001', '1.5', '.5', '5.', '-.5', '-', '.', '1e3', '1.2.3', '0x10',
  'Infinity', 'NaN', 'true', 'TRUE', 'false', '0', '1', 'maybe',
  '2024-01-02', '2024-02-29', '2023-02-29', '2024-02-30', '2024-2-3', '20240102', '2024-01-02 03:04:05', '2024-01-02 24:00:00',
  '2024-01-02 23:59:60', '2024-01-02T03:04:05', ' 2024-01-02', '2024-01-02 03:04:05.123', '2024-01-02 3:4:5', '9999-12-31 23:59:59',
  '0000-01-01', '2024-13-01', '20240102030405', '\\N', 'null', 'quote"in', 'back\\slash', 'tab\tx', 'new\nline', '\u0001ctl', '\u2028',
  '\ud800', '\udfff\ud800', 'dflt', '{"a":1}', '[1, 2]', ' { "a" : [ 1 , 2 ] } ', 'a long text, long enough for whole words '.repeat(3),
];

/** Numbers of `least` to 20 digits, with a point anywhere: past 15 digits a quotient of exact doubles is no longer exact. */
function digits(r: () => number, least = 1): string {
  const count = least + Math.floor(r() * (21 - least));
  let text = '';
  for (let i = 0; i < count; i++) text += String(Math.floor(r() * 10));
  const point = Math.floor(r() * (count + 1));
  const number = point === count ? text : `${text.slice(0, point) || '0'}.${text.slice(point)}`;
  return (r() < 0.3 ? '-' : '') + number.replace(/^0+(?=\d)/, '');
}
const WS = ['', '', '', '', ' ', '\n', '\t', '\r\n ', '  '];

/** A JSON string token for s: JSON.stringify's, sometimes with characters written as \u escapes or \/. */
function stringToken(s: string, r: () => number): string {
  const token = JSON.stringify(s);
  if (r() < 0.75 || s.length === 0) return token;
  let out = '"';
  for (const ch of s) {
    if (r() < 0.3 && ch.length === 1) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else if (ch === '/') out += '\\/';
    else out += JSON.stringify(ch).slice(1, -1);
  }
  return out + '"';
}

function jsonValue(r: () => number, depth = 0): string {
  const x = r();
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  if (x < 0.4) return stringToken(pick(TEXTS), r);
  if (x < 0.65) return pick(NUMBERS);
  if (x < 0.75) return digits(r);
  if (x < 0.8) return 'null';
  if (x < 0.85) return r() < 0.5 ? 'true' : 'false';
  if (depth > 1) return '1';
  if (x < 0.93) return `{${pick(WS)}"x"${pick(WS)}:${pick(WS)}${jsonValue(r, depth + 1)},"p":{"price":${jsonValue(r, depth + 1)}}}`;
  return `[${jsonValue(r, depth + 1)},${pick(WS)}${jsonValue(r, depth + 1)}]`;
}

/** A row with every column by its name (the fast path takes no row with a key missing), NULL unless given. */
function fullRow(values: Record<string, string>): string {
  return `{${COLUMNS.map((c) => `"${c}":${values[c] ?? 'null'}`).join(',')}}`;
}

/** One row: usually every column by its name, sometimes with keys missing, repeated, escaped, in another case, or extra. */
function jsonRow(r: () => number, id: number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const x = r();
  if (x < 0.03) return pick(['[1,2]', '"text"', '42', 'null', '[]']);
  let keys = COLUMNS.filter((k) => k !== 'id');
  if (r() < 0.3) keys = keys.sort(() => r() - 0.5);
  const pairs = [`"id":${r() < 0.9 ? String(id) : jsonValue(r)}`];
  for (const k of keys) {
    const y = r();
    if (y < 0.01) continue; // missing
    let key = `"${k}"`;
    if (y < 0.02) key = `"${k.toUpperCase()}"`;
    else if (y < 0.03) key = `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${k.slice(1)}"`;
    pairs.push(`${key}${pick(WS)}:${pick(WS)}${jsonValue(r)}`);
    if (y > 0.98) pairs.push(`"${k}":${jsonValue(r)}`); // repeated
    if (y > 0.96 && y <= 0.98) pairs.push(`"extra_${k}":${jsonValue(r)}`);
  }
  if (r() < 0.1) pairs.push(`"p":{"price":${jsonValue(r)},"q":[1,{"r":2}]}`);
  return `{${pick(WS)}${pairs.join(`,${pick(WS)}`)}${pick(WS)}}`;
}

/** Ways to break a valid body: the general path must then report what it reports, and the fast path too. */
const BREAKS: ((body: string) => string)[] = [
  (b) => b.slice(0, Math.max(1, b.length - 3)),
  (b) => b.replace('"id"', '"i\u0001d"'),
  (b) => b.replace(':1', ':01'),
  (b) => `${b},`,
  (b) => b.replace('}', ',}'),
  (b) => `\ufeff${b}`,
  (b) => b.replace('"id":', '"id":"\\x"'),
];

/** A raw control character somewhere (mostly inside a string, where JSON forbids it). */
function controlAt(body: string, r: () => number): string {
  const at = Math.floor(r() * body.length);
  return body.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x20)) + body.slice(at);
}

// ---------------------------------------------------------------- JSON

const PATHS = {
  jsonpaths: JSON.stringify(['$.id', '$.ti', '$.si', '$.i', '$.big', '$.p.price', '$.dbl', '$.dec', '$.b', '$.dt', '$.dtt', '$.c', '$.v', '$.s', '$.j', '$.nn', '$.v']),
  columns: 'id, ti, si, i, big, f, dbl, dec, b, dt, dtt, c, v, s, j, nn, tmp',
};
const DERIVED = {
  jsonpaths: JSON.stringify(['$.id', '$.i', '$.dbl', '$.v', '$.s', '$.dtt']),
  columns: "id, i, dbl, v, s, dtt, nn = concat('n', i), c = substr(v, 1, 2)",
  where: 'i IS NULL OR i > 0',
};
const JSON_HEADERS: Record<string, Headers> = {
  names: {},
  strict: { strict_mode: 'true' },
  paths: PATHS,
  pathsStrict: { ...PATHS, strict_mode: 'true' },
  derived: DERIVED,
};

describe('JSON: the scanner and byte conversions give what JSON.parse and the converters give', () => {
  for (const [name, headers] of Object.entries(JSON_HEADERS)) {
    it(`random bodies (${name})`, () => {
      const r = random(name.length * 7919);
      for (let n = 0; n < 150; n++) {
        const rows = Array.from({ length: 1 + Math.floor(r() * 12) }, (_, i) => jsonRow(r, n * 100 + i));
        let body = `${WS[n % WS.length]}[${rows.join(',')}]`;
        const broken = r();
        if (broken < 0.08) body = BREAKS[Math.floor(r() * BREAKS.length)]!(body);
        else if (broken < 0.16) body = controlAt(body, r);
        same(Buffer.from(body), { format: 'json', strip_outer_array: 'true', ...headers }, 'json');
        same(Buffer.from(rows[0]!), { format: 'json', ...headers }, 'json');
      }
    });
  }

  it('numbers of every length as tokens and as strings, into every numeric column', () => {
    const r = random(3);
    const rows = [];
    for (let k = 0; k < 3000; k++) {
      const n = digits(r, k % 2 === 0 ? 1 : 14);
      const value = k % 3 === 0 ? JSON.stringify(n) : n;
      rows.push(fullRow({ id: String(k), nn: '"x"', ti: value, i: value, big: value, f: value, dbl: value, dec: value, b: value }));
    }
    for (const strict of ['false', 'true']) same(Buffer.from(`[${rows.join(',')}]`), { format: 'json', strip_outer_array: 'true', strict_mode: strict }, 'json');
  });

  it('a raw control character anywhere in a string, at every alignment', () => {
    for (let code = 0; code < 0x20; code++) {
      for (let length = 1; length <= 12; length++) {
        for (let at = 0; at < length; at++) {
          const text = 'abcdefghijkl'.slice(0, length);
          const value = text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
          same(Buffer.from(`[${fullRow({ id: '1', nn: '"x"', s: `"${value}"`, v: '"ok"' })}]`), { format: 'json', strip_outer_array: 'true' }, 'json');
        }
      }
    }
  });

  it('tiny bodies at every alignment of their bytes', () => {
    const bodies = ['["]', '{"', '["a', '[""]', '{"id"', '[{"id":1}]', '["ab"]', '[{"i":"', '[1]', '{}', '[', '"'];
    for (const text of bodies) {
      for (let offset = 0; offset < 4; offset++) {
        const room = Buffer.alloc(text.length + 8);
        room.write(text, offset);
        const body = room.subarray(offset, offset + text.length);
        same(body, { format: 'json', strip_outer_array: 'true' }, 'json');
        same(body, { format: 'json' }, 'json');
      }
    }
  });

  it('bodies that are not valid UTF-8 stay on the general path and load the same', () => {
    const valid = Buffer.from(`[${fullRow({ id: '1', v: '"ab"', s: '"x"' })},${fullRow({ id: '2', v: '"cd"', s: '"y"' })}]`);
    for (const bad of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      const at = valid.indexOf('ab');
      const body = Buffer.concat([valid.subarray(0, at), Buffer.from(bad), valid.subarray(at)]);
      same(body, { format: 'json', strip_outer_array: 'true' }, 'json');
    }
  });

  it('strings at the byte length limit, in one-, two-, three- and four-byte characters', () => {
    for (const unit of ['a', 'é', '中', '😀']) {
      const rows = [];
      for (let k = 0; k <= 12; k++) rows.push(fullRow({ id: String(k), nn: '"x"', c: JSON.stringify(unit.repeat(k)), v: JSON.stringify(unit.repeat(k)) }));
      same(Buffer.from(`[${rows.join(',')}]`), { format: 'json', strip_outer_array: 'true' }, 'json');
    }
  });

  it('a body whose kept rows refer to little of it (its bytes are copied out) reads back the same', () => {
    const rows = [];
    for (let k = 0; k < 300; k++) rows.push(fullRow({ id: k % 10 === 0 ? String(k) : '"bad"', nn: '"x"', s: JSON.stringify(`note ${k} ${'é'.repeat(k % 40)}`), v: '"kept"' }));
    same(Buffer.from(`[${rows.join(',')}]`), { format: 'json', strip_outer_array: 'true', strict_mode: 'true' }, 'json');
  });
});

// ---------------------------------------------------------------- CSV

function csvField(r: () => number): string {
  const x = r();
  if (x < 0.3) return NUMBERS[Math.floor(r() * NUMBERS.length)]!;
  if (x < 0.4) return digits(r);
  return TEXTS[Math.floor(r() * TEXTS.length)]!;
}

const CSV_HEADERS: Record<string, Headers> = {
  tab: {},
  comma: { column_separator: ',' },
  strict: { column_separator: '|', strict_mode: 'true' },
  hex: { column_separator: '\\x01', row_delimiter: '\\x02' },
  twoBytes: { column_separator: '||' },
  trim: { column_separator: ',', trim_space: 'true' },
  header: { column_separator: ',', skip_header: '2' },
  derived: { column_separator: ',', columns: `${COLUMNS.slice(0, 14).join(', ')}, tmp, nn = concat(v, '!'), j = if(i > 0, '[1]', NULL)`, where: 'ti IS NULL OR ti != 7' },
};

describe('CSV: the byte path gives what the text path gives', () => {
  for (const [name, headers] of Object.entries(CSV_HEADERS)) {
    it(`random bodies (${name})`, () => {
      const r = random(name.length * 104729);
      const sep = { tab: '\t', hex: '\x01', twoBytes: '||' }[name] ?? (name === 'strict' ? '|' : ',');
      const delim = name === 'hex' ? '\x02' : '\n';
      for (let n = 0; n < 150; n++) {
        const lines: string[] = [];
        for (let k = 0; k < 1 + Math.floor(r() * 12); k++) {
          const count = r() < 0.9 ? COLUMNS.length : Math.floor(r() * (COLUMNS.length + 3));
          const fields = Array.from({ length: count }, (_, c) => (c === 0 && r() < 0.9 ? String(n * 100 + k) : csvField(r)));
          lines.push(r() < 0.05 ? '' : fields.join(sep));
        }
        const body = lines.join(delim) + (r() < 0.5 ? delim : '');
        same(Buffer.from(body), headers, 'csv');
      }
    });
  }

  it('numbers of every length into every numeric column', () => {
    const r = random(5);
    const lines = [];
    for (let k = 0; k < 3000; k++) {
      const n = digits(r, k % 2 === 0 ? 1 : 14);
      lines.push(COLUMNS.map((c) => (c === 'id' ? String(k) : c === 'nn' ? 'x' : n)).join('\t'));
    }
    same(Buffer.from(lines.join('\n')), { strict_mode: 'true' }, 'csv');
    same(Buffer.from(lines.join('\n')), {}, 'csv');
  });

  it('bodies that are not valid UTF-8 stay on the general path and load the same', () => {
    const line = COLUMNS.map((_, c) => (c === 0 ? '1' : 'x')).join('\t');
    for (const bad of [[0xff], [0xc3], [0xe2, 0x82]]) same(Buffer.concat([Buffer.from(line), Buffer.from(bad), Buffer.from(`\n${line}`)]), {}, 'csv');
  });
});

// ---------------------------------------------------------------- read-back

describe('compact rows read back as the general path stores them', () => {
  const body = (first: number): Buffer => Buffer.from(Array.from({ length: 50 }, (_, k) => {
    const id = first + (k % 30);
    return [id, k, k, k, k, k / 4, k / 8, k, k % 2, '2024-01-02', '2024-01-02 03:04:05', 'é', `v${k}`, `s${first}-${k}`, '[1]', 'n'].join('\t');
  }).join('\n'));

  for (const keyed of [false, true]) {
    it(`${keyed ? 'PRIMARY KEY upserts' : 'DUPLICATE KEY chunks'}, read between loads and after them`, () => {
      const def = keyed ? catalog.table('d', 'pk')! : table;
      const headers = keyed ? { columns: `id, ${COLUMNS.slice(1, 12).map((c) => `x${c}`).join(', ')}, v, xs, xj, xnn`, where: 'id > 0' } : {};
      const tables = [new TableData(def), new TableData(def)];
      for (let first = 0; first < 100; first += 20) {
        const batches = [true, false].map((scanner) => (load(body(first), headers, 'csv', scanner, def) as LoadResult).batch);
        batches.forEach((b, k) => tables[k]!.apply(b));
        assert.deepEqual(tables[0]!.columns, tables[1]!.columns);
        assert.equal(tables[0]!.rows, tables[1]!.rows);
      }
    });
  }

  it('the transaction API appends batches of several bodies', () => {
    const [a, b] = [true, false].map((scanner) => {
      const into = (load(body(0), {}, 'csv', scanner) as LoadResult).batch;
      appendBatch(into, (load(body(100), {}, 'csv', scanner) as LoadResult).batch);
      appendBatch(into, (load(Buffer.from(`[${jsonRow(random(1), 7)}]`), { format: 'json', strip_outer_array: 'true' }, 'json', scanner) as LoadResult).batch);
      return into;
    });
    assert.deepEqual(a!.columns, b!.columns);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });

  it('over HTTP with --data-dir: the query endpoint gives the general path\'s values, and again after a restart', async () => {
    const r = random(11);
    const json = Buffer.from(`[${Array.from({ length: 200 }, (_, i) => jsonRow(r, i)).join(',')}]`);
    const csv = body(1000);
    const ascii = Buffer.from(body(2000).toString().replace(/é/g, 'e'));
    const headers = { format: 'json', strip_outer_array: 'true' };
    const general = [load(json, headers, 'json', false), load(csv, {}, 'csv', false), load(ascii, {}, 'csv', false)].map((g) => (g as LoadResult).batch.columns);
    const expected = JSON.parse(JSON.stringify(general.flatMap((columns) => columns[0]!.map((_, i) => Object.fromEntries(COLUMNS.map((c, k) => [c, columns[k]![i]]))))));
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-fast-'));
    try {
      const first = await startSandbox({ ddl: DDL, dataDir: dir });
      try {
        assert.equal((await beLoad(first.beUrl, 'd', 't', json, { label: 'j', max_filter_ratio: '1', ...headers })).Status, 'Success');
        assert.equal((await beLoad(first.beUrl, 'd', 't', csv, { label: 'c', max_filter_ratio: '1' })).Status, 'Success');
        assert.equal((await beLoad(first.beUrl, 'd', 't', ascii, { label: 'a', max_filter_ratio: '1' })).Status, 'Success');
        assert.deepEqual(await query(first.feUrl, 'SELECT * FROM d.t'), expected);
      } finally {
        await first.stop();
      }
      const second = await startSandbox({ ddl: DDL, dataDir: dir });
      try {
        assert.deepEqual(await query(second.feUrl, 'SELECT * FROM d.t'), expected);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
