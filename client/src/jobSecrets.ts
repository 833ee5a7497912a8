// Secret property values of jobs (SASL passwords, SSL key passwords) kept in SecretStorage, so a
// restarted engine gets them back over its socket without them ever touching the state directory.
// SecretStorage cannot list its keys, hence the index entry.
import type * as vscode from 'vscode';
import { isSecretKey, MASK } from '../../server/src/language/catalogue';
import { secretKey } from '../../engine/src/protocol';

const INDEX = 'routineLoad.jobSecrets.index';
const PREFIX = 'routineLoad.jobSecret:';
const PAIR = /(["'])((?:\\.|(?!\1).)*)\1\s*=\s*(["'])((?:\\.|(?!\3).)*)\3/g;

export class JobSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  private async index(): Promise<string[]> {
    try {
      const raw = await this.storage.get(INDEX);
      const list: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Every stored job secret, keyed as the engine's `configure` expects. */
  async all(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const key of await this.index()) {
      const value = await this.storage.get(PREFIX + key);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /** Keep the secret values a CREATE/ALTER statement gives (not masks, not `${env:…}` references). */
  async rememberFrom(statementText: string, db: string, job: string): Promise<number> {
    const keys = await this.index();
    let stored = 0;
    for (const m of statementText.matchAll(PAIR)) {
      const property = m[2];
      const value = m[4];
      if (!isSecretKey(property) || value === MASK || /\$\{env:/.test(value)) continue;
      const key = secretKey(db, job, property);
      await this.storage.store(PREFIX + key, value);
      if (!keys.includes(key)) keys.push(key);
      stored++;
    }
    if (stored > 0) await this.storage.store(INDEX, JSON.stringify(keys));
    return stored;
  }
}
