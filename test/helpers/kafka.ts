// A real Kafka broker for tests: one per test process (shared by every caller in it), or the one that
// ROUTINE_LOAD_KAFKA points at (a broker.json), so several test files can share a single broker.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import type { BrokerInfo } from '../../scripts/kafka/broker.mjs' with { 'resolution-mode': 'import' };

// The tests compile as CommonJS and the script is ESM: load it with import(), which both tsc and tsx accept.
const broker = () => import('../../scripts/kafka/broker.mjs');

export type { BrokerInfo };

export interface KafkaBroker {
  /** PLAINTEXT bootstrap address, "127.0.0.1:PORT". */
  bootstrap: string;
  /** SSL listener. ca, cert, key and encryptedKey are PEM file paths; keyPassword decrypts encryptedKey. */
  ssl: { bootstrap: string; ca: string; cert: string; key: string; encryptedKey: string; keyPassword: string };
  /** SASL_PLAINTEXT listener with one PLAIN and one SCRAM-SHA-256 user. */
  sasl: {
    bootstrap: string;
    plain: { username: string; password: string };
    scram: { username: string; password: string };
  };
  /** The whole broker.json (pid, log file, controller address...). */
  info: BrokerInfo;
  /** True when the broker came from ROUTINE_LOAD_KAFKA: stop() then leaves it running. */
  external: boolean;
  /** Releases this caller's use; the broker stops when the last caller in the process has stopped. */
  stop(): Promise<void>;
}

/** Ways to reach the broker, each a ready kafkajs configuration (see kafkaConfig). */
export type Listener = 'plaintext' | 'ssl' | 'ssl-encrypted-key' | 'ssl-no-client-cert' | 'sasl-plain' | 'sasl-scram';

/** The broker this process uses, and how many callers of startKafka() still hold it. */
interface Held {
  info: BrokerInfo;
  external: boolean;
  users: number;
  stopping?: Promise<void>;
  stopBroker(): Promise<void>;
}

let current: Held | null = null;
let starting: Promise<Held> | null = null;

async function acquire(): Promise<Held> {
  const { start, status, stop, tieToThisProcess } = await broker();
  const external = process.env.ROUTINE_LOAD_KAFKA;
  if (external) {
    const info = status(dirname(external));
    if (!info) {
      throw new Error(
        `ROUTINE_LOAD_KAFKA points at ${external}, but no broker runs there. ` +
          'Start one with "npm run kafka -- start" (and point ROUTINE_LOAD_KAFKA at its broker.json), or unset ROUTINE_LOAD_KAFKA.',
      );
    }
    return { info, external: true, users: 0, stopBroker: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'routine-load-kafka-test-'));
  // Tied from the moment Java is spawned: a test process killed during start-up leaves no broker behind.
  const ties: { release(): void }[] = [];
  let info: BrokerInfo;
  try {
    info = await start({ dir, onSpawn: (pid) => ties.push(tieToThisProcess(pid, dir)) });
  } catch (e) {
    for (const t of ties) t.release();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const tie = ties[ties.length - 1];
  return {
    info,
    external: false,
    users: 0,
    // The data is thrown away, so skip the clean shutdown.
    stopBroker: async () => {
      await stop({ dir, force: true });
      tie.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A running broker: the one of ROUTINE_LOAD_KAFKA if set, else one started for this process (about 5 s) and
 * shared by every later call until all callers stopped it. Call once in `before` and `stop()` in `after`.
 */
export async function startKafka(): Promise<KafkaBroker> {
  if (current?.stopping) await current.stopping;
  if (!current) {
    starting ??= acquire();
    try {
      current = await starting;
    } finally {
      starting = null;
    }
  }
  const held = current;
  held.users++;
  let stopped = false;
  const { info } = held;
  return {
    bootstrap: info.bootstrap,
    ssl: { ...info.ssl },
    sasl: {
      bootstrap: info.sasl.bootstrap,
      plain: { username: info.sasl.plain.username, password: info.sasl.plain.password },
      scram: { username: info.sasl.scram.username, password: info.sasl.scram.password },
    },
    info,
    external: held.external,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (--held.users > 0) return;
      held.stopping = held.stopBroker().finally(() => {
        if (current === held) current = null;
      });
      await held.stopping;
    },
  };
}

/** A kafkajs configuration for one of the broker's listeners; quiet logs and few retries, so failures show fast. */
export function kafkaConfig(broker: KafkaBroker, listener: Listener = 'plaintext', clientId = 'routine-load-test'): KafkaConfig {
  const base: KafkaConfig = { clientId, brokers: [broker.bootstrap], logLevel: logLevel.ERROR, retry: { retries: 3 } };
  const pem = (path: string) => readFileSync(path, 'utf8');
  switch (listener) {
    case 'plaintext':
      return base;
    case 'ssl':
      return { ...base, brokers: [broker.ssl.bootstrap], ssl: { ca: [pem(broker.ssl.ca)], cert: pem(broker.ssl.cert), key: pem(broker.ssl.key) } };
    case 'ssl-encrypted-key':
      return {
        ...base,
        brokers: [broker.ssl.bootstrap],
        ssl: { ca: [pem(broker.ssl.ca)], cert: pem(broker.ssl.cert), key: pem(broker.ssl.encryptedKey), passphrase: broker.ssl.keyPassword },
      };
    case 'ssl-no-client-cert':
      return { ...base, brokers: [broker.ssl.bootstrap], ssl: { ca: [pem(broker.ssl.ca)] } };
    case 'sasl-plain':
      return { ...base, brokers: [broker.sasl.bootstrap], sasl: { mechanism: 'plain', ...broker.sasl.plain } };
    case 'sasl-scram':
      return { ...base, brokers: [broker.sasl.bootstrap], sasl: { mechanism: 'scram-sha-256', ...broker.sasl.scram } };
  }
}

/**
 * Creates a topic and waits until every partition has a leader. Throws if it already exists: tests use uniqueTopic().
 * `bootstrap` is a PLAINTEXT address or a full kafkajs configuration (for the SSL/SASL listeners).
 */
export async function createTopic(bootstrap: string | KafkaConfig, name: string, partitions = 1): Promise<void> {
  const config: KafkaConfig = typeof bootstrap === 'string'
    ? { clientId: 'routine-load-test-admin', brokers: [bootstrap], logLevel: logLevel.ERROR }
    : bootstrap;
  const admin = new Kafka(config).admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    if (!created) throw new Error(`Topic "${name}" already exists on ${config.brokers}: give each test its own name with uniqueTopic().`);
  } finally {
    await admin.disconnect();
  }
}

/** A topic name no other test (or earlier run against a shared broker) uses: prefix, time, random suffix. */
export function uniqueTopic(prefix = 'test'): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 100);
  return `${safe}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
