// The "Jobs" view: database → job → details. Rebuilt from the engine's events (no polling):
// a job's change refreshes that job's node only; a new or removed job refreshes the root.
import * as vscode from 'vscode';
import type { JobSnapshot, JobStatistic } from '../../engine/src/protocol';
import {
  contextValue, formatBytes, formatCount, jobSummary, stateIcon, totalLag,
} from './jobView';

/** What the tree needs of the engine connection. */
export interface JobSource {
  jobs(): JobSnapshot[];
  job(id: number): JobSnapshot | undefined;
  readonly onDidChangeJob: vscode.Event<{ job?: JobSnapshot; structural: boolean }>;
}

export type JobNode =
  | { kind: 'db'; name: string }
  | { kind: 'job'; id: number; db: string }
  | { kind: 'group'; jobId: number; group: 'statistic' | 'progress' | 'errors' }
  | { kind: 'detail'; jobId: number; key: string; item: vscode.TreeItem };

export const VIEW_ID = 'routineLoadJobs';

const STATISTIC_FIELDS: { key: keyof JobStatistic; label: string; format: (n: number) => string }[] = [
  { key: 'loadedRows', label: 'loadedRows', format: (n) => `${formatCount(n)} rows` },
  { key: 'loadRowsRate', label: 'loadRowsRate', format: (n) => `${formatCount(n)} rows/s` },
  { key: 'totalRows', label: 'totalRows', format: (n) => `${formatCount(n)} rows` },
  { key: 'errorRows', label: 'errorRows', format: (n) => `${formatCount(n)} rows` },
  { key: 'unselectedRows', label: 'unselectedRows', format: (n) => `${formatCount(n)} rows` },
  { key: 'receivedBytes', label: 'receivedBytes', format: formatBytes },
  { key: 'receivedBytesRate', label: 'receivedBytesRate', format: (n) => `${formatBytes(n)}/s` },
  { key: 'committedTaskNum', label: 'committedTaskNum', format: (n) => `${formatCount(n)} tasks` },
  { key: 'abortedTaskNum', label: 'abortedTaskNum', format: (n) => `${formatCount(n)} tasks` },
  { key: 'taskExecuteTimeMs', label: 'taskExecuteTimeMs', format: (n) => `${formatCount(n)} ms` },
];

export class JobTree implements vscode.TreeDataProvider<JobNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Nodes are cached so a refresh of one job can name the same object VS Code holds. */
  private readonly dbNodes = new Map<string, JobNode & { kind: 'db' }>();
  private readonly jobNodes = new Map<number, JobNode & { kind: 'job' }>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly source: JobSource) {
    this.subscription = source.onDidChangeJob(({ job, structural }) => {
      const node = job && !structural ? this.jobNodes.get(job.id) : undefined;
      // A job moved to another database, or appeared or disappeared: rebuild from the root.
      if (node && node.db === job?.dbName) this.changed.fire(node);
      else this.changed.fire(undefined);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** The node of a job, for `TreeView.reveal`. */
  nodeOf(job: JobSnapshot): JobNode {
    return this.jobNode(job);
  }

  private dbNode(name: string): JobNode & { kind: 'db' } {
    let node = this.dbNodes.get(name);
    if (!node) this.dbNodes.set(name, (node = { kind: 'db', name }));
    return node;
  }

  private jobNode(job: JobSnapshot): JobNode & { kind: 'job' } {
    let node = this.jobNodes.get(job.id);
    if (!node || node.db !== job.dbName) this.jobNodes.set(job.id, (node = { kind: 'job', id: job.id, db: job.dbName }));
    return node;
  }

  getParent(node: JobNode): JobNode | undefined {
    switch (node.kind) {
      case 'db': return undefined;
      case 'job': return this.dbNode(node.db);
      case 'group': case 'detail': {
        const job = this.source.job(node.jobId);
        return job ? this.jobNode(job) : undefined;
      }
    }
  }

  getChildren(node?: JobNode): JobNode[] {
    const jobs = this.source.jobs();
    if (!node) {
      const dbs = [...new Set(jobs.map((j) => j.dbName))].sort();
      return dbs.map((db) => this.dbNode(db));
    }
    if (node.kind === 'db') {
      return jobs.filter((j) => j.dbName === node.name).sort(byStateThenName).map((j) => this.jobNode(j));
    }
    const job = this.source.job(node.kind === 'job' ? node.id : node.jobId);
    if (!job) return [];
    if (node.kind === 'job') return this.jobChildren(job);
    if (node.kind === 'group') return this.groupChildren(job, node.group);
    return [];
  }

  getTreeItem(node: JobNode): vscode.TreeItem {
    switch (node.kind) {
      case 'db': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        const jobs = this.source.jobs().filter((j) => j.dbName === node.name);
        item.id = `db:${node.name}`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.description = `${jobs.length} job${jobs.length === 1 ? '' : 's'}`;
        item.contextValue = 'database';
        return item;
      }
      case 'job': {
        const job = this.source.job(node.id);
        if (!job) return new vscode.TreeItem('(removed)');
        return jobItem(job);
      }
      case 'group': {
        const job = this.source.job(node.jobId);
        const labels = { statistic: 'Statistic', progress: 'Partitions', errors: 'Error logs' } as const;
        const item = new vscode.TreeItem(labels[node.group], node.group === 'progress' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `job:${node.jobId}:${node.group}`;
        item.contextValue = `group.${node.group}`;
        if (node.group === 'statistic') item.iconPath = new vscode.ThemeIcon('graph');
        if (node.group === 'progress') {
          item.iconPath = new vscode.ThemeIcon('list-ordered');
          const lag = job ? totalLag(job) : undefined;
          if (lag !== undefined) item.description = `lag ${formatCount(lag)}`;
        }
        if (node.group === 'errors') {
          item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
          item.description = job ? `${job.errorLogUrls.length}` : '';
        }
        return item;
      }
      case 'detail': return node.item;
    }
  }

  private detail(job: JobSnapshot, key: string, item: vscode.TreeItem): JobNode {
    item.id = `job:${job.id}:${key}`;
    return { kind: 'detail', jobId: job.id, key, item };
  }

  private jobChildren(job: JobSnapshot): JobNode[] {
    const out: JobNode[] = [];
    if (job.reasonOfStateChanged) {
      const item = new vscode.TreeItem('Reason');
      item.description = job.reasonOfStateChanged;
      item.tooltip = job.reasonOfStateChanged;
      item.iconPath = new vscode.ThemeIcon(job.pausedByEngine ? 'error' : 'info', job.pausedByEngine ? new vscode.ThemeColor('list.errorForeground') : undefined);
      item.contextValue = 'detail.reason';
      out.push(this.detail(job, 'reason', item));
    }
    const table = new vscode.TreeItem('Table');
    table.description = `${job.dbName}.${job.tableName}`;
    table.iconPath = new vscode.ThemeIcon('table');
    out.push(this.detail(job, 'table', table));
    const topic = new vscode.TreeItem('Topic');
    const ds = job.dataSourceProperties;
    topic.description = `${ds.topic ?? '?'}${ds.brokerList ? ` @ ${ds.brokerList}` : ''}`;
    topic.iconPath = new vscode.ThemeIcon('radio-tower');
    out.push(this.detail(job, 'topic', topic));
    out.push({ kind: 'group', jobId: job.id, group: 'statistic' });
    out.push({ kind: 'group', jobId: job.id, group: 'progress' });
    if (job.errorLogUrls.length > 0) out.push({ kind: 'group', jobId: job.id, group: 'errors' });
    if (job.otherMsg) {
      const other = new vscode.TreeItem('Message');
      other.description = job.otherMsg;
      other.tooltip = job.otherMsg;
      other.iconPath = new vscode.ThemeIcon('comment');
      out.push(this.detail(job, 'other', other));
    }
    return out;
  }

  private groupChildren(job: JobSnapshot, group: 'statistic' | 'progress' | 'errors'): JobNode[] {
    if (group === 'statistic') {
      return STATISTIC_FIELDS.map(({ key, label, format }) => {
        const item = new vscode.TreeItem(label);
        item.description = format(job.statistic[key] ?? 0);
        return this.detail(job, `stat.${key}`, item);
      });
    }
    if (group === 'progress') {
      const partitions = new Set([...Object.keys(job.progress ?? {}), ...Object.keys(job.latestSourcePosition ?? {})]);
      return [...partitions].sort((a, b) => Number(a) - Number(b)).map((p) => {
        const item = new vscode.TreeItem(`Partition ${p}`);
        const offset = job.progress?.[p] ?? '—';
        const lag = job.offsetLag?.[p];
        item.description = `offset ${offset}${lag !== undefined ? ` · lag ${formatCount(lag)}` : ''}`;
        item.tooltip = `Partition ${p}: last consumed offset ${offset}; high watermark ${job.latestSourcePosition?.[p] ?? 'unknown'}${lag !== undefined ? `; ${formatCount(lag)} messages behind` : ''}.`;
        item.iconPath = new vscode.ThemeIcon(lag ? 'arrow-circle-right' : 'pass', lag ? undefined : new vscode.ThemeColor('testing.iconPassed'));
        return this.detail(job, `partition.${p}`, item);
      });
    }
    return job.errorLogUrls.map((url, i) => {
      const item = new vscode.TreeItem(errorLogLabel(url));
      item.tooltip = `${url}\nClick to open.`;
      item.iconPath = new vscode.ThemeIcon('link-external');
      item.contextValue = 'errorLog';
      item.command = { command: 'routineLoad.openErrorLog', title: 'Open Error Log', arguments: [url] };
      return this.detail(job, `error.${i}`, item);
    });
  }
}

function errorLogLabel(url: string): string {
  try {
    const u = new URL(url);
    const file = u.searchParams.get('file');
    return file ? file.split('/').pop() ?? url : url;
  } catch {
    return url;
  }
}

const STATE_ORDER: Record<string, number> = { RUNNING: 0, UNSTABLE: 0, NEED_SCHEDULE: 1, PAUSED: 2, STOPPED: 3, CANCELLED: 4 };

function byStateThenName(a: JobSnapshot, b: JobSnapshot): number {
  return (STATE_ORDER[a.shownState] ?? 5) - (STATE_ORDER[b.shownState] ?? 5) || a.name.localeCompare(b.name);
}

export function jobItem(job: JobSnapshot): vscode.TreeItem {
  const item = new vscode.TreeItem(job.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `job:${job.id}`;
  item.description = jobSummary(job);
  item.iconPath = stateIcon(job);
  item.contextValue = contextValue(job);
  item.tooltip = jobTooltip(job);
  item.accessibilityInformation = { label: `${job.name}, ${jobSummary(job)}` };
  return item;
}

export function jobTooltip(job: JobSnapshot): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(job.dbName)}.${escape(job.name)}** — ${job.shownState}${job.pausedByEngine && job.state === 'PAUSED' ? ' (paused by the engine)' : ''}\n\n`);
  md.appendMarkdown(`Table \`${escape(job.tableName)}\` ← topic \`${escape(job.dataSourceProperties.topic ?? '?')}\`\n\n`);
  md.appendMarkdown(`${formatCount(job.statistic.loadedRows)} rows loaded, ${formatCount(job.statistic.errorRows)} error rows, ${formatCount(job.statistic.loadRowsRate)} rows/s`);
  const lag = totalLag(job);
  if (lag !== undefined) md.appendMarkdown(`, lag ${formatCount(lag)} messages`);
  md.appendMarkdown('\n\n');
  if (job.reasonOfStateChanged) md.appendMarkdown(`**Reason:** ${escape(job.reasonOfStateChanged)}\n\n`);
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
