// `npm run demo` end to end: the bundled `routine-load demo` starts its own broker and sandbox, loads the
// seed's two example jobs, prints them, and stops everything it started.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it, before } from 'node:test';
import { buildOnce, runCli } from './cliProcess';

function demoDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('routine-load-demo-'));
}

describe('routine-load demo', () => {
  before(() => buildOnce());

  it('shows the seed\'s jobs RUNNING with their rows, and leaves nothing running', { timeout: 300_000 }, async () => {
    const dirsBefore = new Set(demoDirs());
    const started = Date.now();
    const result = await runCli(['demo']);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const out = result.stdout;

    // SHOW ROUTINE LOAD in \G form, both jobs RUNNING with their loaded rows.
    assert.match(out, /\*{27} 1\. row \*{27}\n\s*Id: \d+\n\s*Name: routine_load_tbl_ordertest_csv/);
    assert.match(out, /Name: example_tbl2_ordertest/);
    assert.equal(out.match(/^\s*State: RUNNING$/gm)?.length, 2, out);
    assert.match(out, /"loadedRows":5[,}]/);
    assert.match(out, /"loadedRows":100[,}]/);
    assert.match(out, /"topic":"order_sr_topic"/);

    // The seed's expected rows (the two rows of order 2020050802 share the primary key: the later one stays).
    for (const row of [
      /\| 2020050802 \| 2020-05-08 \| Julien Sorel\s+\| France\s+\| 893\s+\|/,
      /\| 2020050803 \| 2020-05-08 \| Dorian Grey\s+\| UK\s+\| 1262\s+\|/,
      /\| 2020051001 \| 2020-05-10 \| Tess Durbeyfield\s+\| US\s+\| 986\s+\|/,
      /\| 2020051101 \| 2020-05-11 \| Edogawa Conan\s+\| japan\s+\| 8924\s+\|/,
    ]) assert.match(out, row);
    assert.match(out, /Johann Georg Faust/, 'the note explains the primary key');
    // The JSON example: pay_dt derived by from_unixtime(pay_time, '%Y%m%d').
    assert.match(out, /\| 1000\s+\| Ada Lovelace\s+\| UK\s+\| 1589191487 \| 9.5\s+\| 2020-05-11 \|/);
    assert.match(out, /\(100 orders in example_tbl\)/);

    assert.match(result.stderr, /Stopped everything the demo started/);
    assert.deepEqual(demoDirs().filter((d) => !dirsBefore.has(d)), [], 'its temporary folder is removed');
    assert.ok(seconds < 60, `the demo took ${seconds.toFixed(1)} s`);
  });
});
