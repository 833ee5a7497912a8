// The rows the suite loads, the sandbox tables they go to, the jobs that load them, and the producer that
// fills the topics. CSV rows are about 100 bytes, JSON rows about 500 bytes.
import { Kafka, logLevel, type Producer } from 'kafkajs';

export type Format = 'csv' | 'json';

const CITIES = ['Amsterdam', 'Berlin', 'Copenhagen', 'Dublin', 'Edinburgh', 'Florence', 'Geneva', 'Helsinki'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

function ts(i: number): string {
  const s = String(i % 60).padStart(2, '0');
  const m = String(Math.floor(i / 60) % 60).padStart(2, '0');
  return `2024-05-0${1 + (i % 9)} 12:${m}:${s}`;
}

/** About 100 bytes: id, ts, user_name, city, qty, amount. */
export function csvRow(i: number): string {
  return `${1_000_000_000 + i},${ts(i)},customer_${String(i).padStart(12, '0')}_acct,${CITIES[i % 8]}-district-${i % 1000},${i % 500},${(i % 100_000) / 100}`;
}

/** About 500 bytes: the same fields plus a device and a free-text note. */
export function jsonRow(i: number): string {
  const note: string[] = [];
  for (let k = 0; note.join(' ').length < 300; k++) note.push(WORDS[(i + k * 7) % WORDS.length]!);
  return JSON.stringify({
    id: 1_000_000_000 + i, ts: ts(i), user_name: `customer_${String(i).padStart(12, '0')}_acct`, city: `${CITIES[i % 8]}-district-${i % 1000}`,
    qty: i % 500, amount: (i % 100_000) / 100, device: `device-${(i * 2654435761) % 100_000}-${i % 7 === 0 ? 'ios' : 'android'}`, note: note.join(' '),
  });
}

export function row(format: Format, i: number): string {
  return format === 'csv' ? csvRow(i) : jsonRow(i);
}

export const rowBytes = (format: Format): number => Buffer.byteLength(row(format, 123_456));

/** The CSV rows' columns, in order (csvRow). */
export const CSV_COLUMNS = 'id, ts, user_name, city, qty, amount';

export const DATABASE_DDL = 'CREATE DATABASE IF NOT EXISTS bench;';

export function tableDdl(format: Format, table: string): string {
  const extra = format === 'json' ? ',\n  device varchar(64) NULL,\n  note varchar(512) NULL' : '';
  return `CREATE TABLE bench.${table} (
  id bigint NOT NULL,
  ts datetime NOT NULL,
  user_name varchar(32) NULL,
  city varchar(32) NULL,
  qty int NULL,
  amount double NULL${extra}
) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 8;`;
}

export interface JobSpec {
  name: string;
  table: string;
  topic: string;
  format: Format;
  broker: string;
  properties?: Record<string, string>;
}

export function createJobSql(spec: JobSpec): string {
  const props = Object.entries({ ...(spec.format === 'json' ? { format: 'json' } : {}), ...spec.properties })
    .map(([k, v]) => `  "${k}" = "${v}"`).join(',\n');
  const columns = spec.format === 'csv' ? `COLUMNS TERMINATED BY ",",\nCOLUMNS (${CSV_COLUMNS})\n` : '';
  return `CREATE ROUTINE LOAD bench.${spec.name} ON ${spec.table}
${columns}${props ? `PROPERTIES (\n${props}\n)\n` : ''}FROM KAFKA (
  "kafka_broker_list" = "${spec.broker}",
  "kafka_topic" = "${spec.topic}",
  "property.kafka_default_offsets" = "OFFSET_BEGINNING"
);`;
}

export function kafkaClient(broker: string, clientId = 'bench'): Kafka {
  return new Kafka({ clientId, brokers: [broker], logLevel: logLevel.NOTHING });
}

export async function connectProducer(broker: string): Promise<Producer> {
  const producer = kafkaClient(broker, 'bench-producer').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

/** Writes rows [0, count) round-robin over the partitions; a few large requests in flight. */
export async function prefill(producer: Producer, topic: string, partitions: number, format: Format, count: number, first = 0): Promise<void> {
  const batch = format === 'csv' ? 5000 : 1000;
  const inflight: Promise<unknown>[] = [];
  for (let start = first; start < first + count; start += batch) {
    const messages = [];
    for (let i = start; i < Math.min(first + count, start + batch); i++) messages.push({ partition: i % partitions, value: row(format, i) });
    inflight.push(producer.send({ topic, acks: 1, messages }));
    if (inflight.length >= 4) await inflight.shift();
  }
  await Promise.all(inflight);
}
