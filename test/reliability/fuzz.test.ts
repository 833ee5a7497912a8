// Bad SQL: the linter (in process and as `routine-load lint`) and the language server (over stdio) survive
// fuzzed input — random bytes, mutated statements, token soup, huge files, deeply nested expressions — without
// throwing, crashing or hanging. Every document has a time bound. Seeded (RELIABILITY_SEED), so failures reproduce.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintFiles } from '../../cli/src/commands/lint';
import { LspClient, ROOT } from '../integration/lsp/lspClient';
import { Random, runSeed } from './lib/random';
import { within } from './lib/wait';

const SEED = runSeed(90210);
const seedSql = readFileSync(join(ROOT, 'test/fixtures/seed.sql'), 'utf8');
const PIECES = ['(', ')', ',', '"', "'", '`', ';', '=', ' ', '\n', '--', '/*', '*/', 'CREATE', 'ROUTINE', 'LOAD', 'ON', 'PROPERTIES',
  'FROM', 'KAFKA', 'COLUMNS', 'TERMINATED', 'BY', 'WHERE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'NOT', 'AND', 'OR', '\\G', 'PARTITION',
  '"format" = "json"', '"kafka_topic" = "t"', '"kafka_broker_list" = "k:9092"', 'SHOW', 'ALL', 'FOR', 'PAUSE', 'RESUME', 'STOP', 'ALTER',
  'from_unixtime(', 'abs(', '1e309', '-9223372036854775809', '0x', '$.', '[', ']', '{', '}', '\u0000', '\uFFFD', '\uD800', 'é', '𝕏'];

interface Doc {
  kind: string;
  text: string;
  /** Milliseconds the linter may take on it (analysis and the server also get this bound). */
  boundMs: number;
}

function mutate(text: string, r: Random): string {
  let t = text;
  const edits = r.int(1, 12);
  for (let i = 0; i < edits; i++) {
    const at = r.int(0, t.length);
    const x = r.next();
    if (x < 0.3) t = t.slice(0, at) + t.slice(at + r.int(1, 40));
    else if (x < 0.6) t = t.slice(0, at) + r.pick(PIECES) + t.slice(at);
    else if (x < 0.8) { const from = r.int(0, t.length); t = t.slice(0, at) + t.slice(from, from + r.int(1, 80)) + t.slice(at); }
    else t = t.slice(0, at) + String.fromCharCode(r.int(0, 0xffff)) + t.slice(at);
  }
  return t;
}

function nestedParens(depth: number): string {
  return `CREATE ROUTINE LOAD db.j ON t COLUMNS (a, b = ${'('.repeat(depth)}a + 1${')'.repeat(depth)}) FROM KAFKA ("kafka_topic" = "t", "kafka_broker_list" = "k:1");`;
}
function nestedCalls(depth: number): string {
  return `CREATE ROUTINE LOAD db.j ON t COLUMNS (a), WHERE ${'abs('.repeat(depth)}a${')'.repeat(depth)} > 1 FROM KAFKA ("kafka_topic" = "t", "kafka_broker_list" = "k:1");`;
}
function nestedCase(depth: number): string {
  return `CREATE ROUTINE LOAD db.j ON t COLUMNS (a, b = ${'CASE WHEN a > 1 THEN '.repeat(depth)}a${' ELSE 0 END'.repeat(depth)}) FROM KAFKA ("kafka_topic" = "t", "kafka_broker_list" = "k:1");`;
}

/** The corpus: deterministic for a seed. */
function corpus(): Doc[] {
  const r = new Random(SEED);
  const docs: Doc[] = [];
  for (let i = 0; i < 25; i++) docs.push({ kind: 'random bytes', text: r.bytes(r.int(0, 4000)).toString('utf8'), boundMs: 5_000 });
  for (let i = 0; i < 40; i++) docs.push({ kind: 'mutated seed statements', text: mutate(seedSql, r), boundMs: 5_000 });
  for (let i = 0; i < 25; i++) {
    docs.push({ kind: 'token soup', text: Array.from({ length: r.int(1, 600) }, () => r.pick(PIECES)).join(r.next() < 0.5 ? ' ' : ''), boundMs: 5_000 });
  }
  // Huge: the seed repeated to ~1 MB; one 1 MB line; 100 000 unmatched parentheses; an unterminated 1 MB string.
  docs.push({ kind: 'huge file (1 MB of statements)', text: seedSql.repeat(Math.ceil(1_000_000 / seedSql.length)), boundMs: 30_000 });
  docs.push({ kind: 'huge line (1 MB)', text: `SHOW ROUTINE LOAD FOR ${'a'.repeat(1_000_000)};`, boundMs: 20_000 });
  docs.push({ kind: 'unmatched parentheses (100k)', text: `CREATE ROUTINE LOAD db.j ON t COLUMNS ${'('.repeat(100_000)}`, boundMs: 20_000 });
  docs.push({ kind: 'unterminated string (1 MB)', text: `CREATE ROUTINE LOAD db.j ON t PROPERTIES ("format" = "${'x'.repeat(1_000_000)}`, boundMs: 20_000 });
  // Deeply nested expressions: a parser may refuse them with a diagnostic, but must not throw or hang.
  for (const depth of [100, 250, 1000, 5000]) {
    docs.push({ kind: `nested parentheses (depth ${depth})`, text: nestedParens(depth), boundMs: 5_000 });
    docs.push({ kind: `nested function calls (depth ${depth})`, text: nestedCalls(depth), boundMs: 5_000 });
  }
  docs.push({ kind: 'nested CASE (depth 300)', text: nestedCase(300), boundMs: 5_000 });
  docs.push({ kind: 'long NOT chain (5000)', text: `CREATE ROUTINE LOAD db.j ON t COLUMNS (a), WHERE ${'NOT '.repeat(5000)}a FROM KAFKA ("kafka_topic" = "t", "kafka_broker_list" = "k:1");`, boundMs: 5_000 });
  docs.push({ kind: 'long sum (20000 terms)', text: `CREATE ROUTINE LOAD db.j ON t COLUMNS (a, b = ${Array.from({ length: 20_000 }, () => 'a').join(' + ')}) FROM KAFKA ("kafka_topic" = "t", "kafka_broker_list" = "k:1");`, boundMs: 10_000 });
  return docs;
}

const docs = corpus();
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rl-fuzz-'));
  process.stdout.write(`# fuzz: seed ${SEED}, ${docs.length} documents (${[...new Set(docs.map((d) => d.kind.replace(/ \(.*\)$/, '')))].join(', ')})\n`);
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('the linter (in process) neither throws nor hangs on fuzzed documents', () => {
  const failures: string[] = [];
  let slowest = { kind: '', ms: 0 };
  docs.forEach((doc, i) => {
    const file = join(dir, `doc-${i}.sql`);
    writeFileSync(file, doc.text);
    const t0 = Date.now();
    try {
      const records = lintFiles([file]);
      assert.ok(Array.isArray(records));
      for (const rec of records) assert.ok(rec.line >= 1 && rec.column >= 1, `${doc.kind}: a diagnostic at ${rec.line}:${rec.column}`);
    } catch (err) {
      failures.push(`${doc.kind} (doc-${i}.sql): ${(err as Error).name}: ${(err as Error).message.slice(0, 160)}`);
    }
    const ms = Date.now() - t0;
    if (ms > slowest.ms) slowest = { kind: doc.kind, ms };
    if (ms > doc.boundMs) failures.push(`${doc.kind}: took ${ms} ms (bound ${doc.boundMs} ms)`);
  });
  process.stdout.write(`# fuzz lint: ${docs.length} documents, ${failures.length} failures, slowest ${slowest.kind} ${slowest.ms} ms\n`);
  assert.deepEqual(failures, [], `the linter failed on ${failures.length} of ${docs.length} fuzzed documents (seed ${SEED})`);
});

test('`routine-load lint` over the fuzz corpus exits with a verdict, not a crash', { timeout: 180_000 }, () => {
  // The documents are on disk from the test above; write them again in case it is run alone.
  docs.forEach((doc, i) => writeFileSync(join(dir, `doc-${i}.sql`), doc.text));
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/src/main.ts'), 'lint', '--format', 'json', dir], {
    cwd: ROOT, encoding: 'utf8', timeout: 170_000, maxBuffer: 512 * 1024 * 1024,
  });
  assert.equal(result.error, undefined, `lint did not finish: ${String(result.error)}`);
  assert.equal(result.signal, null, `lint was killed by ${result.signal}`);
  assert.equal(result.stderr.trim(), '', 'lint wrote an error instead of a verdict');
  assert.ok(result.status === 0 || result.status === 1, `lint exit code ${result.status}`);
  const records = JSON.parse(result.stdout) as unknown[];
  assert.ok(Array.isArray(records) && records.length > 0);
});

test('the language server over stdio survives every fuzzed document and edit, each within its bound', { timeout: 240_000 }, async () => {
  const client = LspClient.start();
  const failures: string[] = [];
  const times: { kind: string; ms: number }[] = [];
  let exited: string | null = null;
  client.child.once('exit', (code, signal) => { exited = `exited with ${code ?? signal}`; });
  try {
    await within(30_000, client.initialize(), 'initialize');
    const r = new Random(SEED + 1);
    for (let i = 0; i < docs.length && !exited; i++) {
      const doc = docs[i];
      const uri = `file:///fuzz/doc-${i}.sql`;
      const t0 = Date.now();
      try {
        const published = client.diagnostics(uri, 1);
        client.open(uri, doc.text, 1);
        await within(doc.boundMs, published, `diagnostics of ${doc.kind}`);
        const lines = doc.text.split('\n');
        const line = r.int(0, Math.max(0, lines.length - 1));
        const position = { line, character: r.int(0, Math.min(lines[line]?.length ?? 0, 5000)) };
        const textDocument = { uri };
        await within(doc.boundMs, Promise.all([
          client.request('textDocument/completion', { textDocument, position }),
          client.request('textDocument/hover', { textDocument, position }),
          client.request('textDocument/signatureHelp', { textDocument, position }),
          client.request('textDocument/documentSymbol', { textDocument }),
          client.request('textDocument/foldingRange', { textDocument }),
          client.request('textDocument/definition', { textDocument, position }),
          client.request('textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } }),
          client.request('textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } }),
        ]), `requests on ${doc.kind}`);
        // A few random incremental edits, then the final version must be diagnosed.
        const edits = doc.text.length > 100_000 ? 1 : 4;
        for (let v = 2; v < 2 + edits; v++) {
          const at = { line, character: position.character };
          client.change(uri, v, [{ range: { start: at, end: at }, text: r.pick(PIECES) }]);
        }
        await within(doc.boundMs, client.diagnostics(uri, 1 + edits), `diagnostics after edits of ${doc.kind}`);
        void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      } catch (err) {
        failures.push(`${doc.kind} (#${i}): ${(err as Error).message.slice(0, 200)}`);
      }
      const ms = Date.now() - t0;
      times.push({ kind: doc.kind, ms });
      if (ms > doc.boundMs * 2) failures.push(`${doc.kind} (#${i}): took ${ms} ms`);
    }
    assert.equal(exited, null, `the language server ${exited}; failures so far: ${failures.join('; ')}`);
    // Still answering after the whole corpus.
    const final = 'file:///fuzz/final.sql';
    const published = client.diagnostics(final, 1);
    client.open(final, seedSql, 1);
    await within(10_000, published, 'diagnostics of the seed after the corpus');
    const slowest = times.sort((a, b) => b.ms - a.ms).slice(0, 3).map((t) => `${t.kind} ${t.ms} ms`).join(', ');
    process.stdout.write(`# fuzz lsp: ${docs.length} documents, ${failures.length} failures, slowest: ${slowest}\n`);
    assert.deepEqual(failures, [], `the language server failed on ${failures.length} of ${docs.length} fuzzed documents (seed ${SEED})`);
  } finally {
    if (!exited) {
      const code = await within(15_000, client.stop(), 'shutdown').catch(() => { client.child.kill('SIGKILL'); return null; });
      assert.equal(code, 0, 'the language server exits cleanly after shutdown');
    }
  }
});
