// Code lenses over routine-load statements: run the statement (Create, Pause, Resume, Stop, Alter,
// Show), and over a CREATE the job's current state with the actions that fit it.
import * as vscode from 'vscode';
import type { EngineConnection } from './engineConnection';
import { formatCount, isActive, isFinal, plural, stateCodicon } from './jobView';
import { findStatements, type FoundStatement } from './statements';

const VERBS: Partial<Record<FoundStatement['kind'], { title: string; tooltip: string }>> = {
  alter: { title: '$(edit) Alter', tooltip: 'Run this ALTER ROUTINE LOAD (the job must be PAUSED)' },
  pause: { title: '$(debug-pause) Pause', tooltip: 'Run this PAUSE ROUTINE LOAD' },
  resume: { title: '$(debug-continue) Resume', tooltip: 'Run this RESUME ROUTINE LOAD' },
  stop: { title: '$(debug-stop) Stop', tooltip: 'Run this STOP ROUTINE LOAD (final: asks first)' },
  show: { title: '$(output) Show', tooltip: 'Run this SHOW ROUTINE LOAD and open the result' },
  showTask: { title: '$(output) Show', tooltip: 'Run this SHOW ROUTINE LOAD TASK and open the result' },
  showCreate: { title: '$(output) Show', tooltip: 'Run this SHOW CREATE ROUTINE LOAD and open the result' },
};

export class RoutineLoadCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly engine: EngineConnection, private readonly defaultDb: () => string) {
    // Job updates arrive with every committed task: redraw at most twice a second.
    this.subscriptions = [engine.onDidChangeJob(() => this.schedule()), engine.onDidChangeState(() => this.schedule())];
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire();
    }, 500);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (const s of findStatements(document.getText())) {
      const range = new vscode.Range(document.positionAt(s.start), document.positionAt(s.start));
      const at = { uri: document.uri, start: s.start, end: s.end };
      if (s.kind === 'create') {
        lenses.push(...this.createLenses(s, range, at));
        continue;
      }
      const verb = VERBS[s.kind];
      if (verb) lenses.push(new vscode.CodeLens(range, { title: verb.title, tooltip: verb.tooltip, command: 'routineLoad.runStatement', arguments: [at] }));
    }
    return lenses;
  }

  private createLenses(s: FoundStatement, range: vscode.Range, at: { uri: vscode.Uri; start: number; end: number }): vscode.CodeLens[] {
    const db = s.db ?? s.contextDb ?? (this.defaultDb() || undefined);
    const job = s.job && this.engine.state === 'ready' ? this.engine.findJob(db, s.job) : undefined;
    if (!job || isFinal(job)) {
      const lenses = [new vscode.CodeLens(range, { title: '$(play) Create Job', tooltip: 'Create this Routine Load job and start loading', command: 'routineLoad.createJob', arguments: [at] })];
      if (job) lenses.unshift(new vscode.CodeLens(range, { title: `${stateCodicon(job)} ${job.shownState}`, tooltip: `${job.dbName}.${job.name} is ${job.shownState}: its name can be used again`, command: 'routineLoad.showJob', arguments: [job] }));
      return lenses;
    }
    const ref = { db: job.dbName, job: job.name };
    const lenses = [
      new vscode.CodeLens(range, {
        title: `${stateCodicon(job)} ${job.shownState} · ${plural(job.statistic.loadedRows, 'row')}${isActive(job) ? ` · ${formatCount(job.statistic.loadRowsRate)} rows/s` : ''}`,
        tooltip: job.reasonOfStateChanged || `Show ${job.dbName}.${job.name} in the Jobs view`,
        command: 'routineLoad.revealJob',
        arguments: [ref],
      }),
    ];
    if (isActive(job)) lenses.push(new vscode.CodeLens(range, { title: '$(debug-pause) Pause', command: 'routineLoad.pauseJob', arguments: [ref] }));
    if (job.state === 'PAUSED') {
      lenses.push(new vscode.CodeLens(range, { title: '$(debug-continue) Resume', command: 'routineLoad.resumeJob', arguments: [ref] }));
      lenses.push(new vscode.CodeLens(range, { title: '$(edit) Alter', command: 'routineLoad.alterJob', arguments: [ref] }));
    }
    lenses.push(new vscode.CodeLens(range, { title: '$(debug-stop) Stop', command: 'routineLoad.stopJob', arguments: [ref] }));
    lenses.push(new vscode.CodeLens(range, { title: '$(output) Show', command: 'routineLoad.showJob', arguments: [ref] }));
    return lenses;
  }
}
