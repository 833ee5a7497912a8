// Maps kafkajs failures to SourceError kinds with a message that says what to fix (never a stack, never a secret).
import { SourceError } from '../ports';

export interface ErrorContext {
  brokers: string[];
  topic: string;
  /** What we were doing, e.g. "reading partitions 0, 1". */
  action: string;
  protocol: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_OSSL_BAD_DECRYPT', 'ERR_OSSL_PEM_NO_START_LINE', 'ERR_OSSL_EVP_BAD_DECRYPT',
]);

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

interface KafkaLikeError {
  name?: string;
  message?: string;
  code?: unknown;
  type?: string;
  broker?: string;
  originalError?: unknown;
  cause?: unknown;
  errors?: unknown[];
}

/** The innermost meaningful error: kafkajs wraps the real cause in NumberOfRetriesExceeded / NonRetriable errors. */
function chain(error: unknown): KafkaLikeError[] {
  const out: KafkaLikeError[] = [];
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === 'object' && !seen.has(e) && out.length < 8) {
    seen.add(e);
    const k = e as KafkaLikeError;
    out.push(k);
    e = k.originalError ?? k.cause ?? (Array.isArray(k.errors) ? k.errors[0] : undefined);
  }
  return out;
}

function tlsCode(e: KafkaLikeError): string | undefined {
  if (typeof e.code === 'string' && (TLS_CODES.has(e.code) || e.code.startsWith('ERR_SSL_') || e.code.startsWith('ERR_TLS_'))) return e.code;
  const m = e.message ?? '';
  if (/self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate has expired/i.test(m)) return 'certificate';
  if (/Hostname\/IP does not match certificate|altnames/i.test(m)) return 'ERR_TLS_CERT_ALTNAME_INVALID';
  if (/wrong version number|SSL routines|bad decrypt|tlsv1 alert|ssl3_/i.test(m)) return 'tls';
  return undefined;
}

/** The message of a kafkajs error without its "Connection error: " style prefix noise. */
function short(e: KafkaLikeError): string {
  return (e.message ?? String(e)).replace(/^(Connection error|Failed to connect): /, '');
}

export function toSourceError(error: unknown, ctx: ErrorContext): SourceError {
  if (error instanceof SourceError) return error;
  const errs = chain(error);
  const brokers = ctx.brokers.join(',');

  for (const e of errs) {
    const code = tlsCode(e);
    if (!code) continue;
    let hint = 'check property.ssl.ca.location (the CA that signed the broker certificate)';
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') hint = 'the broker certificate does not name this host: connect with the name in the certificate, or set property.ssl.endpoint.identification.algorithm=none';
    else if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'tls' || code === 'EPROTO') hint = 'is this a TLS listener? check property.security.protocol and the broker port';
    else if (/DECRYPT|PEM/.test(code)) hint = 'check property.ssl.key.location and property.ssl.key.password';
    return new SourceError('ssl', `TLS connection to Kafka broker ${e.broker ?? brokers} failed while ${ctx.action}: ${short(e)}. Fix: ${hint}.`);
  }

  for (const e of errs) {
    if (e.name === 'KafkaJSSASLAuthenticationError' || e.type === 'SASL_AUTHENTICATION_FAILED' || e.type === 'ILLEGAL_SASL_STATE' || e.type === 'UNSUPPORTED_SASL_MECHANISM') {
      return new SourceError(
        'authentication',
        `Kafka brokers ${brokers} refused the SASL login while ${ctx.action}: ${short(e)}. Check property.sasl.mechanism, property.sasl.username and property.sasl.password.`,
      );
    }
    if (e.type === 'TOPIC_AUTHORIZATION_FAILED' || e.type === 'CLUSTER_AUTHORIZATION_FAILED') {
      return new SourceError('authentication', `The Kafka user is not allowed to read topic "${ctx.topic}" on ${brokers} (${e.type}). Grant it Read and Describe on the topic.`);
    }
    if (e.type === 'UNKNOWN_TOPIC_OR_PARTITION' || e.type === 'INVALID_TOPIC_EXCEPTION') {
      return new SourceError('unknownTopic', `Topic "${ctx.topic}" does not exist on Kafka brokers ${brokers}. Check kafka_topic, or create the topic.`);
    }
  }

  for (const e of errs) {
    const unreachable =
      (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) ||
      e.name === 'KafkaJSConnectionError' ||
      e.name === 'KafkaJSConnectionClosedError' ||
      e.name === 'KafkaJSNoBrokerAvailableError' ||
      e.name === 'KafkaJSBrokerNotFound';
    if (unreachable) {
      let hint = 'Check kafka_broker_list and that the brokers run and are reachable from this machine.';
      if (/closed by the server/i.test(e.message ?? '') && ctx.protocol !== 'ssl' && ctx.protocol !== 'sasl_ssl') {
        hint += ' A broker that closes the connection at once often expects TLS or SASL: check property.security.protocol.';
      }
      return new SourceError('unreachable', `Cannot reach Kafka brokers ${brokers} while ${ctx.action}: ${short(e)}. ${hint}`);
    }
  }

  // Timeouts and everything else: retry later.
  const top = errs[errs.length - 1] ?? { message: String(error) };
  return new SourceError('transient', `Kafka error while ${ctx.action} on ${brokers}: ${short(top)}`);
}
