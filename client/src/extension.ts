// The VS Code extension: a thin client that wires the language server and the engine into the editor.
import type * as vscode from 'vscode';

export async function activate(_context: vscode.ExtensionContext): Promise<void> {
  // Wired up by the client issue: language client, commands, job tree, status bar.
}

export function deactivate(): void {}
