// FROM KAFKA (…) as a whole: required keys, offsets against partitions, what ALTER needs
// together, and SSL / SASL settings that contradict each other.
import type { DataSource, Property } from '../ast';
import type { RuleContext } from './context';
import { propertyMap, type StatementMode } from './properties';

export function checkDataSource(source: DataSource, mode: StatementMode, ctx: RuleContext): Map<string, Property> {
  const props = propertyMap(source.properties, ctx);
  const type = source.type.name.toUpperCase();
  if (type !== 'KAFKA') {
    if (type) ctx.report('RL215', source.type.span, `routine load job does not support this type ${type}: this product loads from KAFKA`);
    return props;
  }
  const anchor = source.bodySpan ?? source.type.span;
  if (mode === 'create' && !ctx.broken) {
    for (const key of ['kafka_broker_list', 'kafka_topic']) {
      if (!props.has(key)) {
        const example = key === 'kafka_topic' ? 'my_topic' : 'kafka-1:9092';
        ctx.report('RL201', anchor, `${key} is a required property: add "${key}" = "${example}" to FROM KAFKA (…)`, { fix: 'addProperty', key, value: example });
      }
    }
  }
  const partitions = props.get('kafka_partitions');
  const offsets = props.get('kafka_offsets');
  if (partitions && offsets) {
    const p = partitions.value.value.split(',').length;
    const o = offsets.value.value.split(',').length;
    if (p !== o && partitions.value.value.trim() && offsets.value.value.trim()) {
      ctx.report('RL206', offsets.value.span, `Partitions number should be equals to offsets number: ${p} partitions, ${o} offsets`);
    }
  } else if (offsets && !partitions && mode === 'create') {
    ctx.report('RL206', offsets.key.span, 'kafka_offsets needs kafka_partitions: each offset belongs to the partition at the same position', { fix: 'addProperty', key: 'kafka_partitions', value: '0' });
  }
  if (mode === 'alter' && (partitions !== undefined) !== (offsets !== undefined)) {
    const given = partitions ?? offsets;
    const missing = partitions ? 'kafka_offsets' : 'kafka_partitions';
    if (given) ctx.report('RL214', given.key.span, `Partition and offset must be specified at the same time: add ${missing}`, { fix: 'addProperty', key: missing, value: partitions ? 'OFFSET_END' : '0' });
  }
  checkSecurity(props, ctx);
  return props;
}

function checkSecurity(props: Map<string, Property>, ctx: RuleContext): void {
  const protocolProp = props.get('property.security.protocol');
  const protocol = protocolProp?.value.value.trim().toLowerCase() ?? 'plaintext';
  const keys = [...props.keys()];
  const ssl = keys.filter((k) => k.startsWith('property.ssl.'));
  const sasl = keys.filter((k) => k.startsWith('property.sasl.'));
  const usesSsl = protocol === 'ssl' || protocol === 'sasl_ssl';
  const usesSasl = protocol === 'sasl_plaintext' || protocol === 'sasl_ssl';
  if (ssl.length > 0 && !usesSsl) {
    const first = props.get(ssl[0]);
    if (first) {
      ctx.report('RL211', first.key.span, `${ssl[0]} takes effect only with property.security.protocol ssl or sasl_ssl${protocolProp ? ` (it is ${protocol})` : ' (the default is plaintext)'}`, protocolProp ? { fix: 'replaceValue', key: 'property.security.protocol', value: usesSasl ? 'sasl_ssl' : 'ssl' } : { fix: 'addProperty', key: 'property.security.protocol', value: 'ssl' });
    }
  }
  const cert = props.get('property.ssl.certificate.location');
  const key = props.get('property.ssl.key.location');
  if (key && !cert) ctx.report('RL211', key.key.span, 'property.ssl.key.location without property.ssl.certificate.location: the client key needs its certificate', { fix: 'addProperty', key: 'property.ssl.certificate.location', value: 'FILE:client.pem' });
  if (cert && !key) ctx.report('RL211', cert.key.span, 'property.ssl.certificate.location without property.ssl.key.location: the client certificate needs its private key', { fix: 'addProperty', key: 'property.ssl.key.location', value: 'FILE:client.key' });
  const keyPassword = props.get('property.ssl.key.password');
  if (keyPassword && !key) ctx.report('RL211', keyPassword.key.span, 'property.ssl.key.password without property.ssl.key.location: there is no key to unlock');
  if (sasl.length > 0 && !usesSasl) {
    const first = props.get(sasl[0]);
    if (first) {
      ctx.report('RL212', first.key.span, `SASL settings (${sasl[0]}) take effect only with property.security.protocol sasl_plaintext or sasl_ssl${protocolProp ? ` (it is ${protocol})` : ''}`, protocolProp ? { fix: 'replaceValue', key: 'property.security.protocol', value: usesSsl ? 'sasl_ssl' : 'sasl_plaintext' } : { fix: 'addProperty', key: 'property.security.protocol', value: 'sasl_plaintext' });
    }
  }
  if (usesSasl && protocolProp) {
    const mechanism = (props.get('property.sasl.mechanism') ?? props.get('property.sasl.mechanisms'))?.value.value.trim().toUpperCase() ?? 'GSSAPI';
    if ((mechanism === 'PLAIN' || mechanism.startsWith('SCRAM')) && (!props.has('property.sasl.username') || !props.has('property.sasl.password'))) {
      const missing = props.has('property.sasl.username') ? 'property.sasl.password' : 'property.sasl.username';
      ctx.report('RL212', protocolProp.value.span, `SASL ${mechanism} needs property.sasl.username and property.sasl.password: ${missing} is missing`, { fix: 'addProperty', key: missing, value: '' });
    }
    if (!props.has('property.sasl.mechanism') && !props.has('property.sasl.mechanisms') && (props.has('property.sasl.username') || props.has('property.sasl.password'))) {
      ctx.report('RL212', protocolProp.value.span, 'SASL user name and password without property.sasl.mechanism: the client defaults to GSSAPI (Kerberos); add "property.sasl.mechanism" = "PLAIN" (or SCRAM-SHA-256/512)', { fix: 'addProperty', key: 'property.sasl.mechanism', value: 'PLAIN' });
    }
  }
}
