import { startSandbox } from './src/server';
import { SEED_DDL, beLoad } from '../test/unit/sandbox/client';
import { request } from 'undici';
(async () => {
  const sb = await startSandbox({ ddl: SEED_DDL });
  sb.ddl(`CREATE TABLE load_test.types (
    k int NOT NULL, ti tinyint, si smallint, bi bigint, li largeint, b boolean, f float, d double, dec decimal(10,2),
    dt date, dtt datetime, c char(3), v varchar(5), s string, j json, n int NOT NULL DEFAULT "7"
  ) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k);`);
  const r = await beLoad(sb.beUrl, 'load_test', 'types', '1\t-128\t32767\t9007199254740993\t170141183460469231731687303715884105727\ttrue\t1.5\t2.25\t12.345\t2020-5-8\t2020-05-08T01:02:03\tabc\thello\tlong text\t{"a": [1, 2]}', { max_filter_ratio: '1' });
  console.log(await (await request(String(r.ErrorURL))).body.text());
  await sb.stop();
})();
