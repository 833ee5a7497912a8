// The "Routine Load" commands. Each job command takes a tree item, a job snapshot or
// `{ db, job }` (code lenses, tests), and offers a quick pick when given nothing. Failures show
// the engine's own reason; nothing here throws into VS Code.
import * as vscode from 'vscode';
import type { ExecuteResult, JobSnapshot } from '../../engine/src/protocol';
import type { ConfigureArgs, Connections } from './connections';
import type { EngineConnection } from './engineConnection';
import type { JobSecrets } from './jobSecrets';
import type { JobNode, JobTree } from './jobTree';
import { VIEW_ID } from './jobTree';
import { isActive, isFinal, jobLabel, jobSummary, qualifiedSqlName, sqlName } from './jobView';
import { errorMessage, type Log } from './log';
import { renderResults, type ShowDocuments } from './showDocuments';
import { findStatements, statementAt, type FoundStatement } from './statements';

export interface CommandDeps {
  connections: Connections;
  engine: EngineConnection;
  secrets: JobSecrets;
  tree: JobTree;
  treeView: vscode.TreeView<JobNode>;
  shows: ShowDocuments;
  log: Log;
}

/** What a job command may be given. */
export type JobArg = JobNode | JobSnapshot | { db?: string; job: string } | undefined;

/** A statement a code lens runs: where it is, so the text is read fresh. */
export interface StatementArg {
  uri: vscode.Uri;
  start: number;
  end: number;
}

class UserError extends Error {}

function requireTrust(action: string): void {
  if (!vscode.workspace.isTrusted) {
    throw new UserError(`This workspace is not trusted, so ${action} is not allowed here. You can still edit .sql files; trust the workspace to run jobs.`);
  }
}

let lastError: { command: string; message: string } | undefined;

/** The last message a command showed as an error (for tests: VS Code's notifications cannot be read back). */
export function lastCommandError(): { command: string; message: string } | undefined {
  return lastError;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { connections, engine, log } = deps;

  /** Run a command body; a failure becomes one error notification (engine reason, no stack). */
  const guarded = <A extends unknown[]>(id: string, body: (...args: A) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (...args: A) => {
      try {
        return await body(...args);
      } catch (err) {
        const message = errorMessage(err);
        log.error(`${id}: ${message}`);
        lastError = { command: id, message };
        const actions = err instanceof UserError && !vscode.workspace.isTrusted ? ['Manage Workspace Trust'] : [];
        if (/No StarRocks connection/.test(message)) actions.push('Configure StarRocks');
        void vscode.window.showErrorMessage(`Routine Load: ${message}`, ...actions).then((choice) => {
          if (choice === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
          if (choice === 'Configure StarRocks') void vscode.commands.executeCommand('routineLoad.configureStarRocks');
        });
        return undefined;
      }
    });

  const pickJob = async (arg: JobArg, verb: string, fits: (j: JobSnapshot) => boolean, none: string): Promise<JobSnapshot | undefined> => {
    if (arg && 'kind' in arg && arg.kind === 'job') return engine.job(arg.id) ?? failGone();
    if (arg && 'dbName' in arg) return engine.job(arg.id) ?? arg;
    if (arg && 'job' in arg && typeof arg.job === 'string') {
      const found = engine.findJob(arg.db, arg.job);
      if (!found) throw new UserError(`There is no job ${arg.db ? `${arg.db}.` : ''}${arg.job}.`);
      return found;
    }
    await engine.ready();
    const candidates = engine.jobs().filter(fits);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`Routine Load: ${none}`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((job) => ({ label: job.name, description: job.dbName, detail: jobSummary(job), job })),
      { title: `${verb} a Routine Load job`, placeHolder: 'Job', matchOnDescription: true },
    );
    return picked?.job;
  };

  const failGone = (): never => {
    throw new UserError('That job is no longer known to the engine; refresh the Jobs view.');
  };

  const execute = async (sql: string, db?: string, title?: string): Promise<ExecuteResult[]> => {
    log.info(`Run: ${firstLine(sql)}`);
    const run = () => engine.execute(sql, db);
    const results = title
      ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Routine Load: ${title}…` }, run)
      : await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Routine Load' }, run);
    for (const r of results) if (r.kind === 'ok') log.info(r.message);
    return results;
  };

  /** Run one statement found in a document, with the database in force there. */
  const runStatement = async (found: FoundStatement): Promise<void> => {
    const db = found.contextDb ?? (connections.defaultDatabase() || undefined);
    switch (found.kind) {
      case 'create': case 'alter': case 'resume':
        requireTrust(found.kind === 'create' ? 'creating jobs' : found.kind === 'alter' ? 'altering jobs' : 'resuming jobs');
        break;
      case 'use': case 'other':
        throw new UserError('The cursor is not on a routine-load statement (CREATE, ALTER, PAUSE, RESUME, STOP or SHOW ROUTINE LOAD).');
    }
    if ((found.kind === 'create' || found.kind === 'alter') && found.job) {
      const jobDb = found.db ?? db;
      if (jobDb) await deps.secrets.rememberFrom(found.text, jobDb, found.job);
    }
    if (found.kind === 'stop' && found.job) {
      const ok = await confirmStop(`${found.db ?? db ?? ''}${found.db ?? db ? '.' : ''}${found.job}`);
      if (!ok) return;
    }
    const title = found.kind === 'create' ? `creating job ${found.job ?? ''}` : undefined;
    const results = await execute(found.text, db, title);
    if (found.kind === 'show' || found.kind === 'showTask' || found.kind === 'showCreate') {
      await deps.shows.open(found.job ? `SHOW ${found.job}` : 'SHOW ROUTINE LOAD', renderResults(results));
      return;
    }
    const message = results.map((r) => (r.kind === 'ok' ? r.message : '')).filter(Boolean).join(' ');
    if (found.kind === 'create' && found.job) {
      const job = engine.findJob(found.db ?? db, found.job);
      void vscode.window.showInformationMessage(`Routine Load: job ${job ? jobLabel(job) : found.job} created${job ? ` (${job.shownState})` : ''}.`, 'Show in Jobs View').then(async (choice) => {
        if (choice && job) await deps.treeView.reveal(deps.tree.nodeOf(job), { select: true, focus: true, expand: true });
      });
    } else if (message) {
      vscode.window.setStatusBarMessage(`Routine Load: ${message}`, 5000);
    }
  };

  const confirmStop = async (name: string): Promise<boolean> => {
    const choice = await vscode.window.showWarningMessage(
      `Stop job ${name}?`,
      { modal: true, detail: 'Stopping is final: a stopped job cannot be resumed. To load again you create a new job (PAUSE keeps the job and its offsets).' },
      'Stop Job',
    );
    return choice === 'Stop Job';
  };

  const statementUnderCursor = (arg?: StatementArg): { found: FoundStatement; uri: vscode.Uri } => {
    if (arg && arg.uri && typeof arg.start === 'number') {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === arg.uri.toString());
      if (!doc) throw new UserError('The document of that statement is closed.');
      const found = findStatements(doc.getText()).find((s) => s.start === arg.start) ?? statementAt(findStatements(doc.getText()), arg.start);
      if (!found) throw new UserError('That statement is no longer in the document.');
      return { found, uri: doc.uri };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'sql') throw new UserError('Open a .sql file and put the cursor on a CREATE ROUTINE LOAD statement.');
    const doc = editor.document;
    const found = statementAt(findStatements(doc.getText()), doc.offsetAt(editor.selection.active));
    if (!found) throw new UserError('There is no statement under the cursor.');
    return { found, uri: doc.uri };
  };

  const jobCommand = (sqlFor: (job: JobSnapshot) => string, job: JobSnapshot, title?: string) => execute(sqlFor(job), job.dbName, title);

  context.subscriptions.push(
    guarded('routineLoad.configureStarRocks', async (args?: ConfigureArgs) => {
      const ok = await connections.configure(args && typeof args === 'object' ? args : {});
      if (ok) await engine.start();
      return ok;
    }),

    guarded('routineLoad.testConnection', async () => {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Routine Load: testing the StarRocks connection…' }, () => connections.check());
      if (result.ok) {
        log.info(result.message);
        void vscode.window.showInformationMessage(`Routine Load: ${result.message}`);
      } else {
        log.warn(`Connection test failed (${result.kind}): ${result.message}`);
        void vscode.window.showErrorMessage(`Routine Load: ${result.message}`, 'Configure StarRocks').then((c) => {
          if (c) void vscode.commands.executeCommand('routineLoad.configureStarRocks');
        });
      }
      return result;
    }),

    guarded('routineLoad.createJob', async (arg?: StatementArg) => {
      const { found } = statementUnderCursor(arg);
      if (found.kind !== 'create') throw new UserError('The cursor is not on a CREATE ROUTINE LOAD statement.');
      await runStatement(found);
      return found.job;
    }),

    guarded('routineLoad.runStatement', async (arg?: StatementArg) => {
      const { found } = statementUnderCursor(arg);
      await runStatement(found);
    }),

    guarded('routineLoad.createJobsFromFile', async (uri?: vscode.Uri) => {
      requireTrust('creating jobs');
      const doc = uri instanceof vscode.Uri
        ? await vscode.workspace.openTextDocument(uri)
        : vscode.window.activeTextEditor?.document;
      if (!doc || doc.languageId !== 'sql') throw new UserError('Open a .sql file with CREATE ROUTINE LOAD statements first.');
      const statements = findStatements(doc.getText()).filter((s) => s.kind !== 'other');
      const creates = statements.filter((s) => s.kind === 'create');
      if (creates.length === 0) throw new UserError(`${vscode.workspace.asRelativePath(doc.uri)} has no CREATE ROUTINE LOAD statement.`);
      for (const s of creates) {
        const db = s.db ?? s.contextDb ?? connections.defaultDatabase();
        if (s.job && db) await deps.secrets.rememberFrom(s.text, db, s.job);
      }
      // Send the statements the engine runs (USE, jobs), in order; the rest of the file (tables, queries) stays in the editor.
      const sql = statements.filter((s) => s.kind === 'use' || s.kind === 'create').map((s) => `${s.text};`).join('\n');
      const results = await execute(sql, connections.defaultDatabase() || undefined, `creating ${creates.length} job${creates.length === 1 ? '' : 's'}`);
      void vscode.window.showInformationMessage(`Routine Load: ${results.filter((r) => r.kind === 'ok').map((r) => (r.kind === 'ok' ? r.message : '')).join(' ') || 'done.'}`);
    }),

    guarded('routineLoad.pauseJob', async (arg?: JobArg) => {
      const job = await pickJob(arg, 'Pause', isActive, 'No job is running, so none can be paused.');
      if (!job) return;
      await jobCommand((j) => `PAUSE ROUTINE LOAD FOR ${qualifiedSqlName(j)}`, job);
      return true;
    }),

    guarded('routineLoad.resumeJob', async (arg?: JobArg) => {
      requireTrust('resuming jobs');
      const job = await pickJob(arg, 'Resume', (j) => j.state === 'PAUSED', 'No job is paused, so none can be resumed.');
      if (!job) return;
      await jobCommand((j) => `RESUME ROUTINE LOAD FOR ${qualifiedSqlName(j)}`, job);
      return true;
    }),

    // `{ confirm: false }` is for automation (tests, other extensions): people always get the modal question.
    guarded('routineLoad.stopJob', async (arg?: JobArg, options?: { confirm?: boolean }) => {
      const job = await pickJob(arg, 'Stop', (j) => !isFinal(j), 'Every job is already stopped.');
      if (!job) return;
      if (options?.confirm !== false && !(await confirmStop(jobLabel(job)))) return false;
      await jobCommand((j) => `STOP ROUTINE LOAD FOR ${qualifiedSqlName(j)}`, job);
      return true;
    }),

    guarded('routineLoad.alterJob', async (arg?: JobArg, properties?: string) => {
      requireTrust('altering jobs');
      const job = await pickJob(arg, 'Alter', (j) => j.state === 'PAUSED', 'Only a PAUSED job can be altered, and none is paused.');
      if (!job) return;
      if (job.state !== 'PAUSED') {
        const choice = await vscode.window.showWarningMessage(`Routine Load: ${jobLabel(job)} is ${job.shownState}; only a PAUSED job can be altered.`, 'Pause It');
        if (choice) await vscode.commands.executeCommand('routineLoad.pauseJob', job);
        return;
      }
      const current = ['desired_concurrent_number', 'max_error_number', 'max_batch_interval', 'max_batch_rows']
        .filter((k) => job.jobProperties[k] !== undefined)
        .map((k) => `"${k}" = "${job.jobProperties[k]}"`).join(', ');
      const text = properties ?? await vscode.window.showInputBox({
        title: `Alter ${jobLabel(job)}: job properties`,
        prompt: 'Properties to change, as in PROPERTIES ( … ). Example: "desired_concurrent_number" = "6"',
        value: current,
        ignoreFocusOut: true,
        validateInput: validateProperties,
      });
      if (text === undefined) return;
      const problem = validateProperties(text);
      if (problem) throw new UserError(problem);
      await jobCommand((j) => `ALTER ROUTINE LOAD FOR ${qualifiedSqlName(j)}\nPROPERTIES (${text})`, job);
      void vscode.window.showInformationMessage(`Routine Load: ${jobLabel(job)} altered; resume it to load with the new properties.`, 'Resume').then((c) => {
        if (c) void vscode.commands.executeCommand('routineLoad.resumeJob', job);
      });
      return true;
    }),

    guarded('routineLoad.showJob', async (arg?: JobArg) => {
      const job = await pickJob(arg, 'Show', () => true, 'There are no jobs yet.');
      if (!job) return;
      const results = await jobCommand((j) => `SHOW ALL ROUTINE LOAD FOR ${qualifiedSqlName(j)}`, job);
      const editor = await deps.shows.open(`SHOW ROUTINE LOAD FOR ${job.dbName}.${job.name}`, `SHOW ALL ROUTINE LOAD FOR ${job.dbName}.${job.name}\\G\n${renderResults(results)}`);
      return editor.document.uri.toString();
    }),

    guarded('routineLoad.showTasks', async (arg?: JobArg) => {
      const job = await pickJob(arg, 'Show the tasks of', () => true, 'There are no jobs yet.');
      if (!job) return;
      const sql = `SHOW ROUTINE LOAD TASK FROM ${sqlName(job.dbName)} WHERE JobName = "${job.name.replace(/["\\]/g, '\\$&')}"`;
      const results = await execute(sql, job.dbName);
      const editor = await deps.shows.open(`TASKS ${job.dbName}.${job.name}`, `${sql}\\G\n${renderResults(results)}`);
      return editor.document.uri.toString();
    }),

    guarded('routineLoad.refresh', async () => {
      // Topics and table schemas too (registered once the language server runs).
      void vscode.commands.executeCommand('routineLoad.refreshMetadata').then(undefined, () => undefined);
      if (!connections.isConfigured()) {
        deps.tree.refresh();
        return;
      }
      await engine.refresh();
    }),

    guarded('routineLoad.openErrorLog', async (url?: string) => {
      if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new UserError('That error log link is not an http(s) URL.');
      await vscode.env.openExternal(vscode.Uri.parse(url));
    }),

    guarded('routineLoad.showLog', async () => {
      log.show(true);
    }),

    guarded('routineLoad.revealJob', async (arg?: JobArg) => {
      const job = await pickJob(arg, 'Reveal', () => true, 'There are no jobs yet.');
      if (!job) return;
      await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
      await deps.treeView.reveal(deps.tree.nodeOf(job), { select: true, focus: true, expand: true });
    }),
  );
}

const PROPERTY_LIST = /^\s*(["'])[A-Za-z0-9_.]+\1\s*=\s*(["'])(?:\\.|(?!\2).)*\2\s*(,\s*(["'])[A-Za-z0-9_.]+\4\s*=\s*(["'])(?:\\.|(?!\5).)*\5\s*)*$/;

export function validateProperties(text: string): string | undefined {
  if (!text.trim()) return 'Enter at least one property, e.g. "desired_concurrent_number" = "6"';
  if (!PROPERTY_LIST.test(text)) return 'Write "key" = "value" pairs separated by commas, each key and value in quotes.';
  return undefined;
}

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0];
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}
