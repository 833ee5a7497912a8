// The LSP handlers: thin wiring of a connection to the language service. Every handler is
// guarded, so no input can bring the server down: a failure is logged to the client's output
// channel and the request answers with nothing.
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  CodeActionKind,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LanguageService, TRIGGER_CHARACTERS, readSettings } from '../service';
import { CONFIGURATION_SECTION, DEFAULT_DIAGNOSTICS_DELAY_MS, KAFKA_METADATA, TABLE_SCHEMAS, type KafkaMetadataParams, type TableSchemasParams } from './protocol';
import { DiagnosticsScheduler } from './scheduler';
import { scanWorkspaceFolder, readSqlFile, isSqlUri } from './workspaceFiles';

export interface ServerOptions {
  /** Debounce before diagnostics, when settings do not say otherwise. */
  diagnosticsDelayMs?: number;
}

export function startServer(connection: Connection, options: ServerOptions = {}): { service: LanguageService } {
  const service = new LanguageService();
  const documents = new TextDocuments(TextDocument);
  let supportsConfiguration = false;
  let supportsConfigurationRegistration = false;
  let supportsWatchedFilesRegistration = false;
  let supportsFolderEvents = false;
  let workspaceFolders: string[] = [];
  let delay = options.diagnosticsDelayMs ?? DEFAULT_DIAGNOSTICS_DELAY_MS;

  const log = (message: string, error?: unknown): void => {
    const detail = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : error === undefined ? '' : String(error);
    try {
      connection.console.error(`${message}${detail ? `: ${detail}` : ''}`);
    } catch {
      // The connection itself is gone; nothing left to tell.
    }
  };

  const scheduler = new DiagnosticsScheduler({
    delay: () => delay,
    document: (uri) => documents.get(uri),
    compute: (document) => service.diagnostics(document),
    prepare: (document) => void service.parsed(document),
    publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }),
    log,
  });

  /** Wrap a request handler: honour cancellation, never throw anything but a cancellation. */
  function guard<P, R>(name: string, empty: R, handler: (params: P) => R): (params: P, token: CancellationToken) => Promise<R> {
    return async (params, token) => {
      // Let a $/cancelRequest that is already queued arrive before doing the work.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
      try {
        const result = handler(params);
        if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
        return result;
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        log(`${name} failed`, error);
        return empty;
      }
    };
  }

  function notificationGuard<P>(name: string, handler: (params: P) => void | Promise<void>): (params: P) => void {
    return (params) => {
      try {
        const r = handler(params);
        if (r instanceof Promise) r.catch((error: unknown) => log(`${name} failed`, error));
      } catch (error) {
        log(`${name} failed`, error);
      }
    };
  }

  async function pullConfiguration(): Promise<void> {
    if (!supportsConfiguration) return;
    try {
      const config: unknown = await connection.workspace.getConfiguration(CONFIGURATION_SECTION);
      applySettings(config);
    } catch (error) {
      log('reading the configuration failed', error);
    }
  }

  function applySettings(config: unknown): void {
    service.configure(config);
    const d = (config as { diagnostics?: { delay?: unknown } } | null | undefined)?.diagnostics?.delay;
    if (typeof d === 'number' && Number.isFinite(d) && d >= 0) delay = Math.min(d, 5000);
    scheduler.scheduleAll(documents.all());
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    supportsConfiguration = !!caps.workspace?.configuration;
    supportsConfigurationRegistration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    supportsWatchedFilesRegistration = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    supportsFolderEvents = !!caps.workspace?.workspaceFolders;
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [params.rootUri];
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    if (init?.settings) applySettings(init.settings);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: TRIGGER_CHARACTERS, resolveProvider: false },
        hoverProvider: true,
        signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [')'] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        documentSymbolProvider: { label: 'Routine Load' },
        definitionProvider: true,
        foldingRangeProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'routine-load-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(
    notificationGuard('initialized', async () => {
      if (supportsConfigurationRegistration) {
        await connection.client.register(DidChangeConfigurationNotification.type, { section: CONFIGURATION_SECTION });
      }
      if (supportsWatchedFilesRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.sql' }] });
      }
      if (supportsFolderEvents) {
        connection.workspace.onDidChangeWorkspaceFolders(
          notificationGuard('workspace folders', async (event) => {
            for (const removed of event.removed) workspaceFolders = workspaceFolders.filter((f) => f !== removed.uri);
            for (const added of event.added) {
              workspaceFolders.push(added.uri);
              await scanFolder(added.uri);
            }
            scheduler.scheduleAll(documents.all());
          }),
        );
      }
      await pullConfiguration();
      for (const folder of workspaceFolders) await scanFolder(folder);
      scheduler.scheduleAll(documents.all());
    }),
  );

  async function scanFolder(folderUri: string): Promise<void> {
    const count = await scanWorkspaceFolder(folderUri, (uri, text) => service.setWorkspaceFile(uri, text), log);
    if (count > 0) connection.console.info(`indexed ${count} .sql file(s) in ${folderUri}`);
  }

  connection.onDidChangeConfiguration(
    notificationGuard('configuration', async (change) => {
      if (supportsConfiguration) await pullConfiguration();
      else applySettings((change.settings as Record<string, unknown> | undefined)?.[CONFIGURATION_SECTION]);
    }),
  );

  connection.onDidChangeWatchedFiles(
    notificationGuard('watched files', async (params) => {
      for (const change of params.changes) {
        if (!isSqlUri(change.uri) || documents.get(change.uri)) continue;
        if (change.type === FileChangeType.Deleted) service.removeWorkspaceFile(change.uri);
        else {
          const text = await readSqlFile(change.uri);
          if (text !== undefined) service.setWorkspaceFile(change.uri, text);
        }
      }
      // Another file's tables or jobs may change what open documents are told.
      scheduler.scheduleAll(documents.all());
    }),
  );

  documents.onDidChangeContent(
    notificationGuard('document change', (event) => {
      scheduler.schedule(event.document.uri);
      // Other open documents may refer to tables or jobs this one defines.
      scheduler.scheduleOthers(event.document.uri, documents.all());
    }),
  );

  documents.onDidClose(
    notificationGuard('document close', (event) => {
      scheduler.cancel(event.document.uri);
      service.close(event.document.uri);
      void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
      // Back to the file on disk, if it is one.
      void readSqlFile(event.document.uri).then((text) => {
        if (text === undefined) service.removeWorkspaceFile(event.document.uri);
        else service.setWorkspaceFile(event.document.uri, text);
      });
    }),
  );

  connection.onNotification(
    KAFKA_METADATA,
    notificationGuard<KafkaMetadataParams>(KAFKA_METADATA, (params) => service.setKafkaMetadata(params)),
  );
  connection.onNotification(
    TABLE_SCHEMAS,
    notificationGuard<TableSchemasParams>(TABLE_SCHEMAS, (params) => {
      service.setTableSchemas(Array.isArray(params?.tables) ? params.tables : [], !!params?.replace);
      scheduler.scheduleAll(documents.all());
    }),
  );

  const doc = (uri: string): TextDocument | undefined => documents.get(uri);

  connection.onCompletion(
    guard('completion', null, (p) => {
      const d = doc(p.textDocument.uri);
      return d ? service.completion(d, p.position) : null;
    }),
  );
  connection.onHover(
    guard('hover', null, (p) => {
      const d = doc(p.textDocument.uri);
      return d ? service.hover(d, p.position) : null;
    }),
  );
  connection.onSignatureHelp(
    guard('signature help', null, (p) => {
      const d = doc(p.textDocument.uri);
      return d ? service.signatureHelp(d, p.position) : null;
    }),
  );
  connection.onCodeAction(
    guard('code actions', [], (p) => {
      const d = doc(p.textDocument.uri);
      return d ? service.codeActions(d, p.range, p.context) : [];
    }),
  );
  connection.onDocumentFormatting(
    guard('formatting', [], (p) => {
      const d = doc(p.textDocument.uri);
      return d ? service.format(d, p.options) : [];
    }),
  );
  connection.onDocumentRangeFormatting(
    guard('range formatting', [], (p) => {
      const d = doc(p.textDocument.uri);
      return d ? service.format(d, p.options, p.range) : [];
    }),
  );
  connection.onDocumentSymbol(
    guard('document symbols', [], (p) => {
      const d = doc(p.textDocument.uri);
      return d ? service.documentSymbols(d) : [];
    }),
  );
  connection.onDefinition(
    guard('definition', [], (p) => {
      const d = doc(p.textDocument.uri);
      return d ? service.definition(d, p.position) : [];
    }),
  );
  connection.onFoldingRanges(
    guard('folding ranges', [], (p) => {
      const d = doc(p.textDocument.uri);
      return d ? service.foldingRanges(d) : [];
    }),
  );

  connection.onShutdown(() => scheduler.dispose());

  documents.listen(connection);
  return { service };
}

export { readSettings };
