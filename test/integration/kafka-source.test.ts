// The Kafka source against a real broker: exact ranges, re-reads, limits, out-of-range, time lookups, transactions,
// security settings and error kinds. kafkajs is never mocked here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, type Producer } from 'kafkajs';
import { createKafkaSource, kafkaClientOptions, type KafkajsSource } from '../../engine/src/kafka';
import { SourceError, type KafkaSourceConfig, type Offset, type PartitionBatch } from '../../engine/src/ports';
import { createTopic, kafkaConfig, startKafka, uniqueTopic, type KafkaBroker } from '../helpers/kafka';

// Silence kafkajs' partitioner warning from the producers in this file.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const PARTITIONS = 5;
const PER_PARTITION = 100;
const value = (p: number, i: number) => `p${p}-m${i}`;

function sourceConfig(broker: KafkaBroker, topic: string, props: Record<string, string> = {}, brokers = [broker.bootstrap]): KafkaSourceConfig {
  return { brokers, topic, clientProperties: props, groupId: `rl-test-${topic}`, clientId: 'rl-test' };
}

const texts = (b: PartitionBatch) => b.values.map((v) => v.toString());
const offsets = (entries: Array<[number, number]>) => new Map<number, Offset>(entries.map(([p, o]) => [p, BigInt(o)]));

async function rejectsWith(promise: Promise<unknown>, kind: string, pattern?: RegExp): Promise<SourceError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof SourceError, `expected a SourceError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected a SourceError(${kind})`);
}

describe('Kafka source (real broker)', () => {
  let broker: KafkaBroker;
  let producer: Producer;
  let topic: string;
  let source: KafkajsSource;
  const sources: KafkajsSource[] = [];
  const open = (config: KafkaSourceConfig) => {
    const s = createKafkaSource(config);
    sources.push(s);
    return s;
  };

  before(async () => {
    broker = await startKafka();
    topic = uniqueTopic('source');
    await createTopic(broker.bootstrap, topic, PARTITIONS);
    producer = new Kafka(kafkaConfig(broker)).producer();
    await producer.connect();
    for (let p = 0; p < PARTITIONS; p++) {
      // Several sends per partition, so ranges cross record batches.
      for (let chunk = 0; chunk < PER_PARTITION; chunk += 25) {
        await producer.send({ topic, messages: Array.from({ length: 25 }, (_, k) => ({ partition: p, value: value(p, chunk + k) })) });
      }
    }
    source = open(sourceConfig(broker, topic));
  });

  after(async () => {
    for (const s of sources) await s.close();
    await producer?.disconnect();
    await broker?.stop();
  });

  it('lists partitions and watermarks', async () => {
    assert.deepEqual(await source.partitions(), [0, 1, 2, 3, 4]);
    const wm = await source.watermarks([0, 1, 2, 3, 4]);
    for (let p = 0; p < PARTITIONS; p++) assert.deepEqual(wm.get(p), { low: 0n, high: BigInt(PER_PARTITION) });
  });

  it('reads exact [from, until) ranges across 5 partitions, trimming what lies past the end', async () => {
    const start = offsets([0, 1, 2, 3, 4].map((p) => [p, 10 * p]));
    const untilOffsets = offsets([0, 1, 2, 3, 4].map((p) => [p, 30 + 13 * p]));
    const batches = await source.read(start, { deadlineMs: Date.now() + 10000, maxBytes: 1 << 30, untilOffsets });
    assert.deepEqual(batches.map((b) => b.partition), [0, 1, 2, 3, 4]);
    for (const b of batches) {
      const from = 10 * b.partition;
      const until = 30 + 13 * b.partition;
      assert.equal(b.from, BigInt(from));
      assert.equal(b.lastOffset, BigInt(until - 1));
      assert.deepEqual(texts(b), Array.from({ length: until - from }, (_, k) => value(b.partition, from + k)));
      assert.ok(b.lastTimestampMs && b.lastTimestampMs > Date.now() - 600000);
    }
  });

  it('gives the same bytes when the same range is read again, also from a fresh source', async () => {
    const start = offsets([[1, 7], [3, 42]]);
    const untilOffsets = offsets([[1, 64], [3, 99]]);
    const limits = () => ({ deadlineMs: Date.now() + 10000, maxBytes: 1 << 30, untilOffsets });
    const a = await source.read(start, limits());
    const b = await source.read(start, limits());
    const other = open(sourceConfig(broker, topic));
    const c = await other.read(start, limits());
    const bytes = (x: PartitionBatch[]) => x.map((p) => Buffer.concat(p.values).toString('hex'));
    assert.deepEqual(bytes(a), bytes(b));
    assert.deepEqual(bytes(a), bytes(c));
    assert.equal(a[0].values.length, 57);
  });

  it('reads the same bytes in many small pipelined fetches as in one big one', async () => {
    // One record batch per fetch: every round is a speculative fetch from where the previous batch ended.
    const tiny = open(sourceConfig(broker, topic, { 'max.partition.fetch.bytes': '64' }));
    const start = offsets([0, 1, 2, 3, 4].map((p) => [p, 3 + p]));
    const untilOffsets = offsets([0, 1, 2, 3, 4].map((p) => [p, 97 - p]));
    const limits = () => ({ deadlineMs: Date.now() + 20000, maxBytes: 1 << 30, untilOffsets });
    const small = await tiny.read(start, limits());
    const big = await source.read(start, limits());
    assert.deepEqual(small.map(texts), big.map(texts));
    for (const b of small) {
      assert.equal(b.lastOffset, BigInt(96 - b.partition));
      assert.equal(b.values.length, 94 - 2 * b.partition);
    }
  });

  it('stops at the end of each partition when no until offsets are given', async () => {
    const t0 = Date.now();
    const batches = await source.read(offsets([[0, 95], [2, 100]]), { deadlineMs: Date.now() + 10000, maxBytes: 1 << 30 });
    assert.ok(Date.now() - t0 < 3000, 'EOF should end the read, not the deadline');
    assert.deepEqual(texts(batches[0]), [95, 96, 97, 98, 99].map((i) => value(0, i)));
    assert.equal(batches[1].lastOffset, 99n);
    assert.equal(batches[1].values.length, 0);
  });

  it('respects the deadline when the range end lies in the future', async () => {
    const t0 = Date.now();
    const batches = await source.read(offsets([[4, 98]]), { deadlineMs: t0 + 1200, maxBytes: 1 << 30, untilOffsets: offsets([[4, 500]]) });
    const took = Date.now() - t0;
    assert.ok(took >= 1100 && took < 2500, `took ${took} ms`);
    assert.equal(batches[0].lastOffset, 99n);
    assert.deepEqual(texts(batches[0]), [value(4, 98), value(4, 99)]);
  });

  it('stops at the byte limit with contiguous ranges', async () => {
    const batches = await source.read(offsets([[0, 0], [1, 0]]), { deadlineMs: Date.now() + 10000, maxBytes: 60, untilOffsets: offsets([[0, 100], [1, 100]]) });
    const total = batches.reduce((n, b) => n + b.values.reduce((m, v) => m + v.length, 0), 0);
    assert.ok(total <= 60 && total > 40, `read ${total} bytes`);
    for (const b of batches) {
      assert.equal(b.lastOffset, b.from + BigInt(b.values.length) - 1n);
      assert.deepEqual(texts(b), b.values.map((_, k) => value(b.partition, k)));
    }
  });

  it('ends early on abort, returning what it read', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const t0 = Date.now();
    const batches = await source.read(offsets([[2, 99]]), { deadlineMs: t0 + 10000, maxBytes: 1 << 30, untilOffsets: offsets([[2, 1000]]), signal: controller.signal });
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(batches[0].lastOffset, 99n);
  });

  it('returns nothing for an empty range', async () => {
    const [b] = await source.read(offsets([[3, 50]]), { deadlineMs: Date.now() + 5000, maxBytes: 1000, untilOffsets: offsets([[3, 50]]) });
    assert.equal(b.lastOffset, 49n);
    assert.deepEqual(b.values, []);
  });

  it('refuses a start offset past the end (auto.offset.reset=error)', async () => {
    const e = await rejectsWith(
      source.read(offsets([[2, 150]]), { deadlineMs: Date.now() + 5000, maxBytes: 1000 }),
      'offsetOutOfRange',
      /offset 150 of partition 2 .* latest offset is 100/i,
    );
    assert.equal(e.partition, 2);
  });

  it('refuses a start offset deleted by retention and says what to do', async () => {
    const t = uniqueTopic('retention');
    await createTopic(broker.bootstrap, t, 1);
    await producer.send({ topic: t, messages: Array.from({ length: 30 }, (_, i) => ({ value: `v${i}` })) });
    const admin = new Kafka(kafkaConfig(broker)).admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [t] }); // kafkajs' deleteTopicRecords needs the topic's metadata loaded
    await admin.deleteTopicRecords({ topic: t, partitions: [{ partition: 0, offset: '20' }] });
    await admin.disconnect();
    const s = open(sourceConfig(broker, t));
    assert.deepEqual((await s.watermarks([0])).get(0), { low: 20n, high: 30n });
    const e = await rejectsWith(
      s.read(offsets([[0, 5]]), { deadlineMs: Date.now() + 5000, maxBytes: 1000 }),
      'offsetOutOfRange',
      /no data in partition 0 .* at offset 5: the earliest offset is 20.*ALTER ROUTINE LOAD.*RESUME/,
    );
    assert.equal(e.partition, 0);
    const [ok] = await s.read(offsets([[0, 20]]), { deadlineMs: Date.now() + 5000, maxBytes: 1 << 20 });
    assert.equal(ok.values.length, 10);
  });

  it('finds offsets by timestamp, and the high watermark when none is newer', async () => {
    const t = uniqueTopic('time');
    await createTopic(broker.bootstrap, t, 2);
    const base = Date.now() - 3600000;
    await producer.send({ topic: t, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `t${i}`, timestamp: String(base + i * 1000) })) });
    await producer.send({ topic: t, messages: [{ partition: 1, value: 'x', timestamp: String(base) }] });
    const s = open(sourceConfig(broker, t));
    const found = await s.offsetsForTimestamp([0, 1], base + 4500);
    assert.equal(found.get(0), 5n);
    assert.equal(found.get(1), 1n);
    assert.equal((await s.offsetsForTimestamp([0], base - 10)).get(0), 0n);
  });

  it('skips transaction markers and aborted records, and still reaches the range end', async () => {
    const t = uniqueTopic('txn');
    await createTopic(broker.bootstrap, t, 1);
    const tx = new Kafka(kafkaConfig(broker)).producer({ transactionalId: `rl-${t}`, maxInFlightRequests: 1, idempotent: true });
    await tx.connect();
    const committed = await tx.transaction();
    await committed.send({ topic: t, messages: [{ value: 'a' }, { value: 'b' }] });
    await committed.commit();
    const aborted = await tx.transaction();
    await aborted.send({ topic: t, messages: [{ value: 'x' }, { value: 'y' }] });
    await aborted.abort();
    const last = await tx.transaction();
    await last.send({ topic: t, messages: [{ value: 'c' }] });
    await last.commit();
    await tx.disconnect();
    const s = open(sourceConfig(broker, t));
    const high = (await s.watermarks([0])).get(0)?.high as bigint;
    assert.equal(high, 8n); // a b marker x y marker c marker
    const [b] = await s.read(offsets([[0, 0]]), { deadlineMs: Date.now() + 5000, maxBytes: 1 << 20, untilOffsets: new Map([[0, high]]) });
    assert.deepEqual(texts(b), ['a', 'b', 'c']);
    assert.equal(b.lastOffset, high - 1n);
    const [tail] = await s.read(offsets([[0, 7]]), { deadlineMs: Date.now() + 5000, maxBytes: 1 << 20, untilOffsets: new Map([[0, high]]) });
    assert.deepEqual(tail.values, []);
    assert.equal(tail.lastOffset, 7n, 'a range holding only a marker still advances');
  });

  it('skips null values but advances past them', async () => {
    const t = uniqueTopic('nulls');
    await createTopic(broker.bootstrap, t, 1);
    await producer.send({ topic: t, messages: [{ value: 'a' }, { value: null }, { value: 'c' }] });
    const s = open(sourceConfig(broker, t));
    const [b] = await s.read(offsets([[0, 0]]), { deadlineMs: Date.now() + 5000, maxBytes: 1 << 20, untilOffsets: offsets([[0, 3]]) });
    assert.deepEqual(texts(b), ['a', 'c']);
    assert.equal(b.lastOffset, 2n);
  });

  it('commits group offsets for monitoring', async () => {
    const s = open(sourceConfig(broker, topic));
    await s.commit(offsets([[0, 42], [1, 7]]));
    const admin = new Kafka(kafkaConfig(broker)).admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: s.groupId, topics: [topic] });
    await admin.disconnect();
    const byPartition = new Map(committed.partitions.map((p) => [p.partition, p.offset]));
    assert.equal(byPartition.get(0), '42');
    assert.equal(byPartition.get(1), '7');
  });

  it('commit never throws, even when the broker is gone', async () => {
    const s = open(sourceConfig(broker, topic, {}, ['127.0.0.1:1']));
    await s.commit(offsets([[0, 1]]));
  });

  it('reports an unknown topic, and an unknown partition', async () => {
    const missing = uniqueTopic('missing');
    const s = open(sourceConfig(broker, missing));
    await rejectsWith(s.partitions(), 'unknownTopic', new RegExp(`Topic "${missing}" does not exist on Kafka brokers ${broker.bootstrap}`));
    await rejectsWith(s.read(offsets([[0, 0]]), { deadlineMs: Date.now() + 3000, maxBytes: 100 }), 'unknownTopic');
    const e = await rejectsWith(source.read(offsets([[7, 0]]), { deadlineMs: Date.now() + 3000, maxBytes: 100 }), 'unknownTopic', /Partition 7 does not exist in topic .* 5 partitions/);
    assert.equal(e.partition, 7);
  });

  it('fails within seconds when no broker listens', async () => {
    const t0 = Date.now();
    const s = open(sourceConfig(broker, topic, {}, ['127.0.0.1:1']));
    await rejectsWith(s.partitions(), 'unreachable', /Cannot reach Kafka brokers 127\.0\.0\.1:1/);
    assert.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0} ms`);
  });

  it('connects over SSL with ssl.* file locations, and with an encrypted key', async () => {
    const props = { 'security.protocol': 'SSL', 'ssl.ca.location': broker.ssl.ca, 'ssl.certificate.location': broker.ssl.cert, 'ssl.key.location': broker.ssl.key };
    const s = open(sourceConfig(broker, topic, props, [broker.ssl.bootstrap]));
    assert.deepEqual(await s.partitions(), [0, 1, 2, 3, 4]);
    const [b] = await s.read(offsets([[0, 0]]), { deadlineMs: Date.now() + 5000, maxBytes: 1 << 20, untilOffsets: offsets([[0, 3]]) });
    assert.deepEqual(texts(b), [value(0, 0), value(0, 1), value(0, 2)]);
    const enc = open(sourceConfig(broker, topic, { ...props, 'ssl.key.location': broker.ssl.encryptedKey, 'ssl.key.password': broker.ssl.keyPassword }, [broker.ssl.bootstrap]));
    assert.deepEqual(await enc.partitions(), [0, 1, 2, 3, 4]);
  });

  it('reports an untrusted broker certificate as an ssl error', async () => {
    const s = open(sourceConfig(broker, topic, { 'security.protocol': 'ssl' }, [broker.ssl.bootstrap]));
    await rejectsWith(s.partitions(), 'ssl', /TLS connection to Kafka broker .*ssl\.ca\.location/);
  });

  it('logs in with SASL/SCRAM-SHA-256 and SASL/PLAIN, and reports a wrong password', async () => {
    const scram = { 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.username': broker.sasl.scram.username, 'sasl.password': broker.sasl.scram.password };
    assert.deepEqual(await open(sourceConfig(broker, topic, scram, [broker.sasl.bootstrap])).partitions(), [0, 1, 2, 3, 4]);
    const plain = { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'PLAIN', 'sasl.username': broker.sasl.plain.username, 'sasl.password': broker.sasl.plain.password };
    const s = open(sourceConfig(broker, topic, plain, [broker.sasl.bootstrap]));
    const [b] = await s.read(offsets([[1, 98]]), { deadlineMs: Date.now() + 5000, maxBytes: 1 << 20 });
    assert.deepEqual(texts(b), [value(1, 98), value(1, 99)]);
    const wrong = open(sourceConfig(broker, topic, { ...scram, 'sasl.password': 'not-the-password' }, [broker.sasl.bootstrap]));
    const e = await rejectsWith(wrong.partitions(), 'authentication', /refused the SASL login.*sasl\.password/);
    assert.ok(!e.message.includes('not-the-password'), 'the password never appears in messages');
  });

  it('reports a configuration error from every call', async () => {
    const s = open(sourceConfig(broker, topic, { 'security.protocol': 'sasl_ssl', 'sasl.mechanism': 'GSSAPI' }));
    await rejectsWith(s.partitions(), 'configuration', /GSSAPI .* not supported .* PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512/);
    await rejectsWith(s.read(offsets([[0, 0]]), { deadlineMs: Date.now() + 1000, maxBytes: 10 }), 'configuration');
    await s.commit(offsets([[0, 1]]));
  });
});

describe('kafkaClientOptions (librdkafka property.* to kafkajs)', () => {
  const files: Record<string, string> = { '/pki/ca.pem': 'CA-PEM', '/pki/c.pem': 'CERT-PEM', '/pki/k.pem': 'KEY-PEM' };
  const readFile = (path: string) => {
    const v = files[path];
    if (v === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return v;
  };
  const map = (props: Record<string, string>) => kafkaClientOptions(['b1:9092', ' b2:9093 '], props, { readFile });
  const configError = (props: Record<string, string>, pattern: RegExp) =>
    assert.throws(() => map(props), (e: unknown) => e instanceof SourceError && e.kind === 'configuration' && pattern.test(e.message));

  it('defaults to plaintext, read_committed, no ssl and no sasl', () => {
    const o = map({});
    assert.deepEqual(o.client.brokers, ['b1:9092', 'b2:9093']);
    assert.equal(o.client.ssl, undefined);
    assert.equal(o.client.sasl, undefined);
    assert.equal(o.isolationLevel, 'read_committed');
    assert.deepEqual(o.ignored, []);
  });

  it('maps ssl with file locations, key password and verification switches', () => {
    const o = map({
      'security.protocol': 'SSL',
      'ssl.ca.location': '/pki/ca.pem',
      'ssl.certificate.location': '/pki/c.pem',
      'ssl.key.location': '/pki/k.pem',
      'ssl.key.password': 'pw',
      'ssl.endpoint.identification.algorithm': 'none',
      'enable.ssl.certificate.verification': 'false',
    });
    const tls = o.client.ssl as Record<string, unknown>;
    assert.deepEqual(tls.ca, ['CA-PEM']);
    assert.equal(tls.cert, 'CERT-PEM');
    assert.equal(tls.key, 'KEY-PEM');
    assert.equal(tls.passphrase, 'pw');
    assert.equal(tls.rejectUnauthorized, false);
    assert.equal(typeof tls.checkServerIdentity, 'function');
    assert.equal(map({ 'security.protocol': 'ssl' }).client.ssl, true);
  });

  it('refuses CREATE FILE references and unreadable files with what to fix', () => {
    configError({ 'security.protocol': 'ssl', 'ssl.ca.location': 'FILE:ca.pem' }, /CREATE FILE.*local file path/);
    configError({ 'security.protocol': 'ssl', 'ssl.ca.location': '/nope.pem' }, /ssl\.ca\.location: cannot read "\/nope\.pem" \(no such file\)/);
    configError({ 'security.protocol': 'ssl', 'ssl.certificate.location': '/pki/c.pem' }, /go together/);
  });

  it('maps SASL PLAIN and SCRAM over plaintext and TLS', () => {
    const plain = map({ 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'u', 'sasl.password': 'p' });
    assert.deepEqual(plain.client.sasl, { mechanism: 'plain', username: 'u', password: 'p' });
    assert.equal(plain.client.ssl, undefined);
    const scram = map({ 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'u', 'sasl.password': 'p', 'ssl.ca.location': '/pki/ca.pem' });
    assert.deepEqual(scram.client.sasl, { mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    assert.deepEqual((scram.client.ssl as Record<string, unknown>).ca, ['CA-PEM']);
    assert.equal(map({ 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'scram-sha-256', 'sasl.username': 'u', 'sasl.password': 'p' }).client.sasl?.mechanism, 'scram-sha-256');
  });

  it('refuses what the embedded engine cannot do, saying what is supported', () => {
    configError({ 'security.protocol': 'sasl_plaintext', 'sasl.username': 'u', 'sasl.password': 'p' }, /GSSAPI .*default.*PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512/);
    configError({ 'security.protocol': 'sasl_ssl', 'sasl.mechanism': 'OAUTHBEARER' }, /OAUTHBEARER is not supported/);
    configError({ 'security.protocol': 'sasl_ssl', 'sasl.mechanism': 'AWS' }, /"AWS" is not supported/);
    configError({ 'security.protocol': 'kerberos' }, /use plaintext, ssl, sasl_plaintext or sasl_ssl/);
    configError({ 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN' }, /needs property\.sasl\.username and property\.sasl\.password/);
    configError({ 'session.timeout.ms': 'soon' }, /session\.timeout\.ms must be a whole number/);
  });

  it('maps client.id, group.id, timeouts, fetch sizes and isolation', () => {
    const o = map({
      'client.id': 'cid', 'group.id': 'gid', 'session.timeout.ms': '45000', 'socket.timeout.ms': '20000',
      'socket.connection.setup.timeout.ms': '5000', 'fetch.max.bytes': '1000000', 'max.partition.fetch.bytes': '2000', 'isolation.level': 'read_uncommitted',
    });
    assert.equal(o.client.clientId, 'cid');
    assert.equal(o.groupId, 'gid');
    assert.equal(o.sessionTimeoutMs, 45000);
    assert.equal(o.client.requestTimeout, 20000);
    assert.equal(o.client.connectionTimeout, 5000);
    assert.deepEqual([o.fetch.maxBytes, o.fetch.maxBytesPerPartition], [1000000, 2000]);
    assert.equal(o.isolationLevel, 'read_uncommitted');
    assert.deepEqual(o.ignored, []);
  });

  it('ignores unknown and inapplicable keys like StarRocks, but lists them without their values', () => {
    const o = map({ 'security.protocal': 'ssl', 'sasl.jaas.config': 'secret-jaas', 'ssl.ca.location': '/pki/ca.pem', 'sasl.password': 'pw', 'auto.offset.reset': 'earliest', kafka_default_offsets: 'OFFSET_BEGINNING' });
    const byKey = new Map(o.ignored.map((i) => [i.key, i.reason]));
    assert.match(byKey.get('security.protocal') ?? '', /typo/);
    assert.match(byKey.get('sasl.jaas.config') ?? '', /Java/);
    assert.match(byKey.get('ssl.ca.location') ?? '', /no effect with security\.protocol=plaintext/);
    assert.match(byKey.get('sasl.password') ?? '', /no effect/);
    assert.match(byKey.get('auto.offset.reset') ?? '', /no effect in the embedded engine/);
    assert.equal(byKey.has('kafka_default_offsets'), false);
    assert.ok(!JSON.stringify(o.ignored).includes('secret-jaas') && !JSON.stringify(o.ignored).includes('"pw"'));
  });
});
