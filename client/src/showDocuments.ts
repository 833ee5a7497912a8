// Read-only documents for SHOW output (`routine-load-show:` URIs): the text the engine answered,
// laid out like the mysql client's `\G`, so it reads like StarRocks' documentation.
import * as vscode from 'vscode';
import type { ExecuteResult, ResultSet } from '../../engine/src/protocol';

export const SHOW_SCHEME = 'routine-load-show';

export class ShowDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '(this result is no longer available: run the command again)';
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** Open `text` in a read-only editor titled `title`. */
  async open(title: string, text: string): Promise<vscode.TextEditor> {
    const safe = title.replace(/[^\w.-]+/g, '_').slice(0, 80);
    const uri = vscode.Uri.from({ scheme: SHOW_SCHEME, path: `/${safe}.txt`, query: String(++this.counter) });
    this.contents.set(uri.toString(), text);
    // Keep the last few results only: they are snapshots, not a history.
    if (this.contents.size > 20) this.contents.delete(this.contents.keys().next().value as string);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}

/** mysql's `\G` layout: one block per row, names right-aligned. */
export function renderVertical(rs: ResultSet): string {
  if (rs.rows.length === 0) return 'Empty set';
  const width = Math.max(...rs.columns.map((c) => c.length));
  const blocks = rs.rows.map((row, i) => {
    const head = `*************************** ${i + 1}. row ***************************`;
    const lines = rs.columns.map((c, j) => `${c.padStart(width)}: ${row[j] ?? 'NULL'}`);
    return [head, ...lines].join('\n');
  });
  return `${blocks.join('\n')}\n${rs.rows.length} row${rs.rows.length === 1 ? '' : 's'} in set`;
}

/** All results of one execute call as text. */
export function renderResults(results: ExecuteResult[]): string {
  return results.map((r) => (r.kind === 'resultSet' ? renderVertical(r.resultSet) : r.message)).join('\n\n');
}
