// Live metadata for the language server: Kafka topics (with partitions) and StarRocks table
// schemas, fetched here in the background and pushed with the server's notifications, so
// completion never waits on the network. Each source is asked at most once a minute.
// In an untrusted workspace, brokers named only in its files are never contacted.
import * as vscode from 'vscode';
import { Kafka, logLevel } from 'kafkajs';
import type { LanguageClient } from 'vscode-languageclient/node';
import { KAFKA_METADATA, TABLE_SCHEMAS, type TableSchemasParams } from '../../server/src/lsp/protocol';
import type { KafkaMetadata, TableSchema } from '../../server/src/service';
import type { Connections, StarRocksConnection } from './connections';
import type { EngineConnection } from './engineConnection';
import { errorMessage, type Log } from './log';
import { findStatements } from './statements';

const FRESH_MS = 60_000;
const BROKER_LIST = /"kafka_broker_list"\s*=\s*["']([^"']+)["']/gi;

export class MetadataFeed implements vscode.Disposable {
  private readonly asked = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly connections: Connections,
    private readonly engine: EngineConnection,
    private readonly log: Log,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => { if (d.languageId === 'sql') this.schedule(); }),
      vscode.workspace.onDidSaveTextDocument((d) => { if (d.languageId === 'sql') this.schedule(); }),
      connections.onDidChange(() => { this.asked.clear(); this.schedule(); }),
      engine.onDidChangeJob(({ structural }) => { if (structural) this.schedule(); }),
    ];
    this.schedule();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }

  /** Forget what was fetched and fetch again (the Refresh command). */
  refresh(): void {
    this.asked.clear();
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), 500);
  }

  private due(key: string): boolean {
    const last = this.asked.get(key);
    if (last !== undefined && Date.now() - last < FRESH_MS) return false;
    this.asked.set(key, Date.now());
    return true;
  }

  private async update(): Promise<void> {
    const docs = vscode.workspace.textDocuments.filter((d) => d.languageId === 'sql');
    const brokers = new Set<string>();
    const configured = this.connections.kafkaDefaults().brokerList;
    if (configured) brokers.add(configured);
    for (const job of this.engine.jobs()) if (job.dataSourceProperties.brokerList) brokers.add(job.dataSourceProperties.brokerList);
    if (vscode.workspace.isTrusted) {
      for (const d of docs) for (const m of d.getText().matchAll(BROKER_LIST)) if (!m[1].includes('<')) brokers.add(m[1].trim());
    }
    const tables = new Map<string, { db: string; name: string }>();
    const defaultDb = this.connections.defaultDatabase();
    for (const d of docs) {
      for (const s of findStatements(d.getText())) {
        const db = s.table?.db ?? s.contextDb ?? defaultDb;
        if (s.kind === 'create' && s.table && db) tables.set(`${db}.${s.table.name}`, { db, name: s.table.name });
      }
    }
    for (const job of this.engine.jobs()) tables.set(`${job.dbName}.${job.tableName}`, { db: job.dbName, name: job.tableName });

    await Promise.all([...brokers].filter((b) => this.due(`kafka:${b}`)).map((b) => this.fetchTopics(b)));
    const conn = await this.connections.current();
    if (!conn) return;
    const wanted = [...tables.values()].filter((t) => this.due(`table:${conn.url}:${t.db}.${t.name}`));
    const schemas = (await Promise.all(wanted.map((t) => fetchSchema(conn, t.db, t.name)))).filter((s): s is TableSchema => s !== undefined);
    if (schemas.length > 0) {
      await this.client.sendNotification(TABLE_SCHEMAS, { tables: schemas, replace: false } satisfies TableSchemasParams);
      this.log.debug(`Table schemas for completion: ${schemas.map((s) => `${s.db}.${s.name}`).join(', ')}`);
    }
  }

  private async fetchTopics(brokerList: string): Promise<void> {
    const admin = new Kafka({
      clientId: 'routine-load-vscode',
      brokers: brokerList.split(',').map((b) => b.trim()).filter(Boolean),
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    try {
      await admin.connect();
      const { topics } = await admin.fetchTopicMetadata();
      const params: KafkaMetadata = {
        brokers: brokerList,
        topics: topics.filter((t) => !t.name.startsWith('__')).map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionId) })),
      };
      await this.client.sendNotification(KAFKA_METADATA, params);
      this.log.debug(`Kafka topics for completion from ${brokerList}: ${params.topics.length}`);
    } catch (err) {
      this.log.debug(`Could not list Kafka topics at ${brokerList}: ${errorMessage(err)}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/** GET /api/{db}/{table}/_schema: the FE's column list; undefined when the table is unknown or unreachable. */
export async function fetchSchema(conn: StarRocksConnection, db: string, table: string): Promise<TableSchema | undefined> {
  try {
    const res = await fetch(`${conn.url}/api/${encodeURIComponent(db)}/${encodeURIComponent(table)}/_schema`, {
      headers: { Authorization: `Basic ${Buffer.from(`${conn.user}:${conn.password}`).toString('base64')}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { properties?: { name?: unknown; type?: unknown; comment?: unknown }[] };
    if (!Array.isArray(body.properties)) return undefined;
    return {
      db,
      name: table,
      columns: body.properties.filter((p) => typeof p.name === 'string').map((p) => ({
        name: p.name as string,
        ...(typeof p.type === 'string' ? { type: p.type.toLowerCase() } : {}),
        ...(typeof p.comment === 'string' && p.comment ? { comment: p.comment } : {}),
      })),
    };
  } catch {
    return undefined;
  }
}
