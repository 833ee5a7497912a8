// Property lists: unknown keys (did-you-mean), keys given twice, what ALTER may change, and
// each value against the catalogue.
import type { Property } from '../ast';
import { findProperty, propertiesOf, type PropertySpec } from '../catalogue';
import { LIBRDKAFKA_CONSUMER_KEYS } from '../librdkafka';
import { didYouMean } from '../text';
import type { RuleContext } from './context';
import { checkValue } from './values';

export type StatementMode = 'create' | 'alter';

const JOB_NAMES = propertiesOf('job').map((p) => p.name);
const KAFKA_NAMES = [...propertiesOf('kafka'), ...propertiesOf('kafkaClient')].map((p) => p.name);
const CLIENT_KEYS = new Set(LIBRDKAFKA_CONSUMER_KEYS);
const CLIENT_NAMES = [...LIBRDKAFKA_CONSUMER_KEYS.map((k) => `property.${k}`), 'property.kafka_default_offsets'];

/** Keys as written, lower-cased, to their last property; reports keys given twice. */
export function propertyMap(properties: Property[], ctx: RuleContext): Map<string, Property> {
  const seen = new Map<string, Property>();
  for (const p of properties) {
    const key = p.key.value.trim().toLowerCase();
    const earlier = seen.get(key);
    if (earlier) {
      ctx.report('RL102', p.key.span, `${p.key.value} is given twice; StarRocks keeps the last value ("${p.value.value}"): remove one`, { fix: 'remove' });
    }
    seen.set(key, p);
  }
  return seen;
}

export function checkJobProperties(properties: Property[], mode: StatementMode, ctx: RuleContext): void {
  for (const p of properties) {
    const key = p.key.value.trim();
    const spec = findProperty(key);
    if (!spec || spec.section !== 'job') {
      const suggestion = didYouMean(key, JOB_NAMES);
      const inKafka = spec && spec.section !== 'job' ? ` (${key} belongs in FROM KAFKA (…))` : '';
      ctx.report('RL101', p.key.span, `${key} is invalid property${inKafka}${suggestion && !inKafka ? `: did you mean ${suggestion}?` : ''}`, suggestion && !inKafka ? { fix: 'rename', to: suggestion } : undefined);
      continue;
    }
    if (mode === 'alter' && !spec.alterable) {
      ctx.report('RL115', p.key.span, `${key} is invalid property for ALTER ROUTINE LOAD: it cannot change ${key}; stop the job and create a new one`, { fix: 'remove' });
    }
    deprecated(spec, p, ctx);
    checkValue(spec, p, ctx);
  }
}

export function checkKafkaProperties(properties: Property[], mode: StatementMode, ctx: RuleContext): void {
  for (const p of properties) {
    const key = p.key.value.trim();
    const lower = key.toLowerCase();
    const spec = findProperty(lower);
    if (spec && spec.section !== 'job') {
      if (mode === 'alter' && lower === 'kafka_topic') {
        ctx.report('RL213', p.key.span, 'kafka_topic cannot be changed by ALTER ROUTINE LOAD: create a new job for another topic', { fix: 'remove' });
        continue;
      }
      deprecated(spec, p, ctx);
      checkValue(spec, p, ctx);
      continue;
    }
    if (lower.startsWith('property.')) {
      const client = lower.slice('property.'.length);
      if (CLIENT_KEYS.has(client)) continue;
      const suggestion = didYouMean(lower, CLIENT_NAMES);
      if (suggestion) {
        ctx.report('RL209', p.key.span, `${key} is not a Kafka client setting, and StarRocks ignores it without a word: did you mean ${suggestion}?`, { fix: 'rename', to: suggestion });
      } else {
        ctx.report('RL209', p.key.span, `${key} is not a known Kafka client setting; StarRocks passes it on and the client ignores unknown settings`, undefined, 'information');
      }
      continue;
    }
    if (lower.startsWith('confluent.')) continue;
    if (spec) {
      ctx.report('RL208', p.key.span, `${key} is invalid kafka custom property: it is a job property and belongs in PROPERTIES (…)`);
      continue;
    }
    const suggestion = didYouMean(lower, [...KAFKA_NAMES, 'confluent.schema.registry.url']);
    ctx.report('RL208', p.key.span, `${key} is invalid kafka custom property${suggestion ? `: did you mean ${suggestion}?` : '; Kafka client settings are written property.<name>'}`, suggestion ? { fix: 'rename', to: suggestion } : undefined);
  }
}

function deprecated(spec: PropertySpec, p: Property, ctx: RuleContext): void {
  if (spec.deprecated) ctx.report('RL107', p.key.span, `${spec.name} is deprecated: ${spec.deprecated}`, { fix: 'replaceDeprecated', key: spec.name });
}
