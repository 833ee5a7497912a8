// Shared set-up of the engine's integration tests: the real Kafka broker, the sandbox, a producer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startKafka, createTopic, uniqueTopic, type KafkaBroker } from '../../helpers/kafka';
import { startSandbox, type Sandbox } from '../../../sandbox/src/server';
import { Engine, type EngineOptions, type LogEntry } from '../../../engine/src/engine';
import { SEED_DDL as SEED_TABLES_DDL } from '../../../cli/src/seed';
export { SEED_ROWS } from '../../../cli/src/seed';

/** The seed's tables (cli/src/seed.ts), a DUPLICATE KEY copy of the Step 2 table (the seed's expected table
 * keeps both rows its PRIMARY KEY merges) and a plain events table. */
export const SEED_DDL = `${SEED_TABLES_DDL}
CREATE TABLE load_test.routine_load_tbl_csv_dup (
\`order_id\` bigint NOT NULL,
\`pay_dt\` date NOT NULL,
\`customer_name\` varchar(26) NULL,
\`nationality\` varchar(26) NULL,
\`price\` double NULL
)
ENGINE = OLAP
DUPLICATE KEY (order_id, pay_dt)
DISTRIBUTED BY HASH(\`order_id\`) BUCKETS 5;
CREATE TABLE load_test.events (
\`k\` bigint NOT NULL,
\`v\` varchar(64) NULL
)
ENGINE = OLAP
DUPLICATE KEY (k)
DISTRIBUTED BY HASH(\`k\`) BUCKETS 3;
`;


/** A message to produce; `timestamp` (ms since epoch, as a string) sets the record's CreateTime. */
export interface TestMessage {
  partition?: number;
  value: string;
  timestamp?: string;
}

export interface World {
  kafka: KafkaBroker;
  sandbox: Sandbox;
  producer: Producer;
  dirs: string[];
  engines: Engine[];
  /** Every log entry of every engine opened with `open` (unless the test gave its own logger). */
  logs: LogEntry[];
  topic(partitions?: number): Promise<string>;
  produce(topic: string, messages: TestMessage[]): Promise<void>;
  /** Produce rows `k,v<k>` for the events table, keys from..from+n-1, spread over `partitions` round-robin. */
  produceKeys(topic: string, from: number, n: number, partitions?: number): Promise<void>;
  /** Rows of load_test.events with from <= k < from + n: total and distinct keys. */
  keys(from: number, n: number): { rows: number; distinct: number };
  stateDir(): string;
  open(stateDir?: string, extra?: Partial<EngineOptions>): Promise<Engine>;
  count(table: string): number;
  close(): Promise<void>;
}

/**
 * CREATE ROUTINE LOAD of CSV `k,v` rows into load_test.events, from OFFSET_BEGINNING. `kafka` adds FROM KAFKA
 * settings (`property.…` keys as written), `properties` the job's PROPERTIES.
 */
export function eventsJob(
  name: string, topic: string, brokers: string,
  options: { kafka?: Record<string, string>; properties?: Record<string, string> } = {},
): string {
  const list = (entries: Record<string, string>) => Object.entries(entries).map(([k, v]) => `"${k}" = "${v}"`).join(',\n  ');
  const properties = options.properties && Object.keys(options.properties).length > 0 ? `\nPROPERTIES (${list(options.properties)})` : '';
  const kafka = { kafka_broker_list: brokers, kafka_topic: topic, 'property.kafka_default_offsets': 'OFFSET_BEGINNING', ...options.kafka };
  return `CREATE ROUTINE LOAD load_test.${name} ON events COLUMNS TERMINATED BY ","${properties}\nFROM KAFKA (${list(kafka)});`;
}

export async function startWorld(): Promise<World> {
  const kafka = await startKafka();
  const sandbox = await startSandbox({ ddl: SEED_DDL });
  const producer = new Kafka({ clientId: 'engine-it', brokers: [kafka.bootstrap], logLevel: logLevel.ERROR }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const world: World = {
    kafka, sandbox, producer, dirs: [], engines: [], logs: [],
    async topic(partitions = 1) {
      const name = uniqueTopic('engine');
      await createTopic(kafka.bootstrap, name, partitions);
      return name;
    },
    async produce(topic, messages) {
      await producer.send({ topic, messages });
    },
    async produceKeys(topic, from, n, partitions = 1) {
      const messages = Array.from({ length: n }, (_, i) => ({ partition: i % partitions, value: `${from + i},v${from + i}` }));
      for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic, messages: messages.slice(i, i + 1000) });
    },
    keys(from, n) {
      const rows = sandbox.query(`SELECT k FROM load_test.events WHERE k >= ${from} AND k < ${from + n}`).rows.map((r) => Number(r.k));
      return { rows: rows.length, distinct: new Set(rows).size };
    },
    stateDir() {
      const dir = mkdtempSync(join(tmpdir(), 'rl-engine-it-'));
      world.dirs.push(dir);
      return dir;
    },
    async open(stateDir, extra = {}) {
      const engine = await Engine.open({
        stateDir: stateDir ?? world.stateDir(),
        starrocks: { feUrl: sandbox.feUrl, user: 'root', password: '' },
        log: (entry) => world.logs.push(entry),
        ...extra,
        // Short consume time and backoff keep the tests quick; a test's own settings go on top.
        settings: { routine_load_task_consume_second: 1, retry_backoff_initial_millisecond: 100, retry_backoff_max_millisecond: 1000, ...extra.settings },
      });
      world.engines.push(engine);
      return engine;
    },
    count(table) {
      return Number(sandbox.query(`SELECT count(*) FROM ${table}`).rows[0]['count(*)']);
    },
    async close() {
      await Promise.allSettled(world.engines.map((e) => e.close()));
      await producer.disconnect().catch(() => undefined);
      await sandbox.stop();
      await kafka.stop();
      for (const dir of world.dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

export { waitForJob } from '../../helpers/jobs';
