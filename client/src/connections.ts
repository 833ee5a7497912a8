// The StarRocks connection and Kafka defaults. Address and user live in machine-scoped
// settings (a cloned workspace cannot point them at another host); the password lives in
// SecretStorage, keyed by address and user so it is never sent to a host it wasn't typed for.
import * as vscode from 'vscode';
import { errorMessage, type Log } from './log';

export interface StarRocksConnection {
  /** FE HTTP address without a trailing slash, e.g. http://127.0.0.1:8030 */
  url: string;
  user: string;
  password: string;
  /** Default database for statements that name none; may be empty. */
  database: string;
}

export interface KafkaDefaults {
  brokerList: string;
}

export type CheckResult =
  | { ok: true; message: string }
  | { ok: false; kind: 'notConfigured' | 'unreachable' | 'password' | 'database' | 'notStarRocks'; message: string };

/** Arguments a caller (a test, a walkthrough link) may pass to skip the input boxes. */
export interface ConfigureArgs {
  url?: string;
  user?: string;
  password?: string;
  database?: string;
  /** Skip the offer to test the connection afterwards. */
  quiet?: boolean;
}

const SECTION = 'routineLoad';
const CONFIGURED_CONTEXT = 'routineLoad.configured';
const CHECK_TIMEOUT_MS = 5000;

/** Parse an FE address; returns an error text for anything that isn't http(s)://host[:port]. */
export function validateUrl(input: string): string | undefined {
  const text = input.trim();
  if (!text) return 'Enter the HTTP address of the StarRocks FE, e.g. http://127.0.0.1:8030';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL. Write it as http://host:port (the FE's http_port, 8030 by default).`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `Use http:// or https://, not ${url.protocol}//.`;
  if (url.username || url.password) return 'Leave the user and password out of the address: they are asked for next, and the password is kept in the secret store.';
  if (url.search || url.hash) return 'The address takes no query or fragment: only http(s)://host[:port].';
  return undefined;
}

function normalizeUrl(input: string): string {
  return input.trim().replace(/\/+$/, '');
}

export class Connections implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the address, user, database or password changed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: Log) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.starrocks`) || e.affectsConfiguration(`${SECTION}.kafka`)) this.fireChanged();
      }),
      secrets.onDidChange((e) => {
        if (e.key.startsWith('routineLoad.starrocks.password')) this.fireChanged();
      }),
    );
    void this.updateContext();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** While configure() writes its four values, listeners must not see a half-written connection. */
  private batching = false;

  private fireChanged(): void {
    if (this.batching) return;
    void this.updateContext();
    this.changed.fire();
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', CONFIGURED_CONTEXT, this.isConfigured());
  }

  private settings(): { url: string; user: string; database: string } {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    return {
      url: normalizeUrl(cfg.get<string>('starrocks.url', '')),
      user: cfg.get<string>('starrocks.user', 'root').trim() || 'root',
      database: cfg.get<string>('starrocks.database', '').trim(),
    };
  }

  isConfigured(): boolean {
    return this.settings().url !== '';
  }

  kafkaDefaults(): KafkaDefaults {
    return { brokerList: vscode.workspace.getConfiguration(SECTION).get<string>('kafka.brokerList', '').trim() };
  }

  defaultDatabase(): string {
    return this.settings().database;
  }

  private secretKey(url: string, user: string): string {
    return `routineLoad.starrocks.password:${url}|${user}`;
  }

  /** The full connection, or undefined while no address is set. */
  async current(): Promise<StarRocksConnection | undefined> {
    const s = this.settings();
    if (!s.url) return undefined;
    const password = (await this.secrets.get(this.secretKey(s.url, s.user))) ?? '';
    return { ...s, password };
  }

  /** Ask for (or take from `args`) address, user, password and database, and store them. */
  async configure(args: ConfigureArgs = {}): Promise<boolean> {
    const now = this.settings();
    const url = args.url ?? await vscode.window.showInputBox({
      title: 'Configure StarRocks (1/4): FE address',
      prompt: 'HTTP address of the StarRocks FE (its http_port, 8030 by default). Kept in your user settings, not the workspace.',
      value: now.url || 'http://127.0.0.1:8030',
      ignoreFocusOut: true,
      validateInput: validateUrl,
    });
    if (url === undefined) return false;
    const urlError = validateUrl(url);
    if (urlError) {
      void vscode.window.showErrorMessage(`Routine Load: ${urlError}`);
      return false;
    }
    const user = args.user ?? await vscode.window.showInputBox({
      title: 'Configure StarRocks (2/4): user',
      value: now.user,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a StarRocks user name, e.g. root'),
    });
    if (user === undefined || !user.trim()) return false;
    const password = args.password ?? await vscode.window.showInputBox({
      title: 'Configure StarRocks (3/4): password',
      prompt: 'Kept in VS Code\'s secret storage. Leave empty for a user without a password.',
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) return false;
    const database = args.database ?? await vscode.window.showInputBox({
      title: 'Configure StarRocks (4/4): default database (optional)',
      prompt: 'Used for statements that name no database, and checked by "Test Connection".',
      value: now.database,
      ignoreFocusOut: true,
      validateInput: (v) => (/^[A-Za-z0-9_]*$/.test(v.trim()) ? undefined : 'A database name has letters, digits and underscores only.'),
    });
    if (database === undefined) return false;

    const cfg = vscode.workspace.getConfiguration(SECTION);
    const cleanUrl = normalizeUrl(url);
    const cleanUser = user.trim();
    this.batching = true;
    try {
      await this.secrets.store(this.secretKey(cleanUrl, cleanUser), password);
      await cfg.update('starrocks.url', cleanUrl, vscode.ConfigurationTarget.Global);
      await cfg.update('starrocks.user', cleanUser, vscode.ConfigurationTarget.Global);
      await cfg.update('starrocks.database', database.trim(), vscode.ConfigurationTarget.Global);
    } finally {
      this.batching = false;
    }
    this.log.info(`StarRocks connection set: ${cleanUrl} as ${cleanUser}${database.trim() ? `, database ${database.trim()}` : ''}`);
    this.fireChanged();
    if (!args.quiet) {
      const choice = await vscode.window.showInformationMessage(`Routine Load: StarRocks connection saved (${cleanUrl}).`, 'Test Connection');
      if (choice === 'Test Connection') await vscode.commands.executeCommand('routineLoad.testConnection');
    }
    return true;
  }

  /** Ask the FE over HTTP, without loading anything, whether address, password and database are right. */
  async check(): Promise<CheckResult> {
    const conn = await this.current();
    if (!conn) return { ok: false, kind: 'notConfigured', message: 'No StarRocks connection is set. Run "Routine Load: Configure StarRocks".' };
    return checkConnection(conn);
  }
}

/**
 * GET /api/{db}/{probe-table}/_schema answers differently for a bad password, a missing database
 * and a missing table, and loads nothing: a missing table means address, user and database are right.
 */
export async function checkConnection(conn: StarRocksConnection, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult> {
  const db = conn.database || 'information_schema';
  const target = `${conn.url}/api/${encodeURIComponent(db)}/__routine_load_connection_check__/_schema`;
  const auth = Buffer.from(`${conn.user}:${conn.password}`).toString('base64');
  let status: number;
  let body: string;
  try {
    const res = await fetch(target, { headers: { Authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    status = res.status;
    body = (await res.text()).slice(0, 2000);
  } catch (err) {
    return { ok: false, kind: 'unreachable', message: unreachableMessage(conn.url, err, timeoutMs) };
  }
  const text = body.toLowerCase();
  if (status === 401 || status === 403 || /access denied|password|not authori[sz]ed|authenticat|no valid basic/.test(text)) {
    return { ok: false, kind: 'password', message: `StarRocks at ${conn.url} refused user "${conn.user}" with this password (HTTP ${status}). Run "Routine Load: Configure StarRocks" to enter it again.` };
  }
  if (/(database|db)\b[^.]*\b(not exist|does not exist|unknown|not found)|unknown database/.test(text)) {
    // Without a default database the probe only checks address and password: those passed.
    if (!conn.database) return { ok: true, message: `Connected to StarRocks at ${conn.url} as "${conn.user}".` };
    return { ok: false, kind: 'database', message: `StarRocks at ${conn.url} has no database "${db}". Create it, or set another default database with "Routine Load: Configure StarRocks".` };
  }
  if (status === 200 || /table\b[^.]*\b(not exist|does not exist|unknown|not found)|unknown table/.test(text)) {
    return { ok: true, message: `Connected to StarRocks at ${conn.url} as "${conn.user}"${conn.database ? `; database "${conn.database}" exists` : ''}.` };
  }
  return { ok: false, kind: 'notStarRocks', message: `${conn.url} answered HTTP ${status} to a StarRocks schema request: is it the FE's HTTP port (http_port, 8030 by default)?` };
}

function unreachableMessage(url: string, err: unknown, timeoutMs: number): string {
  // fetch wraps the socket error in `cause`; with several addresses it is an AggregateError.
  const cause = (err as { cause?: { code?: string; errors?: { code?: string }[] } } | undefined)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code ?? (err as { code?: string } | undefined)?.code;
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `StarRocks at ${url} did not answer within ${timeoutMs / 1000} s.`;
  switch (code) {
    case 'ECONNREFUSED': return `Nothing listens at ${url}: the connection was refused. Is the FE running, and is 8030 (http_port) the right port?`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `The host of ${url} is unknown (DNS lookup failed).`;
    case 'ECONNRESET': return `${url} closed the connection. If the FE uses HTTPS, write https://.`;
    case 'EHOSTUNREACH': case 'ENETUNREACH': return `${url} is unreachable from this machine (no route to host).`;
    default: return `Cannot reach StarRocks at ${url}: ${code ?? errorMessage(err)}.`;
  }
}
