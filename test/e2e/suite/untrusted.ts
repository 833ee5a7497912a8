// In an untrusted workspace (restricted mode) .sql files keep their language support, but no
// command may create, resume or alter a job: each refuses with a message that says why.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RoutineLoadApi } from '../../../client/src/extension';
import { runAll, test, waitFor } from './harness';

let api: RoutineLoadApi;

test('the extension activates in restricted mode', async () => {
  assert.equal(vscode.workspace.isTrusted, false, 'this run must open an untrusted folder');
  const ext = vscode.extensions.getExtension<RoutineLoadApi>('routine-load.routine-load-vscode');
  assert.ok(ext);
  api = await ext.activate();
});

test('files can be edited and are checked', async () => {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'a workspace folder');
  const path = join(folder, 'jobs.sql');
  writeFileSync(path, `CREATE ROUTINE LOAD load_test.j ON t
PROPERTIES ("desired_concurent_number" = "5")
FROM KAFKA ("kafka_broker_list" = "127.0.0.1:9092", "kafka_topic" = "orders");
`);
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(path));
  await waitFor('a diagnostic', () => vscode.languages.getDiagnostics(editor.document.uri).length > 0, 20_000);
  assert.ok(await editor.edit((b) => b.insert(new vscode.Position(3, 0), '-- edited\n')), 'the file can be edited');
  editor.selection = new vscode.Selection(new vscode.Position(0, 5), new vscode.Position(0, 5));
});

test('jobs cannot be created, resumed or altered, with a clear reason', async () => {
  for (const [command, args] of [
    ['routineLoad.createJob', []],
    ['routineLoad.createJobsFromFile', []],
    ['routineLoad.resumeJob', [{ db: 'load_test', job: 'j' }]],
    ['routineLoad.alterJob', [{ db: 'load_test', job: 'j' }, '"max_error_number" = "1"']],
  ] as const) {
    const result = await vscode.commands.executeCommand(command, ...args);
    assert.equal(result, undefined, `${command} refused`);
    const error = api.lastCommandError();
    assert.equal(error?.command, command);
    assert.match(error?.message ?? '', /not trusted/, `${command}: ${error?.message}`);
  }
  assert.equal(api.engine.jobs().length, 0);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
});

export function run(): Promise<void> {
  return runAll();
}
