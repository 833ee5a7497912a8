import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at } from './helpers';

describe('signature help', () => {
  it('shows the function and the active parameter while the call is typed', () => {
    const { service, doc, position } = at('CREATE ROUTINE LOAD j ON t COLUMNS (a, b = from_unixtime(a, |');
    const help = service.signatureHelp(doc, position)!;
    assert.equal(help.signatures[0].label, 'from_unixtime(unix_timestamp[, format])');
    assert.equal(help.activeParameter, 1);
  });

  it('counts only the call’s own commas', () => {
    const { service, doc, position } = at('CREATE ROUTINE LOAD j ON t WHERE date_format(str_to_date(a, b), |');
    const help = service.signatureHelp(doc, position)!;
    assert.match(help.signatures[0].label, /^date_format/);
    assert.equal(help.activeParameter, 1);
  });

  it('is silent outside calls and for unknown functions', () => {
    for (const text of ['CREATE ROUTINE LOAD j ON t COLUMNS (a, |', 'CREATE ROUTINE LOAD j ON t WHERE nosuch(|', 'CREATE ROUTINE LOAD j ON t PROPERTIES (|']) {
      const { service, doc, position } = at(text);
      assert.equal(service.signatureHelp(doc, position), null, text);
    }
  });
});
