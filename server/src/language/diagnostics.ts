// The diagnostics analysis reports, and the table of their stable codes.
// RL0xx syntax · RL1xx PROPERTIES (…) · RL2xx FROM KAFKA (…) · RL3xx statement structure and SHOW ·
// RL4xx workspace: tables, columns, functions. Codes never change meaning; retired ones are not reused.
import type { Span } from './ast';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  /**
   * What a quick fix needs, e.g. { fix: 'clamp', value: '5' }, { fix: 'rename', to: 'property.security.protocol' },
   * { fix: 'addProperty', key, value }, { fix: 'replaceDeprecated' }, { fix: 'quote', value }, { fix: 'remove' }.
   */
  data?: Record<string, unknown>;
}

export interface CodeInfo {
  severity: Severity;
  summary: string;
}

export const CODES: Record<string, CodeInfo> = {
  RL001: { severity: 'error', summary: 'Syntax error in a Routine Load statement' },
  RL002: { severity: 'error', summary: 'Property name or value not quoted' },
  RL003: { severity: 'error', summary: 'Syntax of another system (Doris) that StarRocks lacks' },
  RL004: { severity: 'warning', summary: 'StarRocks CREATE TABLE that could not be fully read' },
  RL005: { severity: 'error', summary: 'Expression nested too deeply to check (more than 128 levels)' },
  RL101: { severity: 'error', summary: 'Unknown job property (did-you-mean)' },
  RL102: { severity: 'warning', summary: 'Property given twice' },
  RL103: { severity: 'error', summary: 'Not a number where a number is needed' },
  RL104: { severity: 'error', summary: 'Value below its allowed range' },
  RL105: { severity: 'error', summary: 'Value above its allowed range' },
  RL106: { severity: 'warning', summary: 'Value outside the documented range that StarRocks still accepts' },
  RL107: { severity: 'warning', summary: 'Deprecated property' },
  RL108: { severity: 'error', summary: 'Value not among the allowed values (format, strict_mode, …)' },
  RL109: { severity: 'error', summary: 'Unknown or incorrect time zone' },
  RL110: { severity: 'error', summary: 'jsonpaths is not a JSON array of JSONPath strings' },
  RL111: { severity: 'error', summary: 'json_root is not a JSONPath' },
  RL112: { severity: 'error', summary: 'task_timeout_second not larger than task_consume_second' },
  RL113: { severity: 'warning', summary: 'JSON-only property without "format" = "json"' },
  RL114: { severity: 'warning', summary: 'Column separator or row delimiter with JSON (ignored)' },
  RL115: { severity: 'error', summary: 'ALTER ROUTINE LOAD cannot change this property' },
  RL116: { severity: 'warning', summary: 'Property value is empty (the default applies)' },
  RL201: { severity: 'error', summary: 'Required Kafka property missing (kafka_broker_list, kafka_topic)' },
  RL202: { severity: 'error', summary: 'Broker entry is not host:port' },
  RL203: { severity: 'error', summary: 'kafka_topic names more than one topic' },
  RL204: { severity: 'error', summary: 'Kafka partition is not an integer' },
  RL205: { severity: 'error', summary: 'Kafka offset invalid' },
  RL206: { severity: 'error', summary: 'kafka_offsets count differs from kafka_partitions count' },
  RL207: { severity: 'error', summary: 'Invalid property.kafka_default_offsets' },
  RL208: { severity: 'error', summary: 'Unknown FROM KAFKA key' },
  RL209: { severity: 'warning', summary: 'property.* key the Kafka client does not know (ignored by StarRocks)' },
  RL210: { severity: 'error', summary: 'Invalid security.protocol / sasl.mechanism / Kafka client value' },
  RL211: { severity: 'warning', summary: 'Inconsistent SSL settings' },
  RL212: { severity: 'warning', summary: 'Inconsistent SASL settings' },
  RL213: { severity: 'error', summary: 'ALTER cannot change kafka_topic' },
  RL214: { severity: 'error', summary: 'ALTER gives kafka_partitions and kafka_offsets only together' },
  RL215: { severity: 'error', summary: 'Data source type not supported' },
  RL216: { severity: 'error', summary: 'CREATE ROUTINE LOAD without FROM KAFKA (…)' },
  RL301: { severity: 'error', summary: 'Load property repeated (StarRocks: repeat setting of …)' },
  RL302: { severity: 'error', summary: 'PARTITION together with TEMPORARY PARTITION' },
  RL303: { severity: 'error', summary: 'Empty partition list or name' },
  RL304: { severity: 'error', summary: 'Invalid column separator or row delimiter' },
  RL305: { severity: 'error', summary: 'Job name breaks StarRocks\' name rule' },
  RL306: { severity: 'warning', summary: 'Job name used twice in one database across the workspace' },
  RL307: { severity: 'error', summary: 'SHOW ROUTINE LOAD … LIKE is not StarRocks syntax' },
  RL308: { severity: 'warning', summary: 'WHERE State = \'UNSTABLE\' never matches' },
  RL309: { severity: 'error', summary: 'SHOW ROUTINE LOAD TASK needs WHERE JobName = "…"' },
  RL310: { severity: 'error', summary: 'SHOW ROUTINE LOAD WHERE uses a column or operator StarRocks rejects' },
  RL401: { severity: 'warning', summary: 'Target table not found in the workspace' },
  RL402: { severity: 'warning', summary: 'NOT NULL column without value or default' },
  RL403: { severity: 'information', summary: 'COLUMNS name that is no table column and is not used: a placeholder that skips a field' },
  RL404: { severity: 'warning', summary: 'jsonpaths count differs from the source columns in COLUMNS' },
  RL405: { severity: 'warning', summary: 'Unknown function' },
  RL406: { severity: 'error', summary: 'Wrong number of function arguments' },
};
