// Benchmark of the editor experience on the generated 1 MB file (bench/language.ts):
// completion latency in the service (right after an edit, so nothing is cached) and through the
// protocol, and how long after the debounce fresh diagnostics arrive from the server process.
// Goals: completion p95 < 10 ms; diagnostics < 50 ms after the debounce.
// Run: node --import tsx bench/lsp.ts [--bundled] (--bundled: the server process runs an esbuild
// bundle of server/src/lsp/main.ts, as the product ships, instead of the TypeScript through tsx).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LanguageService } from '../server/src/service';
import { generateWorkload } from './language';

export interface LspBenchResult {
  bytes: number;
  /** Service-level completion right after an edit (new document version each time). */
  completionP50Ms: number;
  completionP95Ms: number;
  /** Completion request round trip through the server process. */
  protocolCompletionP95Ms: number;
  debounceMs: number;
  /** In-process cost of fresh diagnostics after an edit. */
  serviceDiagnosticsP50Ms: number;
  serviceDiagnosticsP95Ms: number;
  /** Time from the edit to fresh diagnostics, minus the debounce. */
  diagnosticsAfterDebounceP50Ms: number;
  diagnosticsAfterDebounceP95Ms: number;
  diagnostics: number;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Cursor offsets where people ask for completion: property lists, after ON, in COLUMNS, at a statement start. */
function cursorOffsets(text: string, count: number): number[] {
  const offsets: number[] = [];
  const needles = ['PROPERTIES (\n', '"kafka_topic" = "', ' ON ', 'COLUMNS (', ';\n'];
  let from = 0;
  for (let i = 0; offsets.length < count; i++) {
    const needle = needles[i % needles.length];
    let at = text.indexOf(needle, from);
    if (at < 0) {
      from = 0;
      at = text.indexOf(needle);
    }
    offsets.push(at + needle.length);
    from = at + needle.length + ((i * 7919) % 50_000);
  }
  return offsets;
}

/**
 * In-process: a keystroke (a space typed at the next cursor offset: a new version, as when typing) before each run,
 * then `measure` timed. Returns the times in ms.
 */
function afterKeystrokes(text: string, runs: number, measure: (service: LanguageService, doc: TextDocument, offset: number) => void): number[] {
  const service = new LanguageService();
  const doc = TextDocument.create('file:///bench.sql', 'sql', 1, text);
  service.diagnostics(doc);
  const samples: number[] = [];
  let version = 1;
  for (const offset of cursorOffsets(text, runs)) {
    const position = doc.positionAt(offset);
    TextDocument.update(doc, [{ range: { start: position, end: position }, text: ' ' }], ++version);
    const start = process.hrtime.bigint();
    measure(service, doc, offset);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

/** In-process: a keystroke, then completion just after it. */
export function benchServiceCompletion(text: string, runs = 200): number[] {
  return afterKeystrokes(text, runs, (service, doc, offset) => service.completion(doc, doc.positionAt(offset + 1)));
}

/** In-process: an edit, then the diagnostics of the new version (incremental parse + analysis + conversion). */
export function benchServiceDiagnostics(text: string, runs = 15): number[] {
  return afterKeystrokes(text, runs, (service, doc) => service.diagnostics(doc));
}

/** The language server bundled as the build script bundles it (not minified). */
function bundleServer(root: string): string {
  const outfile = join(mkdtempSync(join(tmpdir(), 'rl-bench-')), 'server.js');
  buildSync({ entryPoints: [resolve(root, 'server/src/lsp/main.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return outfile;
}

export async function benchServer(text: string, edits = 15, debounceMs = 150, bundled = false): Promise<{ fresh: number[]; completion: number[]; diagnostics: number }> {
  const root = resolve(__dirname, '..');
  const args = bundled ? [bundleServer(root), '--stdio'] : ['--import', 'tsx', resolve(root, 'server/src/lsp/main.ts'), '--stdio'];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const uri = 'file:///bench/bench.sql';
  const waiters = new Map<number, (count: number) => void>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: unknown[] }) => {
    if (p.uri === uri && p.version !== undefined) waiters.get(p.version)?.(p.diagnostics.length);
  });
  connection.listen();
  const published = (version: number): Promise<number> => new Promise((r) => waiters.set(version, r));
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { settings: { diagnostics: { delay: debounceMs } } } });
  await connection.sendNotification('initialized', {});
  const first = published(1);
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
  let diagnostics = await first;
  const doc = TextDocument.create(uri, 'sql', 1, text);
  const fresh: number[] = [];
  const completion: number[] = [];
  const offsets = cursorOffsets(text, edits);
  for (let i = 0; i < edits; i++) {
    const version = i + 2;
    const position = doc.positionAt(offsets[i]);
    TextDocument.update(doc, [{ range: { start: position, end: position }, text: ' ' }], version);
    const done = published(version);
    const start = performance.now();
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: position, end: position }, text: ' ' }] });
    const c0 = performance.now();
    await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: doc.positionAt(offsets[i] + 1) });
    completion.push(performance.now() - c0);
    diagnostics = await done;
    fresh.push(performance.now() - start - debounceMs);
  }
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
  return { fresh, completion, diagnostics };
}

export async function benchLsp(options: { bytes?: number; bundled?: boolean } = {}): Promise<LspBenchResult> {
  const text = generateWorkload(options.bytes ?? 1024 * 1024);
  benchServiceCompletion(text, 20); // warm-up
  const service = benchServiceCompletion(text);
  const diagnostics = benchServiceDiagnostics(text);
  const debounceMs = 150;
  const server = await benchServer(text, 15, debounceMs, options.bundled);
  return {
    bytes: text.length,
    completionP50Ms: percentile(service, 50),
    completionP95Ms: percentile(service, 95),
    protocolCompletionP95Ms: percentile(server.completion, 95),
    serviceDiagnosticsP50Ms: percentile(diagnostics, 50),
    serviceDiagnosticsP95Ms: percentile(diagnostics, 95),
    debounceMs,
    diagnosticsAfterDebounceP50Ms: percentile(server.fresh, 50),
    diagnosticsAfterDebounceP95Ms: percentile(server.fresh, 95),
    diagnostics: server.diagnostics,
  };
}

if (require.main === module) {
  const bundled = process.argv.includes('--bundled');
  benchLsp({ bundled }).then(
    (r) => {
      const f = (n: number): string => n.toFixed(2);
      console.log(`lsp${bundled ? ' (bundled server)' : ''}: ${(r.bytes / 1024 / 1024).toFixed(2)} MB, ${r.diagnostics} diagnostics`);
      console.log(`  completion after an edit (service): p50 ${f(r.completionP50Ms)} ms, p95 ${f(r.completionP95Ms)} ms (goal < 10)`);
      console.log(`  completion round trip (protocol):  p95 ${f(r.protocolCompletionP95Ms)} ms`);
      console.log(`  diagnostics after an edit (service): p50 ${f(r.serviceDiagnosticsP50Ms)} ms, p95 ${f(r.serviceDiagnosticsP95Ms)} ms`);
      console.log(`  fresh diagnostics after the ${r.debounceMs} ms debounce: p50 ${f(r.diagnosticsAfterDebounceP50Ms)} ms, p95 ${f(r.diagnosticsAfterDebounceP95Ms)} ms (goal < 50)`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
