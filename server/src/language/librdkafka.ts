// Consumer settings of librdkafka, the Kafka client StarRocks' backends use. `property.<key>`
// in FROM KAFKA is passed to it as is; it silently ignores keys it does not know, so a typo
// such as `security.protocal` would otherwise go unnoticed.
export const LIBRDKAFKA_CONSUMER_KEYS: readonly string[] = [
  'bootstrap.servers', 'metadata.broker.list', 'client.id', 'group.id', 'group.instance.id', 'client.rack',
  'security.protocol', 'sasl.mechanism', 'sasl.mechanisms', 'sasl.username', 'sasl.password',
  'sasl.kerberos.service.name', 'sasl.kerberos.principal', 'sasl.kerberos.keytab', 'sasl.kerberos.kinit.cmd', 'sasl.kerberos.min.time.before.relogin',
  'sasl.oauthbearer.config', 'sasl.oauthbearer.method', 'sasl.oauthbearer.client.id', 'sasl.oauthbearer.client.secret', 'sasl.oauthbearer.token.endpoint.url', 'sasl.oauthbearer.scope', 'sasl.oauthbearer.extensions',
  'enable.sasl.oauthbearer.unsecure.jwt',
  'ssl.ca.location', 'ssl.ca.pem', 'ssl.certificate.location', 'ssl.certificate.pem', 'ssl.key.location', 'ssl.key.password', 'ssl.key.pem',
  'ssl.keystore.location', 'ssl.keystore.password', 'ssl.cipher.suites', 'ssl.curves.list', 'ssl.sigalgs.list', 'ssl.crl.location', 'ssl.providers',
  'ssl.endpoint.identification.algorithm', 'enable.ssl.certificate.verification', 'ssl.engine.location', 'ssl.engine.id',
  'session.timeout.ms', 'heartbeat.interval.ms', 'max.poll.interval.ms', 'request.timeout.ms', 'socket.timeout.ms', 'socket.keepalive.enable',
  'socket.send.buffer.bytes', 'socket.receive.buffer.bytes', 'socket.connection.setup.timeout.ms', 'connections.max.idle.ms',
  'reconnect.backoff.ms', 'reconnect.backoff.max.ms', 'retry.backoff.ms', 'retry.backoff.max.ms',
  'fetch.max.bytes', 'fetch.min.bytes', 'fetch.wait.max.ms', 'fetch.error.backoff.ms', 'fetch.message.max.bytes', 'max.partition.fetch.bytes',
  'queued.min.messages', 'queued.max.messages.kbytes', 'message.max.bytes', 'receive.message.max.bytes',
  'isolation.level', 'check.crcs', 'partition.assignment.strategy', 'topic.metadata.refresh.interval.ms', 'metadata.max.age.ms',
  'api.version.request', 'api.version.request.timeout.ms', 'api.version.fallback.ms', 'broker.version.fallback',
  'allow.auto.create.topics', 'client.dns.lookup', 'broker.address.family', 'broker.address.ttl', 'debug', 'log_level', 'statistics.interval.ms',
  'auto.commit.interval.ms', 'enable.auto.commit', 'enable.auto.offset.store', 'auto.offset.reset', 'enable.partition.eof',
];
