// The VS Code extension: a thin client that wires the language server and the engine into the
// editor. The engine runs as its own process (shared by every window), so loading never blocks
// the extension host.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { STATE_DIR_ENV } from '../../engine/src/stateDir';
import { RoutineLoadCodeLenses } from './codeLens';
import { lastCommandError, registerCommands } from './commands';
import { Connections } from './connections';
import { EngineConnection } from './engineConnection';
import { JobSecrets } from './jobSecrets';
import { JobTree, VIEW_ID, type JobNode } from './jobTree';
import { startLanguageClient } from './languageClient';
import { createLog } from './log';
import { MetadataFeed } from './metadata';
import { SHOW_SCHEME, ShowDocuments } from './showDocuments';
import { JobStatusBar } from './statusBar';

/** What the extension returns from activate(): enough for tests and other extensions to watch jobs. */
export interface RoutineLoadApi {
  engine: EngineConnection;
  tree: JobTree;
  treeView: vscode.TreeView<JobNode>;
  languageClient: Promise<LanguageClient | undefined>;
  /** The last error a command showed. */
  lastCommandError: typeof lastCommandError;
}

let languageClient: Promise<LanguageClient | undefined> | undefined;

/** The engine's state directory: one per user (global storage), unless the environment names one. */
function engineStateDir(context: vscode.ExtensionContext): string {
  const fromEnv = process.env[STATE_DIR_ENV];
  if (fromEnv && fromEnv.trim()) return fromEnv;
  return join(context.globalStorageUri.fsPath, 'engine');
}

export function activate(context: vscode.ExtensionContext): RoutineLoadApi {
  const log = createLog();
  context.subscriptions.push(log);
  const connections = new Connections(context.secrets, log);
  const secrets = new JobSecrets(context.secrets);
  const engine = new EngineConnection(engineStateDir(context), context.asAbsolutePath(join('dist', 'cli.js')), connections, () => secrets.all(), log);
  const tree = new JobTree(engine);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const shows = new ShowDocuments();
  const lenses = new RoutineLoadCodeLenses(engine, () => connections.defaultDatabase());
  context.subscriptions.push(
    connections, engine, tree, treeView, shows, lenses,
    new JobStatusBar(engine),
    vscode.workspace.registerTextDocumentContentProvider(SHOW_SCHEME, shows),
    vscode.languages.registerCodeLensProvider([{ language: 'sql', scheme: 'file' }, { language: 'sql', scheme: 'untitled' }], lenses),
    engine.onDidChangeState((state) => {
      treeView.message = state === 'failed' ? `The engine is not running: ${engine.error}` : state === 'starting' ? 'Connecting to the engine…' : undefined;
    }),
  );
  registerCommands(context, { connections, engine, secrets, tree, treeView, shows, log });
  void vscode.commands.executeCommand('setContext', 'routineLoad.engineState', engine.state);

  languageClient = startLanguageClient(context, log);
  // Topics and table schemas for completion, once the server is up.
  void languageClient.then((client) => {
    if (!client) return;
    const feed = new MetadataFeed(client, connections, engine, log);
    context.subscriptions.push(feed, vscode.commands.registerCommand('routineLoad.refreshMetadata', () => feed.refresh()));
  });
  // Connect in the background: activation returns at once, the views fill when the engine answers.
  void engine.start();
  log.info(`Activated (${vscode.env.appName} ${vscode.version}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted'}).`);
  return { engine, tree, treeView, languageClient, lastCommandError };
}

export async function deactivate(): Promise<void> {
  // The engine daemon keeps running on purpose: jobs go on loading after the window closes.
  const client = await languageClient;
  await client?.stop().catch(() => undefined);
}
