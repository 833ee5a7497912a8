import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-types';
import { at, withTables } from './helpers';

function hoverText(text: string): string | undefined {
  const { service, doc, position } = at(text, withTables());
  const h = service.hover(doc, position);
  return h ? (h.contents as MarkupContent).value : undefined;
}

describe('hover', () => {
  it('explains properties with default and range', () => {
    const h = hoverText('CREATE ROUTINE LOAD j ON orders PROPERTIES ("max_batch_i|nterval" = "10") FROM KAFKA ("kafka_broker_list"="k:1","kafka_topic"="t")')!;
    assert.match(h, /max_batch_interval/);
    assert.match(h, /Default: `10`/);
    assert.match(h, /Valid: 5–60 seconds/);
  });

  it('explains values and masks secrets', () => {
    assert.match(hoverText('CREATE ROUTINE LOAD j ON t FROM KAFKA ("property.kafka_default_offsets" = "OFFSET_BEG|INNING")')!, /oldest message/);
    const secret = hoverText('CREATE ROUTINE LOAD j ON t FROM KAFKA ("property.sasl.password" = "hun|ter2")')!;
    assert.ok(!secret.includes('hunter2'));
    assert.match(secret, /\*\*\*\*\*\*/);
  });

  it('explains keywords, functions, tables and columns', () => {
    assert.match(hoverText('PA|USE ROUTINE LOAD FOR j')!, /pauses a job/);
    assert.match(hoverText('CREATE ROUTINE LOAD j ON orders COLUMNS (id, d = from_unix|time(id))')!, /from_unixtime\(unix_timestamp/);
    assert.match(hoverText('CREATE ROUTINE LOAD j ON ord|ers')!, /\| price \| double \|/);
    assert.match(hoverText('CREATE ROUTINE LOAD j ON orders COLUMNS (i|d, name)')!, /column \*\*id\*\* `bigint key NOT NULL`/);
    assert.match(hoverText('CREATE ROUTINE LOAD j ON orders COLUMNS (id, tm|p)')!, /placeholder/);
  });

  it('says nothing over foreign statements', () => {
    assert.equal(hoverText('SELECT na|me FROM orders'), undefined);
  });
});
