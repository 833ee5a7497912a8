// Turns a job's `property.*` settings (librdkafka names, as StarRocks passes them to its BE) into kafkajs options.
// StarRocks' BE silently ignores unknown keys; we ignore them too but say so, so the engine can warn.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { SourceError } from '../ports';

export interface KafkaClientOptions {
  /** Ready for kafkajs' Cluster/Kafka: brokers, clientId, ssl, sasl and timeouts. */
  client: {
    brokers: string[];
    clientId?: string;
    ssl?: ConnectionOptions | boolean;
    sasl?: SASLOptions;
    connectionTimeout: number;
    authenticationTimeout: number;
    requestTimeout: number;
    metadataMaxAge: number;
  };
  /** From `group.id`, when set. */
  groupId?: string;
  /** From `session.timeout.ms`, when set (the source joins no group, so it is only informative). */
  sessionTimeoutMs?: number;
  /** librdkafka's default is read_committed, like kafkajs'. */
  isolationLevel: 'read_committed' | 'read_uncommitted';
  fetch: { maxBytes: number; maxBytesPerPartition: number; maxWaitMs: number };
  /** Settings that have no effect here, with the reason; the values are never included (they may be secrets). */
  ignored: Array<{ key: string; reason: string }>;
}

export interface KafkaClientOptionsHooks {
  /** Reads a PEM file named by ssl.*.location; defaults to fs.readFileSync. */
  readFile?: (path: string) => string;
}

const SUPPORTED_PROTOCOLS = 'plaintext, ssl, sasl_plaintext or sasl_ssl';
const SUPPORTED_MECHANISMS = 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512';

// librdkafka consumer settings that are valid but mean nothing for the embedded engine (it keeps offsets itself,
// joins no group and fetches on its own schedule). Kept apart from typos so the warning can say which is which.
const NO_EFFECT = new Set([
  'auto.offset.reset', 'enable.auto.commit', 'enable.auto.offset.store', 'auto.commit.interval.ms', 'enable.partition.eof',
  'heartbeat.interval.ms', 'max.poll.interval.ms', 'partition.assignment.strategy', 'group.instance.id', 'group.protocol',
  'statistics.interval.ms', 'api.version.request', 'api.version.request.timeout.ms', 'broker.version.fallback',
  'api.version.fallback.ms', 'queued.min.messages', 'queued.max.messages.kbytes', 'fetch.min.bytes', 'fetch.error.backoff.ms',
  'receive.message.max.bytes', 'socket.keepalive.enable', 'socket.nagle.disable', 'socket.send.buffer.bytes',
  'socket.receive.buffer.bytes', 'reconnect.backoff.ms', 'reconnect.backoff.max.ms', 'retry.backoff.ms', 'log_level',
  'debug', 'check.crcs', 'allow.auto.create.topics', 'topic.metadata.refresh.interval.ms', 'client.rack',
  'ssl.cipher.suites', 'ssl.curves.list', 'ssl.sigalgs.list', 'ssl.keystore.location', 'ssl.keystore.password',
  'ssl.crl.location', 'ssl.engine.location', 'ssl.providers',
  'sasl.kerberos.service.name', 'sasl.kerberos.principal', 'sasl.kerberos.keytab', 'sasl.kerberos.kinit.cmd',
  'sasl.kerberos.min.time.before.relogin',
]);

// Java-client keys librdkafka rejects as "not supported" and StarRocks' BE ignores.
const JAVA_ONLY = new Set(['sasl.jaas.config', 'ssl.truststore.location', 'ssl.truststore.password', 'ssl.truststore.type', 'ssl.keystore.type', 'key.deserializer', 'value.deserializer', 'bootstrap.servers']);

/**
 * Maps librdkafka-style `property.*` settings (without the prefix) to kafkajs options.
 * Throws SourceError('configuration') for values the embedded engine cannot honour, with what to change.
 */
export function kafkaClientOptions(
  brokers: string[],
  clientProperties: Record<string, string>,
  hooks: KafkaClientOptionsHooks = {},
): KafkaClientOptions {
  const readFile = hooks.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const props = new Map<string, string>();
  for (const [rawKey, value] of Object.entries(clientProperties)) props.set(rawKey.trim().toLowerCase(), String(value).trim());
  const used = new Set<string>();
  const get = (key: string): string | undefined => {
    const v = props.get(key);
    if (v !== undefined) used.add(key);
    return v;
  };
  const ignored: Array<{ key: string; reason: string }> = [];

  const protocol = (get('security.protocol') ?? 'plaintext').toLowerCase();
  if (!['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'].includes(protocol)) {
    throw new SourceError('configuration', `property.security.protocol "${protocol}" is not supported: use ${SUPPORTED_PROTOCOLS}.`);
  }
  const useTls = protocol === 'ssl' || protocol === 'sasl_ssl';
  const useSasl = protocol === 'sasl_plaintext' || protocol === 'sasl_ssl';

  const options: KafkaClientOptions = {
    client: {
      brokers: brokers.map((b) => b.trim()).filter((b) => b.length > 0),
      connectionTimeout: 3000,
      authenticationTimeout: 10000,
      requestTimeout: 30000,
      metadataMaxAge: 300000,
    },
    isolationLevel: 'read_committed',
    fetch: { maxBytes: 50 * 1024 * 1024, maxBytesPerPartition: 1024 * 1024, maxWaitMs: 500 },
    ignored,
  };

  const clientId = get('client.id');
  if (clientId) options.client.clientId = clientId;
  const groupId = get('group.id');
  if (groupId) options.groupId = groupId;

  const ms = (key: string, min: number, max: number): number | undefined => {
    const raw = get(key);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new SourceError('configuration', `property.${key} must be a whole number between ${min} and ${max}, not "${raw}".`);
    }
    return n;
  };
  const session = ms('session.timeout.ms', 1, 3600000);
  if (session !== undefined) options.sessionTimeoutMs = session;
  const request = ms('socket.timeout.ms', 10, 300000) ?? ms('request.timeout.ms', 10, 900000);
  if (request !== undefined) options.client.requestTimeout = request;
  if (props.has('socket.timeout.ms')) used.add('request.timeout.ms');
  const connect = ms('socket.connection.setup.timeout.ms', 100, 2147483647);
  if (connect !== undefined) options.client.connectionTimeout = connect;
  const metadataAge = ms('metadata.max.age.ms', 1, 86400000);
  if (metadataAge !== undefined) options.client.metadataMaxAge = metadataAge;
  const fetchMax = ms('fetch.max.bytes', 1, 2147483135);
  if (fetchMax !== undefined) options.fetch.maxBytes = fetchMax;
  const partitionMax = ms('max.partition.fetch.bytes', 1, 1000000000) ?? ms('fetch.message.max.bytes', 1, 1000000000);
  if (partitionMax !== undefined) options.fetch.maxBytesPerPartition = partitionMax;
  const wait = ms('fetch.wait.max.ms', 0, 300000);
  if (wait !== undefined) options.fetch.maxWaitMs = wait;

  const isolation = get('isolation.level');
  if (isolation !== undefined) {
    if (isolation !== 'read_committed' && isolation !== 'read_uncommitted') {
      throw new SourceError('configuration', `property.isolation.level must be read_committed or read_uncommitted, not "${isolation}".`);
    }
    options.isolationLevel = isolation;
  }

  // ---- TLS
  const sslKeys = [...props.keys()].filter((k) => k.startsWith('ssl.') || k === 'enable.ssl.certificate.verification');
  if (useTls) {
    const tls: ConnectionOptions = {};
    const pem = (locationKey: string, pemKey: string): string | undefined => {
      const inline = get(pemKey);
      if (inline) return inline;
      const location = get(locationKey);
      if (!location) return undefined;
      if (/^file:/i.test(location)) {
        throw new SourceError(
          'configuration',
          `property.${locationKey} is "${location}", a file created with CREATE FILE inside StarRocks. ` +
            'The embedded engine cannot read StarRocks\' catalog: set it to a local file path of the PEM file.',
        );
      }
      if (location === 'probe') return undefined; // librdkafka: use the system's CA store, which is Node's default too
      try {
        return readFile(location);
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
        throw new SourceError('configuration', `property.${locationKey}: cannot read "${location}" (${why}). Give the path of a PEM file.`);
      }
    };
    const ca = pem('ssl.ca.location', 'ssl.ca.pem');
    if (ca) tls.ca = [ca];
    const cert = pem('ssl.certificate.location', 'ssl.certificate.pem');
    if (cert) tls.cert = cert;
    const key = pem('ssl.key.location', 'ssl.key.pem');
    if (key) tls.key = key;
    const passphrase = get('ssl.key.password');
    if (passphrase) tls.passphrase = passphrase;
    if ((cert && !key) || (key && !cert)) {
      throw new SourceError('configuration', 'property.ssl.certificate.location and property.ssl.key.location go together: set both for a client certificate, or neither.');
    }
    const verify = get('enable.ssl.certificate.verification');
    if (verify !== undefined) {
      if (!['true', 'false'].includes(verify.toLowerCase())) {
        throw new SourceError('configuration', `property.enable.ssl.certificate.verification must be true or false, not "${verify}".`);
      }
      if (verify.toLowerCase() === 'false') tls.rejectUnauthorized = false;
    }
    const identification = get('ssl.endpoint.identification.algorithm');
    if (identification !== undefined) {
      const v = identification.toLowerCase();
      if (v === 'none' || v === '') tls.checkServerIdentity = () => undefined;
      else if (v !== 'https') {
        throw new SourceError('configuration', `property.ssl.endpoint.identification.algorithm must be https or none, not "${identification}".`);
      }
    }
    options.client.ssl = Object.keys(tls).length > 0 ? tls : true;
  } else {
    for (const k of sslKeys) {
      used.add(k);
      ignored.push({ key: k, reason: `has no effect with security.protocol=${protocol} (use ssl or sasl_ssl for TLS)` });
    }
  }

  // ---- SASL
  const saslKeys = [...props.keys()].filter((k) => k.startsWith('sasl.') && !JAVA_ONLY.has(k) && !k.startsWith('sasl.kerberos.'));
  if (useSasl) {
    const raw = get('sasl.mechanism') ?? get('sasl.mechanisms') ?? 'GSSAPI'; // librdkafka's default mechanism is GSSAPI
    const mechanism = raw.toUpperCase();
    if (mechanism === 'GSSAPI') {
      throw new SourceError(
        'configuration',
        `SASL mechanism GSSAPI (Kerberos${props.has('sasl.mechanism') || props.has('sasl.mechanisms') ? '' : ', librdkafka\'s default when property.sasl.mechanism is not set'}) ` +
          `is not supported by the embedded engine: set property.sasl.mechanism to ${SUPPORTED_MECHANISMS}.`,
      );
    }
    if (mechanism === 'OAUTHBEARER') {
      throw new SourceError('configuration', `SASL mechanism OAUTHBEARER is not supported by the embedded engine (it has no token provider): use ${SUPPORTED_MECHANISMS}.`);
    }
    if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) {
      throw new SourceError('configuration', `property.sasl.mechanism "${raw}" is not supported: use ${SUPPORTED_MECHANISMS}.`);
    }
    const username = get('sasl.username');
    const password = get('sasl.password');
    if (!username || password === undefined) {
      throw new SourceError('configuration', `security.protocol=${protocol} with ${mechanism} needs property.sasl.username and property.sasl.password.`);
    }
    const lower = mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
    options.client.sasl = { mechanism: lower, username, password } as SASLOptions;
  } else {
    for (const k of saslKeys) {
      used.add(k);
      ignored.push({ key: k, reason: `has no effect with security.protocol=${protocol} (use sasl_plaintext or sasl_ssl for SASL)` });
    }
  }

  for (const key of props.keys()) {
    if (used.has(key)) continue;
    if (key === 'kafka_default_offsets') continue; // StarRocks' own pseudo-property, resolved by the engine
    if (JAVA_ONLY.has(key)) ignored.push({ key, reason: 'is a Java client setting; StarRocks (librdkafka) ignores it too' });
    else if (NO_EFFECT.has(key)) ignored.push({ key, reason: 'has no effect in the embedded engine' });
    else ignored.push({ key, reason: 'is not a Kafka client setting the engine knows; StarRocks ignores unknown keys too (a typo?)' });
  }
  return options;
}
