// The language server through the protocol: started as a process, driven over stdio.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type {
  CodeAction,
  CompletionList,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Location,
  SignatureHelp,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { LspClient, ROOT } from './lspClient';

const JOB = `CREATE ROUTINE LOAD db.orders_job ON orders
COLUMNS TERMINATED BY ",",
COLUMNS (id, name, price)
PROPERTIES ("max_batch_interval" = "100", "desired_concurrent_number" = "2")
FROM KAFKA ("kafka_broker_list" = "k:9092", "kafka_topic" = "orders", "property.security.protocal" = "ssl");
PAUSE ROUTINE LOAD FOR orders_job;
`;

const TABLES = `CREATE TABLE db.orders (
  id BIGINT NOT NULL,
  name VARCHAR(20),
  price DOUBLE
) PRIMARY KEY (id) DISTRIBUTED BY HASH(id) BUCKETS 4;
`;

function positionOf(text: string, needle: string, delta = 0, last = false): { line: number; character: number } {
  const offset = (last ? text.lastIndexOf(needle) : text.indexOf(needle)) + delta;
  assert.ok(offset >= delta, `${needle} not in text`);
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

describe('language server over stdio', () => {
  let client: LspClient;
  let dir: string;
  let rootUri: string;
  let settings: Record<string, unknown> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rl-lsp-'));
    writeFileSync(join(dir, 'tables.sql'), TABLES);
    rootUri = pathToFileURL(dir).href;
    client = LspClient.start({ settings: () => settings });
  });

  after(async () => {
    const code = await client.stop();
    assert.equal(code, 0, 'the server exits cleanly after shutdown/exit');
    rmSync(dir, { recursive: true, force: true });
  });

  it('negotiates its capabilities', async () => {
    const result = await client.initialize(rootUri);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON shape read field by field
    const caps = result.capabilities as Record<string, any>;
    assert.equal(caps.textDocumentSync.change, 2, 'incremental sync');
    assert.ok(caps.completionProvider.triggerCharacters.includes('"'));
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(caps.signatureHelpProvider.triggerCharacters, ['(', ',']);
    assert.ok(caps.codeActionProvider);
    assert.equal(caps.documentFormattingProvider, true);
    assert.equal(caps.documentRangeFormattingProvider, true);
    assert.ok(caps.documentSymbolProvider);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.foldingRangeProvider, true);
  });

  const uri = (): string => `${rootUri}/job.sql`;

  it('publishes diagnostics with the core codes for the opened version', async () => {
    const published = client.diagnostics(uri(), 1);
    client.open(uri(), JOB, 1);
    const p = await published;
    const codes = p.diagnostics.map((d) => d.code);
    assert.ok(codes.includes('RL106'), `max_batch_interval out of documented range: ${codes.join(',')}`);
    assert.ok(codes.includes('RL209'), 'misspelt Kafka client key');
    assert.ok(!codes.includes('RL401'), 'the table is found in the workspace scan of tables.sql');
    assert.ok(p.diagnostics.every((d) => d.source === 'routine-load'));
  });

  it('follows incremental edits and never publishes an older version after a newer one', async () => {
    const published = client.diagnostics(uri(), 3);
    const pos = positionOf(JOB, '"100"', 1);
    // Two quick edits: 100 → 10, then desired_concurrent_number 2 → 0.
    client.change(uri(), 2, [{ range: { start: pos, end: { line: pos.line, character: pos.character + 3 } }, text: '10' }]);
    const text2 = JOB.replace('"100"', '"10"');
    const pos2 = positionOf(text2, '"2")', 1);
    client.change(uri(), 3, [{ range: { start: pos2, end: { line: pos2.line, character: pos2.character + 1 } }, text: '0' }]);
    const p = await published;
    const codes = p.diagnostics.map((d) => d.code);
    assert.ok(!codes.includes('RL106'), `the edit fixed max_batch_interval: ${JSON.stringify(p.diagnostics)}`);
    assert.ok(codes.includes('RL104'), 'desired_concurrent_number 0 is below its range');
    const versions = client.published.filter((x) => x.uri === uri()).map((x) => x.version ?? 0);
    assert.deepEqual([...versions].sort((a, b) => a - b), versions, 'versions only go up');
    assert.ok(!versions.includes(2), 'the superseded version was never published');
  });

  it('offers a quick fix from the diagnostic data and clamps to the nearest valid value', async () => {
    const last = client.published.filter((x) => x.uri === uri()).at(-1)!;
    const d = last.diagnostics.find((x) => x.code === 'RL104')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri() }, range: d.range, context: { diagnostics: [d] } });
    const fix = actions.find((a) => a.title === 'Change to 1');
    assert.ok(fix, `clamp action among ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.edit!.changes![uri()][0].newText, '1');
    const rename = last.diagnostics.find((x) => x.code === 'RL209')!;
    const renames = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri() }, range: rename.range, context: { diagnostics: [rename] } });
    assert.ok(renames.some((a) => a.edit!.changes![uri()][0].newText === 'property.security.protocol'));
  });

  it('completes property names valid in the list and not yet present, with docs', async () => {
    const text = JOB.replace('"100"', '"10"').replace('"2")', '"0")');
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: uri() }, position: positionOf(text, '("max_batch_interval"', 1) });
    const labels = list.items.map((i) => i.label);
    assert.ok(labels.includes('strict_mode'));
    assert.ok(labels.includes('format'));
    assert.ok(!labels.includes('max_batch_interval'), 'already present');
    assert.ok(!labels.includes('kafka_topic'), 'belongs to FROM KAFKA');
    const item = list.items.find((i) => i.label === 'max_batch_rows')!;
    assert.match(String(item.detail), /default 200000/);
    assert.match(JSON.stringify(item.documentation), /error-detection|error rows/);
  });

  it('completes topics and partitions pushed by the client', async () => {
    await client.connection.sendNotification('routineLoad/kafkaMetadata', { brokers: 'k:9092', topics: [{ name: 'orders', partitions: [0, 1, 2] }, { name: 'payments', partitions: [0] }] });
    const doc = `${rootUri}/topics.sql`;
    const text = 'CREATE ROUTINE LOAD j2 ON orders FROM KAFKA ("kafka_broker_list" = "k:9092", "kafka_topic" = "", "kafka_partitions" = "0,")';
    const text2 = text.replace('"kafka_topic" = ""', '"kafka_topic" = "orders"');
    const opened = client.diagnostics(doc, 1);
    client.open(doc, text);
    await opened;
    const topics = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: doc }, position: positionOf(text, '"kafka_topic" = ""', 17) });
    assert.deepEqual(topics.items.map((i) => i.label).sort(), ['orders', 'payments']);
    const insert = positionOf(text, '"kafka_topic" = ""', 17);
    client.change(doc, 2, [{ range: { start: insert, end: insert }, text: 'orders' }]);
    const parts = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: doc }, position: positionOf(text2, '"0,"', 3) });
    const labels = parts.items.map((i) => i.label);
    assert.ok(labels.includes('1') && labels.includes('2') && !labels.includes('0'), labels.join(','));
  });

  it('completes columns from schemas pushed by the client', async () => {
    await client.connection.sendNotification('routineLoad/tableSchemas', { tables: [{ db: 'db', name: 'events', columns: [{ name: 'event_id', type: 'bigint' }, { name: 'ts', type: 'datetime' }] }] });
    const doc = `${rootUri}/events.sql`;
    const text = 'CREATE ROUTINE LOAD j3 ON events COLUMNS (';
    client.open(doc, text);
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: doc }, position: positionOf(text, '(', 1) });
    assert.deepEqual(list.items.map((i) => i.label).sort(), ['event_id', 'ts']);
  });

  it('answers hover, signature help, symbols, definition and folding', async () => {
    const text = JOB.replace('"100"', '"10"').replace('"2")', '"0")');
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: uri() }, position: positionOf(text, 'max_batch_interval', 3) });
    assert.match(JSON.stringify(hover.contents), /Default: `10`/);

    const doc = `${rootUri}/calls.sql`;
    const calls = 'CREATE ROUTINE LOAD j4 ON orders COLUMNS (id, d = from_unixtime(id, ';
    client.open(doc, calls);
    const sig = await client.request<SignatureHelp>('textDocument/signatureHelp', { textDocument: { uri: doc }, position: positionOf(calls, ', ', 2, true) });
    assert.match(sig.signatures[0].label, /^from_unixtime\(/);
    assert.equal(sig.activeParameter, 1);

    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri() } });
    assert.deepEqual(symbols.map((s) => s.name), ['db.orders_job', 'PAUSE orders_job']);

    const toJob = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uri() }, position: positionOf(text, 'orders_job;', 2) });
    assert.equal(toJob[0].uri, uri());
    assert.equal(toJob[0].range.start.line, 0);
    const toTable = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uri() }, position: positionOf(text, 'ON orders', 4) });
    assert.equal(toTable[0].uri, `${rootUri}/tables.sql`);

    const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: uri() } });
    assert.ok(folds.some((f) => f.startLine === 0 && f.endLine === 4));
  });

  it('formats routine-load statements, whole document and a range', async () => {
    const doc = `${rootUri}/format.sql`;
    const text = 'select 1;\ncreate routine load j5 on orders properties ("format"="json") from kafka ("kafka_topic"="t","kafka_broker_list"="k:1");\n';
    client.open(doc, text);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: doc }, options: { tabSize: 2, insertSpaces: true } });
    assert.equal(edits.length, 1, 'SELECT is left as written');
    assert.equal(edits[0].newText, 'CREATE ROUTINE LOAD j5 ON orders\nPROPERTIES (\n  "format" = "json"\n)\nFROM KAFKA (\n  "kafka_topic" = "t",\n  "kafka_broker_list" = "k:1"\n)');
    const ranged = await client.request<TextEdit[]>('textDocument/rangeFormatting', { textDocument: { uri: doc }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, options: { tabSize: 2, insertSpaces: true } });
    assert.equal(ranged.length, 0, 'the range holds only the SELECT');
  });

  it('applies per-rule severities from the configuration', async () => {
    settings = { diagnostics: { rules: { RL104: 'off', RL209: 'hint' } } };
    const published = client.diagnostics(uri(), 3);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const p = await published;
    assert.ok(!p.diagnostics.some((d) => d.code === 'RL104'));
    assert.equal(p.diagnostics.find((d) => d.code === 'RL209')?.severity, 4);
    settings = {};
  });

  it('honours cancellation', async () => {
    const id = 9_000_001;
    const response = client.rawResponse(id);
    client.writeRaw([
      { jsonrpc: '2.0', id, method: 'textDocument/formatting', params: { textDocument: { uri: uri() }, options: { tabSize: 4, insertSpaces: true } } },
      { jsonrpc: '2.0', method: '$/cancelRequest', params: { id } },
    ]);
    const r = await response;
    assert.equal(r.error?.code, -32800, 'RequestCancelled');
  });

  it('survives malformed requests and huge or pathological input', async () => {
    await assert.doesNotReject(client.request('textDocument/hover', { textDocument: { uri: 'file:///nope.sql' }, position: { line: 0, character: 0 } }));
    const bad = await client.request('textDocument/completion', { textDocument: null, position: null });
    assert.equal(bad, null);
    const huge = `${rootUri}/huge.sql`;
    let text = '';
    let seed = 7;
    while (text.length < 1_500_000) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      text += String.fromCharCode(32 + (seed % 95));
    }
    const nested = `CREATE ROUTINE LOAD j ON t WHERE ${'('.repeat(20000)}1${')'.repeat(20000)} FROM KAFKA ("kafka_topic"="t");`;
    const opened = client.diagnostics(huge, 1);
    client.open(huge, `${text}\n${nested}\nCREATE ROUTINE LOAD "unterminated`);
    await opened;
    await client.request('textDocument/formatting', { textDocument: { uri: huge }, options: { tabSize: 4, insertSpaces: true } });
    await client.request('textDocument/hover', { textDocument: { uri: huge }, position: { line: 1, character: 40 } });
    await client.request('textDocument/completion', { textDocument: { uri: huge }, position: { line: 999, character: 999 } });
    // Still alive and answering.
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri() } });
    assert.equal(symbols.length, 2);
  });
});

describe('routine-load lsp --stdio', () => {
  it('starts the same server from the command line', async () => {
    const client = LspClient.start({ args: ['--import', 'tsx', resolve(ROOT, 'cli/src/main.ts'), 'lsp', '--stdio'] });
    const result = await client.initialize(null);
    assert.equal((result.capabilities as { hoverProvider?: boolean }).hoverProvider, true);
    const uri = 'untitled:Untitled-1';
    const published = client.diagnostics(uri, 1);
    client.open(uri, 'STOP ROUTINE LOAD FOR;');
    const p = await published;
    assert.ok(p.diagnostics.some((d) => d.code === 'RL001'));
    assert.equal(await client.stop(), 0);
  });
});
