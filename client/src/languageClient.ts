// Starts the language server (dist/server.js) over IPC for SQL files on disk and untitled ones.
// A server that fails to start costs language features, never the rest of the extension.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { errorMessage, type Log } from './log';

export async function startLanguageClient(context: vscode.ExtensionContext, log: Log): Promise<LanguageClient | undefined> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sql' },
      { scheme: 'untitled', language: 'sql' },
    ],
    synchronize: { configurationSection: 'routineLoad' },
    initializationOptions: { workspaceTrusted: vscode.workspace.isTrusted },
  };
  const client = new LanguageClient('routineLoad', 'Routine Load Language Server', serverOptions, clientOptions);
  try {
    await client.start();
    log.info('Language server started.');
    return client;
  } catch (err) {
    log.error(`The language server did not start: ${errorMessage(err)}`);
    void vscode.window.showWarningMessage('Routine Load: the language server did not start, so .sql files get no checks or completion. See the "Routine Load" output.');
    return undefined;
  }
}
