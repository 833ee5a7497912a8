// Smallest in-VS-Code check: the extension is there and activates.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runAll, test } from './harness';

test('the extension activates', async () => {
  const ext = vscode.extensions.getExtension('routine-load.routine-load-vscode');
  assert.ok(ext, 'extension routine-load.routine-load-vscode is not installed');
  await ext.activate();
  assert.equal(ext.isActive, true);
});

export function run(): Promise<void> {
  return runAll();
}
