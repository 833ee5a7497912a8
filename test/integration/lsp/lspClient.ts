// A minimal LSP client for the protocol tests: starts the server as a child process on stdio
// and speaks JSON-RPC to it. Waiting is always on a message (never on a timer).
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const ROOT = resolve(__dirname, '../../..');

export interface StartOptions {
  /** Command line after `node`; default runs the server's entry through tsx. */
  args?: string[];
  /** Answer to workspace/configuration for section routineLoad. */
  settings?: () => unknown;
}

export class LspClient {
  readonly connection: MessageConnection;
  readonly logs: string[] = [];
  private diagnosticWaiters: { match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  readonly published: PublishDiagnosticsParams[] = [];

  constructor(readonly child: ChildProcess, settings: () => unknown) {
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      const waiting = this.diagnosticWaiters.filter((w) => w.match(p));
      this.diagnosticWaiters = this.diagnosticWaiters.filter((w) => !w.match(p));
      for (const w of waiting) w.resolve(p);
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => this.logs.push(p.message));
    this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => settings()));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.listen();
  }

  static start(options: StartOptions = {}): LspClient {
    const args = options.args ?? ['--import', 'tsx', resolve(ROOT, 'server/src/lsp/main.ts'), '--stdio'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', () => undefined);
    return new LspClient(child, options.settings ?? (() => ({})));
  }

  /** The next diagnostics published for `uri` (at `version`, when given). */
  diagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => {
      this.diagnosticWaiters.push({ match: (p) => p.uri === uri && (version === undefined || p.version === version), resolve });
    });
  }

  async initialize(rootUri: string | null = null, capabilities: Record<string, unknown> = {}): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: { synchronization: { dynamicRegistration: false }, publishDiagnostics: { versionSupport: true } },
        ...capabilities,
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1): void {
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version, text } });
  }

  change(uri: string, version: number, changes: unknown[]): void {
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  /** Write raw bytes to the server (several framed messages in one write). */
  writeRaw(messages: unknown[]): void {
    const frames = messages.map((m) => {
      const body = Buffer.from(JSON.stringify(m), 'utf8');
      return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
    });
    this.child.stdin!.write(Buffer.concat(frames));
  }

  /** The response to a request sent with writeRaw, read from the raw stream (the connection does not know its id). */
  rawResponse(id: number): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
    return new Promise((resolve) => {
      let buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const headerEnd = buffer.indexOf('\r\n\r\n');
          if (headerEnd < 0) return;
          const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1] ?? 0);
          if (buffer.length < headerEnd + 4 + length) return;
          const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as { id?: number };
          buffer = buffer.subarray(headerEnd + 4 + length);
          if (message.id === id) {
            this.child.stdout!.off('data', onData);
            resolve(message as { error?: { code: number; message: string } });
            return;
          }
        }
      };
      this.child.stdout!.on('data', onData);
    });
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.child.kill();
    }
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
