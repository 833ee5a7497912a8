// One status bar item: how many jobs load and how fast; a warning colour when the engine paused
// a job by itself (errors, Kafka or StarRocks trouble). A click reveals the Jobs view.
import * as vscode from 'vscode';
import type { EngineConnection } from './engineConnection';
import { formatCount, isActive, jobLabel } from './jobView';
import { VIEW_ID } from './jobTree';

export class JobStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly engine: EngineConnection) {
    this.item = vscode.window.createStatusBarItem('routineLoad.jobs', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Routine Load Jobs';
    this.item.command = `${VIEW_ID}.focus`;
    this.subscriptions = [engine.onDidChangeJob(() => this.update()), engine.onDidChangeState(() => this.update())];
    this.update();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  update(): void {
    const jobs = this.engine.jobs();
    const state = this.engine.state;
    if (state === 'failed') {
      this.item.text = '$(error) Routine Load';
      this.item.tooltip = `The Routine Load engine is not running: ${this.engine.error}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      this.item.show();
      return;
    }
    const live = jobs.filter((j) => j.state !== 'STOPPED' && j.state !== 'CANCELLED');
    if (live.length === 0) {
      this.item.hide();
      return;
    }
    const running = live.filter(isActive);
    const rate = running.reduce((sum, j) => sum + (j.statistic.loadRowsRate || 0), 0);
    const autoPaused = live.filter((j) => j.state === 'PAUSED' && j.pausedByEngine);
    const icon = autoPaused.length > 0 ? '$(warning)' : running.length > 0 ? '$(sync~spin)' : '$(debug-pause)';
    this.item.text = `${icon} ${running.length} running · ${formatCount(rate)} rows/s`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Routine Load**: ${running.length} of ${live.length} job${live.length === 1 ? '' : 's'} loading, ${formatCount(rate)} rows/s\n\n`);
    for (const j of autoPaused) md.appendMarkdown(`$(warning) \`${jobLabel(j)}\` paused by the engine: ${j.reasonOfStateChanged.replace(/[\\`*_[\]<>]/g, '\\$&')}\n\n`);
    md.appendMarkdown('Click to show the jobs.');
    this.item.tooltip = md;
    this.item.backgroundColor = autoPaused.length > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `Routine Load: ${running.length} jobs running, ${formatCount(rate)} rows per second${autoPaused.length ? `, ${autoPaused.length} paused by the engine` : ''}` };
    this.item.show();
  }
}
