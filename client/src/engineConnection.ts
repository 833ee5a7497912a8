// The link to the engine daemon: one per state directory (the extension's global storage), shared
// by every window, so two windows never run the same job twice and jobs outlive a window reload.
// Keeps the last snapshot of every job, updated by the engine's events, for the views.
import * as vscode from 'vscode';
import { ensureEngine, type EngineClient } from '../../engine/src/client';
import type { ExecuteResult, JobSnapshot } from '../../engine/src/protocol';
import type { Connections } from './connections';
import type { JobSource } from './jobTree';
import { errorMessage, logEngineEvent, type Log } from './log';

export type EngineState = 'notConfigured' | 'starting' | 'ready' | 'failed';

export class EngineConnection implements JobSource, vscode.Disposable {
  private client: EngineClient | undefined;
  private starting: Promise<EngineClient> | undefined;
  private readonly jobMap = new Map<number, JobSnapshot>();
  private engineState: EngineState = 'notConfigured';
  private lastError = '';
  private readonly jobChanged = new vscode.EventEmitter<{ job?: JobSnapshot; structural: boolean }>();
  readonly onDidChangeJob = this.jobChanged.event;
  private readonly stateChanged = new vscode.EventEmitter<EngineState>();
  readonly onDidChangeState = this.stateChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.jobChanged, this.stateChanged];
  private unsubscribe: (() => void)[] = [];
  /** What the engine was last configured with (kept in memory only, like the client's own copy). */
  private configuredKey = '';

  constructor(
    private readonly stateDir: string,
    private readonly cliPath: string,
    private readonly connections: Connections,
    private readonly secrets: () => Promise<Record<string, string>>,
    private readonly log: Log,
  ) {
    // A new address, user or password reconfigures the running engine (it reopens itself).
    this.disposables.push(connections.onDidChange(() => void this.reconfigure()));
  }

  get state(): EngineState {
    return this.engineState;
  }

  /** Why the engine could not be reached, for the welcome view and errors. */
  get error(): string {
    return this.lastError;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.detach();
    // The daemon keeps running: jobs go on loading after the window closes.
    this.client?.close();
    this.client = undefined;
  }

  jobs(): JobSnapshot[] {
    return [...this.jobMap.values()];
  }

  job(id: number): JobSnapshot | undefined {
    return this.jobMap.get(id);
  }

  findJob(db: string | undefined, name: string): JobSnapshot | undefined {
    const matches = this.jobs().filter((j) => j.name === name && (!db || j.dbName === db));
    // A stopped job's name can be reused: prefer the live one.
    return matches.find((j) => j.state !== 'STOPPED' && j.state !== 'CANCELLED') ?? matches.sort((a, b) => b.id - a.id)[0];
  }

  private setState(state: EngineState, error = ''): void {
    this.lastError = error;
    if (state === this.engineState) return;
    this.engineState = state;
    void vscode.commands.executeCommand('setContext', 'routineLoad.engineState', state);
    this.stateChanged.fire(state);
  }

  /** Connect (or start the daemon) when a connection is configured; quiet when it is not. */
  async start(): Promise<EngineClient | undefined> {
    if (!this.connections.isConfigured()) {
      this.setState('notConfigured');
      return undefined;
    }
    try {
      return await this.ready();
    } catch {
      return undefined; // ready() logged it and set the state.
    }
  }

  /** The connected client; starts the engine if needed. Throws a user-facing error. */
  async ready(): Promise<EngineClient> {
    if (this.client?.connected) return this.client;
    if (this.starting) return this.starting;
    this.starting = this.connect().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private async connect(): Promise<EngineClient> {
    const conn = await this.connections.current();
    if (!conn) {
      this.setState('notConfigured');
      throw new Error('No StarRocks connection is set. Run "Routine Load: Configure StarRocks" first.');
    }
    this.setState('starting');
    const started = Date.now();
    try {
      const client = await ensureEngine({
        stateDir: this.stateDir,
        cliPath: this.cliPath,
        starrocks: { feUrl: conn.url, user: conn.user, password: conn.password },
        secrets: await this.secrets(),
      });
      this.configuredKey = `${conn.url}\n${conn.user}\n${conn.password}`;
      this.detach();
      this.client?.close();
      this.client = client;
      this.unsubscribe = [
        client.onEvent((event) => {
          logEngineEvent(this.log, event);
          switch (event.event) {
            case 'jobChanged': this.upsert(event.job); break;
            case 'jobRemoved':
              this.jobMap.delete(event.id);
              this.jobChanged.fire({ structural: true });
              break;
            case 'shuttingDown': this.log.info(`The engine is stopping: ${event.reason}`); break;
          }
        }),
        client.onConnectionState((state) => {
          if (state === 'connected') {
            this.log.info('Reconnected to the engine.');
            this.setState('ready');
            void this.refresh();
          } else if (state === 'disconnected') {
            this.log.warn('Lost the connection to the engine; reconnecting.');
            this.setState('starting');
          }
        }),
      ];
      const info = await client.ping();
      this.log.info(`Engine ready (pid ${info.pid}, version ${info.version}, state in ${info.stateDir}) after ${Date.now() - started} ms.`);
      this.setState('ready');
      await this.refresh();
      return client;
    } catch (err) {
      // The first line is for people; the rest (the daemon's log tail) goes to the output channel.
      const text = err instanceof Error ? err.message : String(err);
      this.log.error(`The engine could not start: ${text}`);
      this.setState('failed', errorMessage(err));
      throw new Error(`The Routine Load engine could not start: ${errorMessage(err)} (details in the "Routine Load" output).`);
    }
  }

  private detach(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  private async reconfigure(): Promise<void> {
    if (!this.connections.isConfigured()) {
      this.setState('notConfigured');
      return;
    }
    const client = this.client;
    if (!client?.connected) {
      await this.start();
      return;
    }
    const conn = await this.connections.current();
    if (!conn) return;
    // Settings that do not concern the engine (Kafka defaults, the default database) leave it alone:
    // configuring it again with other values reopens it.
    const key = `${conn.url}\n${conn.user}\n${conn.password}`;
    if (key === this.configuredKey) return;
    try {
      await client.configure({ starrocks: { feUrl: conn.url, user: conn.user, password: conn.password }, secrets: await this.secrets() });
      this.configuredKey = key;
      this.log.info(`The engine now loads into ${conn.url} as ${conn.user}.`);
      this.setState('ready');
      await this.refresh();
    } catch (err) {
      this.log.error(`Reconfiguring the engine failed: ${errorMessage(err)}`);
      this.setState('failed', errorMessage(err));
    }
  }

  private upsert(job: JobSnapshot): void {
    const before = this.jobMap.get(job.id);
    this.jobMap.set(job.id, job);
    if (before && (before.shownState !== job.shownState || before.reasonOfStateChanged !== job.reasonOfStateChanged)) {
      const reason = job.reasonOfStateChanged ? `: ${job.reasonOfStateChanged}` : '';
      const line = `[${job.dbName}.${job.name}] ${before.shownState} → ${job.shownState}${reason}`;
      if (job.state === 'PAUSED' && job.pausedByEngine) this.log.warn(line);
      else this.log.info(line);
    }
    this.jobChanged.fire({ job, structural: !before || before.dbName !== job.dbName });
  }

  /** Fetch every job again (after a reconnect, or on the Refresh command). */
  async refresh(): Promise<void> {
    const client = await this.ready();
    const jobs = await client.jobs();
    this.jobMap.clear();
    for (const job of jobs) this.jobMap.set(job.id, job);
    this.jobChanged.fire({ structural: true });
  }

  async execute(sql: string, db?: string): Promise<ExecuteResult[]> {
    const client = await this.ready();
    return client.execute(sql, db ? { db } : {});
  }
}
