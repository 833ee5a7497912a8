// How a job looks wherever it is shown (tree, status bar, code lens): state icons, colours and
// number formats in one place, so the views agree.
import * as vscode from 'vscode';
import type { JobSnapshot } from '../../engine/src/protocol';

export type ShownState = JobSnapshot['shownState'];

const STATE_ICONS: Record<ShownState, { icon: string; color: string }> = {
  RUNNING: { icon: 'play-circle', color: 'testing.iconPassed' },
  NEED_SCHEDULE: { icon: 'clock', color: 'charts.blue' },
  UNSTABLE: { icon: 'warning', color: 'list.warningForeground' },
  PAUSED: { icon: 'debug-pause', color: 'list.warningForeground' },
  STOPPED: { icon: 'circle-slash', color: 'disabledForeground' },
  CANCELLED: { icon: 'error', color: 'list.errorForeground' },
};

export function stateIcon(job: JobSnapshot): vscode.ThemeIcon {
  // A pause the engine chose (errors, Kafka, StarRocks) needs attention: shown as an error.
  if (job.state === 'PAUSED' && job.pausedByEngine) return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('list.errorForeground'));
  const s = STATE_ICONS[job.shownState] ?? STATE_ICONS.RUNNING;
  return new vscode.ThemeIcon(s.icon, new vscode.ThemeColor(s.color));
}

/** Codicon text for labels that take `$(name)` syntax (status bar, code lens). */
export function stateCodicon(job: JobSnapshot): string {
  return `$(${(STATE_ICONS[job.shownState] ?? STATE_ICONS.RUNNING).icon})`;
}

/** Is the job being loaded (or about to be)? */
export function isActive(job: JobSnapshot): boolean {
  return job.state === 'RUNNING' || job.state === 'NEED_SCHEDULE';
}

export function isFinal(job: JobSnapshot): boolean {
  return job.state === 'STOPPED' || job.state === 'CANCELLED';
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return integer.format(n);
}

/** "1 row", "1,200 rows". */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? integer.format(v) : v.toFixed(1)} ${units[i]}`;
}

export function jobLabel(job: JobSnapshot): string {
  return `${job.dbName}.${job.name}`;
}

/** "RUNNING · 1,234 rows/s · 98,000 loaded" */
export function jobSummary(job: JobSnapshot): string {
  const parts: string[] = [job.shownState];
  if (isActive(job)) parts.push(`${formatCount(job.statistic.loadRowsRate)} rows/s`);
  parts.push(`${formatCount(job.statistic.loadedRows)} loaded`);
  if (job.statistic.errorRows > 0) parts.push(plural(job.statistic.errorRows, 'error'));
  return parts.join(' · ');
}

/** Total lag over partitions, or undefined when the engine knows no watermarks yet. */
export function totalLag(job: JobSnapshot): number | undefined {
  const lags = Object.values(job.offsetLag ?? {});
  if (lags.length === 0) return undefined;
  return lags.reduce((a, b) => a + b, 0);
}

/** A tree item's contextValue: `job.<STATE>` plus `.auto` when the engine paused it. */
export function contextValue(job: JobSnapshot): string {
  return `job.${job.shownState}${job.state === 'PAUSED' && job.pausedByEngine ? '.auto' : ''}`;
}

/** Quote a name for SQL when it isn't a plain identifier. */
export function sqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

export function qualifiedSqlName(job: Pick<JobSnapshot, 'dbName' | 'name'>): string {
  return `${sqlName(job.dbName)}.${sqlName(job.name)}`;
}
