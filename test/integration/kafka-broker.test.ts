// The real broker of scripts/kafka.mjs, seen through kafkajs on each listener: every message produced comes back
// once, in order within its partition.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, Partitioners, logLevel, type KafkaConfig } from 'kafkajs';
import { createTopic, kafkaConfig, startKafka, uniqueTopic, type KafkaBroker } from '../helpers/kafka';

let kafka: KafkaBroker;

before(async () => {
  kafka = await startKafka();
});

after(async () => {
  await kafka?.stop();
});

interface Received {
  partition: number;
  offset: number;
  key: string;
  seq: number;
}

/** Produces `count` keyed messages to a new topic, consumes them back with a new group, and checks them. */
async function roundTrip(config: KafkaConfig, count: number, partitions: number): Promise<void> {
  const topic = uniqueTopic('round-trip');
  await createTopic(config, topic, partitions);
  const client = new Kafka(config);

  // Idempotent: a retried request (slow, shared machine) must not store a message twice.
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    // Sequential batches, each acknowledged by the broker before the next: the order within a partition is the send order.
    const batch = 1000;
    for (let start = 0; start < count; start += batch) {
      const messages = [];
      for (let seq = start; seq < Math.min(start + batch, count); seq++) {
        messages.push({ key: `key-${seq % 97}`, value: JSON.stringify({ seq }) });
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }

  // Keyed by partition and offset: a consumer may see a record again after a rebalance, the log holds it once.
  const byOffset = new Map<string, Received>();
  const consumer = client.consumer({ groupId: uniqueTopic('group') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      // A safety net only: the promise resolves as soon as the last message arrives.
      const timer = setTimeout(() => reject(new Error(`consumed ${byOffset.size} of ${count} messages of ${topic} within 60 s`)), 60_000);
      consumer.on(consumer.events.CRASH, (e) => {
        clearTimeout(timer);
        reject(e.payload.error);
      });
      consumer
        .run({
          eachBatch: async ({ batch: b }) => {
            for (const m of b.messages) {
              const value = JSON.parse(m.value?.toString() ?? 'null') as { seq: number };
              const r = { partition: b.partition, offset: Number(m.offset), key: m.key?.toString() ?? '', seq: value.seq };
              const id = `${r.partition}:${r.offset}`;
              const before = byOffset.get(id);
              if (before && before.seq !== r.seq) reject(new Error(`offset ${id} held message ${before.seq}, then ${r.seq}`));
              byOffset.set(id, r);
            }
            if (byOffset.size >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((e: unknown) => {
          clearTimeout(timer);
          reject(e);
        });
    });
  } finally {
    await consumer.disconnect();
  }

  const received = [...byOffset.values()].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  assert.equal(received.length, count, 'the topic holds every message exactly once');
  const seqs = new Set(received.map((r) => r.seq));
  assert.equal(seqs.size, count, 'no message comes back twice');
  for (let seq = 0; seq < count; seq++) assert.ok(seqs.has(seq), `message ${seq} came back`);

  const byPartition = new Map<number, Received[]>();
  for (const r of received) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
  assert.equal(byPartition.size, partitions, `the keys spread over all ${partitions} partitions`);
  const partitionOfKey = new Map<string, number>();
  for (const [partition, rs] of byPartition) {
    rs.forEach((r, i) => {
      assert.equal(r.offset, i, `partition ${partition}: offsets are contiguous from 0`);
      if (i > 0) assert.ok(r.seq > rs[i - 1].seq, `partition ${partition}: message ${r.seq} after ${rs[i - 1].seq} (send order kept)`);
      const seen = partitionOfKey.get(r.key);
      assert.ok(seen === undefined || seen === partition, `key ${r.key} stays in one partition`);
      partitionOfKey.set(r.key, partition);
    });
  }
}

/** Connects an admin client and reads the cluster's metadata; rejects as kafkajs does when it cannot. */
async function describeCluster(config: KafkaConfig): Promise<number> {
  // Silent: the refusals below are expected, and the assertion reports any other failure.
  const admin = new Kafka({ ...config, retry: { retries: 0 }, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  } finally {
    await admin.disconnect();
  }
}

describe('a real Kafka broker', () => {
  test('PLAINTEXT: 10,000 keyed messages over 5 partitions come back complete and in order', async () => {
    await roundTrip(kafkaConfig(kafka, 'plaintext'), 10_000, 5);
  });

  test('SSL with the CA and a client certificate: 10,000 messages round trip', async () => {
    await roundTrip(kafkaConfig(kafka, 'ssl'), 10_000, 5);
  });

  test('SASL/SCRAM-SHA-256: 10,000 messages round trip', async () => {
    await roundTrip(kafkaConfig(kafka, 'sasl-scram'), 10_000, 5);
  });

  test('SASL/PLAIN: messages round trip', async () => {
    await roundTrip(kafkaConfig(kafka, 'sasl-plain'), 500, 2);
  });

  test('SSL accepts a client without a certificate, and an encrypted client key with its password', async () => {
    assert.equal(await describeCluster(kafkaConfig(kafka, 'ssl-no-client-cert')), 1);
    assert.equal(await describeCluster(kafkaConfig(kafka, 'ssl-encrypted-key')), 1);
  });

  test('SSL refuses a client that does not trust the broker certificate', async () => {
    const config = kafkaConfig(kafka, 'ssl');
    await assert.rejects(describeCluster({ ...config, ssl: { rejectUnauthorized: true } }), (e: Error) => {
      assert.match(`${e.name}: ${e.message}`, /certificate|KafkaJSConnectionError|KafkaJSNonRetriableError/i);
      return true;
    });
  });

  test('SASL rejects a wrong password for SCRAM-SHA-256 and for PLAIN', async () => {
    for (const listener of ['sasl-scram', 'sasl-plain'] as const) {
      const config = kafkaConfig(kafka, listener);
      const sasl = listener === 'sasl-scram'
        ? { mechanism: 'scram-sha-256' as const, username: kafka.sasl.scram.username, password: 'wrong-password' }
        : { mechanism: 'plain' as const, username: kafka.sasl.plain.username, password: 'wrong-password' };
      await assert.rejects(describeCluster({ ...config, sasl }), (e: Error) => {
        assert.equal(e.name, 'KafkaJSSASLAuthenticationError', `${listener}: ${e.message}`);
        return true;
      });
    }
  });

  test('a second startKafka() in the same process shares the broker', async () => {
    const again = await startKafka();
    try {
      assert.equal(again.bootstrap, kafka.bootstrap);
      assert.equal(again.info.pid, kafka.info.pid);
    } finally {
      await again.stop();
    }
    // The first holder still has it.
    assert.equal(await describeCluster(kafkaConfig(kafka, 'plaintext')), 1);
  });
});
