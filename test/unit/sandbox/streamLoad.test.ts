// The sandbox over real loopback HTTP: the seed's examples, the Expect/307 handshake, and the
// rejection paths in StarRocks' shape and words.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { PreTouched } from '../../../sandbox/src/preTouched';
import { Sandbox, startSandbox } from '../../../sandbox/src/server';
import { basic, beLoad, rawRequest, rows, SEED_DDL, SEED_ROWS, sql, streamLoad } from './client';

const SEED_COLUMNS = 'order_id, pay_dt, customer_name, nationality, temp_gender, price';
const SEED_EXPECTED = [
  { order_id: 2020050802, pay_dt: '2020-05-08', customer_name: 'Johann Georg Faust', nationality: 'Deutschland', price: 895 },
  { order_id: 2020050802, pay_dt: '2020-05-08', customer_name: 'Julien Sorel', nationality: 'France', price: 893 },
  { order_id: 2020050803, pay_dt: '2020-05-08', customer_name: 'Dorian Grey', nationality: 'UK', price: 1262 },
  { order_id: 2020051001, pay_dt: '2020-05-10', customer_name: 'Tess Durbeyfield', nationality: 'US', price: 986 },
  { order_id: 2020051101, pay_dt: '2020-05-11', customer_name: 'Edogawa Conan', nationality: 'japan', price: 8924 },
];

let sb: Sandbox;
let n = 0;
const label = (): string => `t_${++n}`;

before(async () => {
  sb = await startSandbox({ ddl: SEED_DDL, users: { root: '', alice: 'secret' } });
  // The seed's table again with DUPLICATE KEY, to compare with the seed's expected rows.
  sb.ddl(`CREATE TABLE load_test.seed_dup (
    order_id bigint NOT NULL, pay_dt date NOT NULL, customer_name varchar(26) NULL, nationality varchar(26) NULL, price double NULL
  ) DUPLICATE KEY(order_id, pay_dt) DISTRIBUTED BY HASH(order_id) BUCKETS 5;
  CREATE TABLE load_test.types (
    k int NOT NULL, ti tinyint, si smallint, bi bigint, li largeint, b boolean, f float, d double, dec decimal(10,2),
    dt date, dtt datetime, c char(3), v varchar(5), s string, j json, n int NOT NULL DEFAULT "7"
  ) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k);
  CREATE TABLE load_test.parts (k int NOT NULL, v int) DUPLICATE KEY(k)
    PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20"))
    DISTRIBUTED BY HASH(k);`);
});
after(() => sb.stop());

describe('the seed examples', () => {
  it('Step 1 rows with the Step 3 mapping into the Step 2 table (PRIMARY KEY keeps the last row of a key)', async () => {
    const r = await streamLoad(sb.feUrl, 'load_test', 'routine_load_tbl_csv', SEED_ROWS.join('\n'), { headers: { label: label(), column_separator: ',', columns: SEED_COLUMNS } });
    assert.equal(r.Status, 'Success');
    assert.equal(r.NumberTotalRows, 5);
    assert.equal(r.NumberLoadedRows, 5);
    const got = await rows(sb.feUrl, 'SELECT * FROM load_test.routine_load_tbl_csv ORDER BY order_id, pay_dt');
    // The seed's expected table lists both 2020050802 rows; StarRocks' PRIMARY KEY (order_id, pay_dt) upserts, so
    // the later one (Julien Sorel) replaces the first. The sandbox behaves like StarRocks.
    assert.deepEqual(got, SEED_EXPECTED.filter((r) => r.customer_name !== 'Johann Georg Faust'));
  });

  it('the same rows into a DUPLICATE KEY copy of the table give exactly the seed\'s expected table', async () => {
    const r = await streamLoad(sb.feUrl, 'load_test', 'seed_dup', SEED_ROWS.join('\n'), { headers: { label: label(), column_separator: ',', columns: SEED_COLUMNS } });
    assert.equal(r.Status, 'Success');
    assert.deepEqual(await rows(sb.feUrl, 'SELECT * FROM load_test.seed_dup LIMIT 5'), SEED_EXPECTED);
  });

  it('the JSON example: jsonpaths and pay_dt=from_unixtime(pay_time, \'%Y%m%d\')', async () => {
    const body = [
      { commodity_id: '1', customer_name: 'Mark Twain', country: 'US', pay_time: 1589191487, price: 875 },
      { commodity_id: '2', customer_name: 'Oscar Wilde', country: 'UK', pay_time: 1589191487, price: 895 },
      { commodity_id: '3', customer_name: 'Antoine de Saint-Exupéry', country: 'France', pay_time: 1589191487, price: 895 },
    ].map((o) => JSON.stringify(o)).join('\n');
    const r = await streamLoad(sb.feUrl, 'load_test', 'example_tbl', body, {
      headers: {
        label: label(), format: 'json',
        columns: "commodity_id, customer_name, country, pay_time, price, pay_dt=from_unixtime(pay_time, '%Y%m%d')",
        jsonpaths: '["$.commodity_id","$.customer_name","$.country","$.pay_time","$.price"]',
      },
    });
    assert.equal(r.Status, 'Success', JSON.stringify(r));
    assert.equal(r.NumberLoadedRows, 3);
    const got = await rows(sb.feUrl, 'SELECT commodity_id, pay_dt, pay_time, price FROM load_test.example_tbl ORDER BY commodity_id');
    // 1589191487 is 2020-05-11 18:04:47 in Asia/Shanghai (StarRocks' default time zone).
    assert.deepEqual(got, [
      { commodity_id: '1', pay_dt: '2020-05-11', pay_time: 1589191487, price: 875 },
      { commodity_id: '2', pay_dt: '2020-05-11', pay_time: 1589191487, price: 895 },
      { commodity_id: '3', pay_dt: '2020-05-11', pay_time: 1589191487, price: 895 },
    ]);
  });

  it('strip_outer_array, json_root and the timezone header', async () => {
    const body = JSON.stringify({ data: [{ commodity_id: '9', pay_time: 1589212800 }] });
    const r = await streamLoad(sb.feUrl, 'load_test', 'example_tbl', body, {
      headers: { label: label(), format: 'json', strip_outer_array: 'true', json_root: '$.data', timezone: 'UTC', columns: 'commodity_id, pay_time, pay_dt=from_unixtime(pay_time)' },
    });
    assert.equal(r.Status, 'Success', JSON.stringify(r));
    assert.deepEqual(await rows(sb.feUrl, "SELECT pay_dt FROM load_test.example_tbl WHERE commodity_id = '9'"), [{ pay_dt: '2020-05-11' }]);
  });
});

describe('the FE/BE handshake', () => {
  it('FE answers 307 to the BE with no credentials in the Location, without reading the body', async () => {
    const fe = await rawRequest(`${sb.feUrl}/api/load_test/seed_dup/_stream_load?x=1`, { headers: { Authorization: basic(), label: 'never-sent' }, body: 'x', expect: true });
    assert.equal(fe.status, 307);
    const location = new URL(fe.headers.location!);
    assert.equal(`${location.protocol}//${location.host}`, sb.beUrl);
    assert.equal(location.pathname, '/api/load_test/seed_dup/_stream_load');
    assert.equal(location.search, '?x=1');
    assert.equal(location.username + location.password, '');
    assert.equal(fe.headers.connection, 'close');
    // The body was never read, so nothing was loaded under that label.
    assert.deepEqual(sb.core.txns.find('load_test', 'never-sent'), undefined);
  });

  it('FE refuses a PUT without Expect: 100-continue with StarRocks\' own body', async () => {
    const fe = await rawRequest(`${sb.feUrl}/api/load_test/seed_dup/_stream_load`, { headers: { Authorization: basic() }, body: '1,2' });
    assert.equal(fe.status, 200);
    assert.deepEqual(JSON.parse(fe.body), { Status: 'FAILED', Message: 'class com.starrocks.common.DdlException: There is no 100-continue header' });
    assert.equal(fe.headers.connection, 'close');
  });

  it('FE checks the password; a refused one gets 401', async () => {
    const fe = await rawRequest(`${sb.feUrl}/api/load_test/seed_dup/_stream_load`, { headers: { Authorization: basic('alice', 'wrong') }, body: 'x', expect: true });
    assert.equal(fe.status, 401);
    assert.match(JSON.parse(fe.body).msg, /^Access denied for alice@/);
    const ok = await rawRequest(`${sb.feUrl}/api/load_test/seed_dup/_stream_load`, { headers: { Authorization: basic('alice', 'secret') }, body: 'x', expect: true });
    assert.equal(ok.status, 307);
  });

  it('BE checks Basic auth itself', async () => {
    const none = await beLoad(sb.beUrl, 'load_test', 'seed_dup', '1\t2020-01-01\ta\tb\t1', { label: label() }, null);
    assert.equal(none.Status, 'Fail');
    assert.equal(none.Message, 'no valid Basic authorization');
    const wrong = await beLoad(sb.beUrl, 'load_test', 'seed_dup', '1\t2020-01-01\ta\tb\t1', { label: label() }, basic('alice', 'nope'));
    assert.equal(wrong.Status, 'Fail');
    assert.match(String(wrong.Message), /^Access denied for alice@/);
  });

  it('BE takes chunked bodies', async () => {
    const parts = ['7001\t2021-01-01\tchunk', 'ed\tNL\t1.5\n7002\t2021-01-02\tx\tNL\t2\n'];
    const r = await beLoad(sb.beUrl, 'load_test', 'seed_dup', Readable.from(parts.map((p) => Buffer.from(p))), { label: label() });
    assert.equal(r.Status, 'Success', JSON.stringify(r));
    assert.equal(r.NumberLoadedRows, 2);
    assert.deepEqual(await rows(sb.feUrl, 'SELECT customer_name FROM load_test.seed_dup WHERE order_id = 7001'), [{ customer_name: 'chunked' }]);
  });

  it('answers with every field of StarRocks\' response, in its order', async () => {
    const r = await streamLoad(sb.feUrl, 'load_test', 'seed_dup', '8001\t2021-01-01\ta\tb\t1', { headers: { label: 'fields-1' } });
    assert.deepEqual(Object.keys(r), [
      'TxnId', 'Label', 'Db', 'Table', 'Status', 'Message', 'NumberTotalRows', 'NumberLoadedRows', 'NumberFilteredRows', 'NumberUnselectedRows',
      'LoadBytes', 'LoadTimeMs', 'BeginTxnTimeMs', 'StreamLoadPlanTimeMs', 'ReadDataTimeMs', 'WriteDataTimeMs', 'CommitAndPublishTimeMs',
    ]);
    assert.equal(r.Label, 'fields-1');
    assert.equal(r.Message, 'OK');
    assert.equal(r.LoadBytes, 21);
  });
});

describe('labels', () => {
  it('a finished label answers Label Already Exists / FINISHED and loads nothing more', async () => {
    const first = await streamLoad(sb.feUrl, 'load_test', 'seed_dup', '9001\t2021-01-01\ta\tb\t1', { headers: { label: 'dedup-1' } });
    assert.equal(first.Status, 'Success');
    const again = await streamLoad(sb.feUrl, 'load_test', 'seed_dup', '9001\t2021-01-01\ta\tb\t1', { headers: { label: 'dedup-1' } });
    assert.equal(again.Status, 'Label Already Exists');
    assert.equal(again.ExistingJobStatus, 'FINISHED');
    assert.equal(again.Message, 'Label [dedup-1] has already been used.');
    assert.equal(again.TxnId, first.TxnId);
    assert.deepEqual(await rows(sb.feUrl, 'SELECT COUNT(*) FROM load_test.seed_dup WHERE order_id = 9001'), [{ 'count(*)': 1 }]);
    assert.deepEqual(await rows(sb.feUrl, 'SELECT COUNT(*) AS n FROM load_test.seed_dup WHERE order_id = 9001'), [{ n: 1 }]);
  });

  it('labels are per database, and an aborted label can be used again', async () => {
    sb.ddl('CREATE DATABASE other; CREATE TABLE other.t (k int) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k);');
    assert.equal((await beLoad(sb.beUrl, 'other', 't', '1', { label: 'dedup-1' })).Status, 'Success');
    const failed = await beLoad(sb.beUrl, 'other', 't', 'x', { label: 'reuse-1', strict_mode: 'true' });
    assert.equal(failed.Status, 'Fail');
    assert.equal(failed.Message, 'too many filtered rows');
    const retried = await beLoad(sb.beUrl, 'other', 't', '2', { label: 'reuse-1' });
    assert.equal(retried.Status, 'Success');
  });

  it('a label is checked against ^[-\\w]{1,128}$', async () => {
    for (const bad of ['has space', 'a.b', 'x'.repeat(129)]) {
      const r = await beLoad(sb.beUrl, 'load_test', 'seed_dup', '1', { label: bad });
      assert.equal(r.Status, 'Fail');
      assert.equal(r.Message, `Label format error. regex: ^[-\\w]{1,128}$, label: ${bad}`);
    }
  });

  it('without a label the BE makes one up', async () => {
    const r = await beLoad(sb.beUrl, 'load_test', 'seed_dup', '9101\t2021-01-01\ta\tb\t1');
    assert.equal(r.Status, 'Success');
    assert.match(String(r.Label), /^[0-9a-f-]{36}$/);
  });
});

describe('rejections in StarRocks\' words', () => {
  const fail = async (headers: Record<string, string>, message: string | RegExp, table = 'seed_dup', db = 'load_test', body = '1\t2020-01-01\ta\tb\t1'): Promise<Record<string, unknown>> => {
    const r = await beLoad(sb.beUrl, db, table, body, { label: label(), ...headers });
    assert.equal(r.Status, 'Fail', JSON.stringify(r));
    if (typeof message === 'string') assert.equal(r.Message, message);
    else assert.match(String(r.Message), message);
    return r;
  };

  it('unknown database and table', async () => {
    await fail({}, 'unknown database, database=nope', 'seed_dup', 'nope');
    await fail({}, 'unknown table "load_test.nope"', 'nope');
  });
  it('format', async () => { await fail({ format: 'xml' }, 'unknown data format, format=xml'); });
  it('strict_mode', async () => { await fail({ strict_mode: 'yes' }, 'Invalid strict mode format. Must be bool type'); });
  it('timeout', async () => {
    await fail({ timeout: '0' }, "Invalid timeout: '0'. Expected values should be between 1 and 259200 seconds");
    await fail({ timeout: '259201' }, "Invalid timeout: '259201'. Expected values should be between 1 and 259200 seconds");
    await fail({ timeout: 'abc' }, "Invalid timeout: 'abc'. Expected values should be between 1 and 259200 seconds");
  });
  it('partitions', async () => {
    await fail({ partitions: 'p1', temporary_partitions: 'tp1' }, 'Can not specify both partitions and temporary partitions', 'parts');
    await fail({ partitions: 'p9' }, "Unknown partition 'p9' in table 'parts'", 'parts');
    const ok = await beLoad(sb.beUrl, 'load_test', 'parts', '1\t2', { label: label(), partitions: 'p1, p2' });
    assert.equal(ok.Status, 'Success');
  });
  it('delimiters', async () => {
    await fail({ column_separator: '0x1' }, "Invalid delimiter '0x1: hex length must be a even number");
    await fail({ column_separator: '\\x' }, 'Delimiter cannot be empty or null');
    const r = await beLoad(sb.beUrl, 'load_test', 'seed_dup', Buffer.from('9201\x012021-01-01\x01a\x01b\x013|9202\x012021-01-01\x01c\x01d\x014|'), { label: label(), column_separator: '\\x01', row_delimiter: '0x7C' });
    assert.equal(r.Status, 'Success', JSON.stringify(r));
    assert.equal(r.NumberLoadedRows, 2);
  });
  it('unknown function and unknown column', async () => {
    await fail({ columns: 'a, b, c, d, e, order_id = nosuch(a)' }, 'No matching function with signature: nosuch(varchar).');
    await fail({ columns: 'a, b, c, d, e, order_id = upper(a, b, c)' }, 'No matching function with signature: upper(varchar, varchar, varchar).');
    await fail({ where: 'zzz > 1' }, "Unknown column 'zzz' in 'seed_dup'");
  });
  it('a NOT NULL column without default that the columns header leaves out', async () => { await fail({ columns: 'order_id' }, 'Column has no default value. column: pay_dt'); });
  it('max_filter_ratio 0 by default: one bad row fails the load, with an ErrorURL listing it', async () => {
    const r = await fail({}, 'too many filtered rows', 'seed_dup', 'load_test', '1\t2020-01-01\ta\tb\t1\n2\tnot-a-date\ta\tb\t1\n3\t2020-01-01\ttoo many\tfields\t1\t9');
    assert.equal(r.NumberTotalRows, 3);
    assert.equal(r.NumberFilteredRows, 2);
    const log = await request(String(r.ErrorURL));
    const text = await log.body.text();
    assert.match(text, /converted to NULL for non-nullable column 'pay_dt'.*Row: 2\tnot-a-date/);
    assert.match(text, /Value count does not match column count\. Expect 5, but got 6\. Row: 3\t2020-01-01\ttoo many/);
    assert.deepEqual(await rows(sb.feUrl, 'SELECT COUNT(*) FROM load_test.seed_dup WHERE order_id = 1'), [{ 'count(*)': 0 }]);
  });
  it('a ratio that tolerates the bad rows loads the good ones and still gives the ErrorURL', async () => {
    const r = await beLoad(sb.beUrl, 'load_test', 'seed_dup', '9301\t2020-01-01\ta\tb\t1\n9302\tbad\ta\tb\t1', { label: label(), max_filter_ratio: '0.5' });
    assert.equal(r.Status, 'Success');
    assert.equal(r.NumberLoadedRows, 1);
    assert.equal(r.NumberFilteredRows, 1);
    assert.match(String(r.ErrorURL), /^http:\/\/127\.0\.0\.1:\d+\/api\/_load_error_log\?file=/);
  });
});

describe('rows as StarRocks converts them', () => {
  const load = (body: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> =>
    beLoad(sb.beUrl, 'load_test', 'types', body, { label: label(), max_filter_ratio: '1', columns: 'k, ti, si, bi, li, b, f, d, dec, dt, dtt, c, v, s, j', ...headers });

  it('converts every type', async () => {
    const r = await load('1\t-128\t32767\t9007199254740993\t170141183460469231731687303715884105727\ttrue\t1.5\t2.25\t12.345\t2020-5-8\t2020-05-08T01:02:03\tabc\thello\tlong text\t{"a": [1, 2]}');
    assert.equal(r.NumberLoadedRows, 1, JSON.stringify(r));
    assert.deepEqual(await rows(sb.feUrl, 'SELECT * FROM load_test.types WHERE k = 1'), [{
      k: 1, ti: -128, si: 32767, bi: '9007199254740993', li: '170141183460469231731687303715884105727', b: 1, f: 1.5, d: 2.25, dec: '12.35',
      dt: '2020-05-08', dtt: '2020-05-08 01:02:03', c: 'abc', v: 'hello', s: 'long text', j: '{"a":[1,2]}', n: 7,
    }]);
  });

  it('without strict_mode a bad value becomes NULL; with it the row is filtered', async () => {
    const body = '2\t999\tx\t1.5\t\\N\tmaybe\tNaN\t1e999\t123456789.1\t2020-02-30\t2020-01-01 25:00:00\tabc\thello\ts\tnot json';
    const loose = await load(body);
    assert.equal(loose.NumberLoadedRows, 1);
    assert.deepEqual(await rows(sb.feUrl, 'SELECT ti, si, bi, li, b, f, d, dec, dt, dtt, j FROM load_test.types WHERE k = 2'), [
      { ti: null, si: null, bi: null, li: null, b: null, f: null, d: null, dec: null, dt: null, dtt: null, j: null },
    ]);
    const strict = await load(body.replace(/^2/, '3'), { strict_mode: 'true' });
    assert.equal(strict.NumberFilteredRows, 1);
    assert.equal(strict.NumberLoadedRows, 0);
  });

  it('over-long strings and NULL in NOT NULL columns are filtered whatever strict_mode says', async () => {
    const long = await load('4\t1\t1\t1\t1\t1\t1\t1\t1\t2020-01-01\t2020-01-01\tabcd\thello\ts\t1');
    assert.equal(long.NumberFilteredRows, 1);
    const utf8 = await load('5\t1\t1\t1\t1\t1\t1\t1\t1\t2020-01-01\t2020-01-01\tééé\thello\ts\t1');
    assert.equal(utf8.NumberFilteredRows, 1, 'char(3) counts bytes: ééé is 6');
    const nullKey = await load('\\N\t1\t1\t1\t1\t1\t1\t1\t1\t2020-01-01\t2020-01-01\tabc\thello\ts\t1');
    assert.equal(nullKey.NumberFilteredRows, 1);
  });

  it('columns with expressions, placeholders and WHERE (unselected rows are not errors)', async () => {
    const r = await load('6,Hello,x,1589191487\n7,World,y,1589191487\n8,skip,z,0', {
      column_separator: ',',
      columns: "k, raw, tmp, ts, v = upper(substr(raw, 1, 3)), s = concat_ws('-', raw, tmp), dtt = from_unixtime(ts), dt = str_to_date('2020|05|09', '%Y|%m|%d'), d = round(ts / 1000, 1), b = if(k > 6, true, false)",
      where: "raw != 'skip' AND k BETWEEN 1 AND 100",
    });
    assert.equal(r.NumberLoadedRows, 2, JSON.stringify(r));
    assert.equal(r.NumberUnselectedRows, 1);
    assert.equal(r.NumberFilteredRows, 0);
    assert.deepEqual(await rows(sb.feUrl, 'SELECT k, v, s, dtt, dt, d, b, n FROM load_test.types WHERE k IN (6, 7, 8) ORDER BY k DESC'), [
      { k: 7, v: 'WOR', s: 'World-y', dtt: '2020-05-11 18:04:47', dt: '2020-05-09', d: 1589191.5, b: 1, n: 7 },
      { k: 6, v: 'HEL', s: 'Hello-x', dtt: '2020-05-11 18:04:47', dt: '2020-05-09', d: 1589191.5, b: 0, n: 7 },
    ]);
  });

  it('CASE, CAST, IS NULL, IN, LIKE, coalesce, nullif, ifnull, get_json_* and friends', async () => {
    const r = await load('9|{"a":{"b":"x"},"n":5,"f":2.5}|  pad  |abc', {
      column_separator: '|',
      columns: [
        'k, doc, sp, w',
        "v = CASE WHEN w LIKE 'a%' THEN 'like' ELSE 'no' END",
        's = concat(get_json_string(doc, \'$.a.b\'), \'/\', CAST(get_json_int(doc, \'$.n\') * 2 AS varchar), \'/\', get_json_double(doc, \'$.f\'), \'/\', trim(sp), \'/\', length(sp), \'/\', replace(w, \'b\', \'B\'), \'/\', lower(\'Q\'), \'/\', ifnull(NULL, \'i\'), \'/\', coalesce(NULL, NULL, \'c\'), \'/\', ifnull(nullif(w, \'abc\'), \'nn\'))',
        'ti = CASE k WHEN 9 THEN abs(-3) END',
        'si = floor(2.7) + ceil(2.1)',
        'b = w IS NOT NULL AND k IN (1, 9) AND w NOT LIKE \'%z\'',
        "dtt = date_format('2020-05-08 13:14:15', '%Y/%m/%d %H.%i.%s')",
        'bi = unix_timestamp(\'2020-05-11 18:04:47\')',
      ].join(', '),
    });
    assert.equal(r.NumberLoadedRows, 1, JSON.stringify(r));
    const [row] = await rows(sb.feUrl, 'SELECT v, s, ti, si, b, dtt, bi FROM load_test.types WHERE k = 9');
    assert.deepEqual(row, { v: 'like', s: 'x/10/2.5/pad/7/aBc/q/i/c/nn', ti: 3, si: 5, b: 1, dtt: null, bi: 1589191487 });
  });

  it('now() and a DEFAULT fill columns the load does not map', async () => {
    const r = await load('10', { columns: 'k, dtt = now()' });
    assert.equal(r.NumberLoadedRows, 1, JSON.stringify(r));
    const [row] = await rows(sb.feUrl, 'SELECT dtt, n, v FROM load_test.types WHERE k = 10');
    assert.match(String(row!.dtt), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(row!.n, 7);
    assert.equal(row!.v, null);
  });
});

describe('read-back and DDL over HTTP', () => {
  it('runs DDL and answers SELECT with WHERE, ORDER BY and LIMIT', async () => {
    assert.equal((await sql(sb.feUrl, 'CREATE TABLE load_test.rb (k int NOT NULL, v varchar(10)) PRIMARY KEY(k) DISTRIBUTED BY HASH(k)')).status, 200);
    await beLoad(sb.beUrl, 'load_test', 'rb', '1\ta\n2\tb\n3\tc\n2\tB', { label: label() });
    assert.deepEqual(await rows(sb.feUrl, "SELECT v, k AS key FROM load_test.rb WHERE k >= 2 OR v = 'a' ORDER BY k DESC LIMIT 2"), [{ v: 'c', key: 3 }, { v: 'B', key: 2 }]);
    assert.deepEqual(await rows(sb.feUrl, 'SELECT COUNT(*) FROM load_test.rb'), [{ 'count(*)': 3 }]);
    assert.deepEqual(await rows(sb.feUrl, 'SELECT k FROM load_test.rb ORDER BY k LIMIT 1, 1'), [{ k: 2 }]);
  });

  it('refuses bad DDL and queries with a clear message', async () => {
    const dup = await sql(sb.feUrl, 'CREATE TABLE load_test.rb (k int) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k)');
    assert.equal(dup.status, 400);
    assert.equal(dup.json.message, "Table 'rb' already exists");
    assert.equal((await sql(sb.feUrl, 'CREATE TABLE nodb.x (k int) DISTRIBUTED BY HASH(k)')).json.message, "Unknown database 'nodb'");
    assert.equal((await sql(sb.feUrl, 'SELECT * FROM load_test.missing')).json.message, "Unknown table 'load_test.missing'");
  });

  it('GET /api/{db}/{table}/_schema answers as StarRocks\' FE', async () => {
    const res = await request(`${sb.feUrl}/api/load_test/routine_load_tbl_csv/_schema`, { headers: { authorization: basic() } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(await res.body.json(), {
      status: 200,
      properties: [
        { type: 'BIGINT', comment: 'Order ID', name: 'order_id' },
        { type: 'DATE', comment: 'Purchase date', name: 'pay_dt' },
        { type: 'VARCHAR', comment: 'Customer name', name: 'customer_name' },
        { type: 'VARCHAR', comment: 'Country', name: 'nationality' },
        { type: 'DOUBLE', comment: 'Payment amount', name: 'price' },
      ],
    });
    const dec = await request(`${sb.feUrl}/api/load_test/types/_schema`, { headers: { authorization: basic() } });
    const props = ((await dec.body.json()) as { properties: Record<string, string>[] }).properties;
    assert.deepEqual(props.find((p) => p.name === 'dec'), { precision: '10', scale: '2', type: 'DECIMAL64', comment: '', name: 'dec' });
    const missing = await request(`${sb.feUrl}/api/load_test/nope/_schema`, { headers: { authorization: basic() } });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(await missing.body.json(), { status: 404, exception: 'Table [nope] does not exists' });
    const noAuth = await request(`${sb.feUrl}/api/load_test/types/_schema`, { headers: { authorization: basic('root', 'x') } });
    assert.equal(noAuth.statusCode, 401);
    await noAuth.body.text();
  });
});

describe('a sandbox that keeps no rows (discardRows, StarRocks\' BLACKHOLE)', () => {
  it('checks and counts every row as before, keeps none, and a shorter body in a used receive buffer is read to its own end', async () => {
    const bare = await startSandbox({ ddl: 'CREATE DATABASE d; CREATE TABLE d.t (k int NOT NULL, v varchar(8)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k);', discardRows: true });
    try {
      const long = Array.from({ length: 200 }, (_, i) => `${i},v${i}`).concat(['x,bad']).join('\n');
      const first = await streamLoad(bare.feUrl, 'd', 't', long, { headers: { label: 'bh1', column_separator: ',', max_filter_ratio: '0.5' } });
      assert.equal(first.Status, 'Success');
      assert.deepEqual([first.NumberTotalRows, first.NumberLoadedRows, first.NumberFilteredRows], [201, 200, 1]);
      // Shorter than the first body: it is received into the first one's buffer, whose tail must not be read.
      const second = await streamLoad(bare.feUrl, 'd', 't', '1,a\n2,b', { headers: { label: 'bh2', column_separator: ',' } });
      assert.deepEqual([second.Status, second.NumberTotalRows, second.NumberLoadedRows], ['Success', 2, 2]);
      const again = await streamLoad(bare.feUrl, 'd', 't', '1,a', { headers: { label: 'bh2', column_separator: ',' } });
      assert.equal(again.Status, 'Label Already Exists', 'labels are kept as usual');
      assert.equal(bare.core.discardedRows, 202);
      assert.deepEqual(bare.query('SELECT count(*) FROM d.t').rows, [{ 'count(*)': 0 }]);
    } finally {
      await bare.stop();
    }
  });
});

describe('a sandbox whose kept bodies go to memory touched at start-up (preTouchMB)', () => {
  it('keeps each body in its own part of that memory, then in fresh memory once it is used up', async () => {
    // 1 KiB: the first two bodies fit, the third does not. A body carved over another would change its rows.
    const touched = await startSandbox({ ddl: 'CREATE DATABASE d; CREATE TABLE d.t (k int NOT NULL, v varchar(16)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k);', preTouchMB: 1 / 1024 });
    try {
      const body = (from: number, count: number): string => Array.from({ length: count }, (_, i) => `${from + i},value-${from + i}`).join('\n');
      for (const [from, count] of [[0, 20], [100, 20], [200, 80]] as const) {
        const r = await streamLoad(touched.feUrl, 'd', 't', body(from, count), { headers: { label: `pt${from}`, column_separator: ',' } });
        assert.deepEqual([r.Status, r.NumberLoadedRows], ['Success', count]);
      }
      const got = touched.query('SELECT k, v FROM d.t ORDER BY k').rows as Array<{ k: number; v: string }>;
      assert.equal(got.length, 120);
      for (const row of got) assert.equal(row.v, `value-${row.k}`);
    } finally {
      await touched.stop();
    }
  });
});

describe('PreTouched', () => {
  it('carves bodies one after another and says when what is left cannot hold one', () => {
    const memory = new PreTouched(100);
    const a = memory.take(60)!;
    const b = memory.take(40)!;
    a.fill(1);
    b.fill(2);
    assert.deepEqual([a.length, b.length, a[59], b[0], memory.free], [60, 40, 1, 2, 0]);
    assert.equal(memory.take(1), undefined);
  });
});
