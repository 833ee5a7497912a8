// What the client tells the service about live systems: Kafka topics with their partitions and
// StarRocks table schemas (from `_schema`). The client fetches them in the background and pushes
// them; completion only reads what is already here, so typing never waits on the network.

export interface KafkaTopicInfo {
  name: string;
  partitions: number[];
}

export interface KafkaMetadata {
  /** The broker list these topics came from ("host:port,…"); absent means "any job". */
  brokers?: string;
  topics: KafkaTopicInfo[];
}

export interface ColumnInfo {
  name: string;
  /** As StarRocks prints it: bigint, varchar(26), datetime, … */
  type?: string;
  nullable?: boolean;
  key?: boolean;
  comment?: string;
}

export interface TableSchema {
  db?: string;
  name: string;
  columns: ColumnInfo[];
  comment?: string;
}

export class KafkaCatalog {
  private clusters = new Map<string, KafkaTopicInfo[]>();

  /** Replaces what is known of one cluster. */
  set(metadata: KafkaMetadata): void {
    const topics = (Array.isArray(metadata.topics) ? metadata.topics : [])
      .filter((t) => t && typeof t.name === 'string')
      .map((t) => ({ name: t.name, partitions: (Array.isArray(t.partitions) ? t.partitions : []).filter((p) => Number.isInteger(p)).sort((a, b) => a - b) }));
    this.clusters.set(normalizeBrokers(metadata.brokers), topics);
  }

  clear(): void {
    this.clusters.clear();
  }

  /** Topics of the cluster the job names, falling back to every known cluster. */
  topics(brokers?: string): KafkaTopicInfo[] {
    const key = normalizeBrokers(brokers);
    const exact = key ? this.clusters.get(key) : undefined;
    if (exact) return exact;
    const seen = new Map<string, KafkaTopicInfo>();
    for (const list of this.clusters.values()) for (const t of list) if (!seen.has(t.name)) seen.set(t.name, t);
    return [...seen.values()];
  }

  /** Broker lists of the clusters the client told us about. */
  brokerLists(): string[] {
    return [...this.clusters.keys()].filter(Boolean);
  }

  topic(name: string, brokers?: string): KafkaTopicInfo | undefined {
    return this.topics(brokers).find((t) => t.name === name);
  }
}

function normalizeBrokers(brokers: string | undefined): string {
  if (!brokers) return '';
  return brokers.split(',').map((b) => b.trim().toLowerCase()).filter(Boolean).sort().join(',');
}

/** Tables reported by a configured StarRocks, by lower-cased `db.name` and `name`. */
export class SchemaCatalog {
  private tables = new Map<string, TableSchema>();

  set(tables: readonly TableSchema[], replace: boolean): void {
    if (replace) this.tables.clear();
    for (const t of tables) {
      if (!t || typeof t.name !== 'string') continue;
      const columns = (Array.isArray(t.columns) ? t.columns : []).filter((c) => c && typeof c.name === 'string');
      const table = { ...t, columns };
      this.tables.set(key(t.db, t.name), table);
    }
  }

  all(): TableSchema[] {
    return [...this.tables.values()];
  }

  find(name: string, db?: string): TableSchema | undefined {
    if (db) return this.tables.get(key(db, name));
    const lower = name.toLowerCase();
    for (const t of this.tables.values()) if (t.name.toLowerCase() === lower) return t;
    return undefined;
  }
}

function key(db: string | undefined, name: string): string {
  return `${(db ?? '').toLowerCase()}.${name.toLowerCase()}`;
}
