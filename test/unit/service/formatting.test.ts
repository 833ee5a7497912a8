import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LanguageService } from '../../../server/src/service';

const OPTIONS = { tabSize: 4, insertSpaces: true };

function formatted(text: string, range?: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const svc = new LanguageService();
  const doc = TextDocument.create('file:///f.sql', 'sql', 1, text);
  return TextDocument.applyEdits(doc, svc.format(doc, OPTIONS, range));
}

const MESSY = `create routine load  load_test.example_tbl2_ordertest on example_tbl
columns(commodity_id,customer_name,pay_time,price,pay_dt=from_unixtime(pay_time,'%Y%m%d')) ,
where price>-1 and customer_name is not null
properties("desired_concurrent_number"="5","format"="json",
-- paths in COLUMNS order
"jsonpaths"="[\\"$.commodity_id\\"]")
from kafka("kafka_broker_list"="b1:9092","kafka_topic"="ordertest2")`;

describe('formatting', () => {
  it('lays a CREATE ROUTINE LOAD out canonically, keeping names, strings and comments', () => {
    assert.equal(
      formatted(`${MESSY};`),
      `CREATE ROUTINE LOAD load_test.example_tbl2_ordertest ON example_tbl
COLUMNS (commodity_id, customer_name, pay_time, price, pay_dt = from_unixtime(pay_time, '%Y%m%d')),
WHERE price > -1 AND customer_name IS NOT NULL
PROPERTIES (
    "desired_concurrent_number" = "5",
    "format" = "json",
    -- paths in COLUMNS order
    "jsonpaths" = "[\\"$.commodity_id\\"]"
)
FROM KAFKA (
    "kafka_broker_list" = "b1:9092",
    "kafka_topic" = "ordertest2"
);`,
    );
  });

  it('is idempotent', () => {
    const once = formatted(`${MESSY};`);
    assert.equal(formatted(once), once);
  });

  it('formats job control and SHOW on one line and leaves other statements alone', () => {
    const text = 'select  *  from   t;\npause   routine load for `my job`;\nshow all routine load where State="PAUSED" order by CreateTime desc limit 10;\nCREATE TABLE x (a int) ;';
    assert.equal(formatted(text), 'select  *  from   t;\nPAUSE ROUTINE LOAD FOR `my job`;\nSHOW ALL ROUTINE LOAD WHERE State = "PAUSED" ORDER BY CreateTime DESC LIMIT 10;\nCREATE TABLE x (a int) ;');
  });

  it('leaves a statement with syntax errors as written', () => {
    const broken = 'create routine load j on t properties ("a" = ) from kafka ("kafka_topic"="t");';
    assert.equal(formatted(broken), broken);
  });

  it('formats only the statements a range touches', () => {
    const text = 'pause routine load for a;\npause routine load for b;';
    assert.equal(formatted(text, { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }), 'pause routine load for a;\nPAUSE ROUTINE LOAD FOR b;');
  });

  it('keeps soft keywords used as names', () => {
    const text = 'CREATE ROUTINE LOAD load ON columns COLUMNS (rows, comment) FROM KAFKA ("kafka_broker_list"="k:1","kafka_topic"="t");';
    assert.match(formatted(text), /^CREATE ROUTINE LOAD load ON columns\nCOLUMNS \(rows, comment\)\n/);
  });
});
