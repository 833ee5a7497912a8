// What StarRocks accepts in a Routine Load statement, in one place.
// Validation, completion, hover, quick fixes and the engine all read this catalogue.
// Ranges and defaults follow the user's seed document; where StarRocks' code differs,
// `note` says how (shared spec: starrocks-reference.md §2).

export type PropertySection =
  /** PROPERTIES ( … ) of CREATE / ALTER ROUTINE LOAD */
  | 'job'
  /** FROM KAFKA ( … ) keys of StarRocks itself */
  | 'kafka'
  /** FROM KAFKA ( "property.<librdkafka key>" … ) */
  | 'kafkaClient';

export type PropertyType =
  | 'integer'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'string'
  | 'timezone'
  | 'jsonpaths'
  | 'jsonpath'
  | 'brokerList'
  | 'partitionList'
  | 'offsetList'
  | 'defaultOffset'
  | 'bytes';

export interface PropertySpec {
  name: string;
  section: PropertySection;
  type: PropertyType;
  /** Default as StarRocks prints it; absent when there is none. */
  default?: string;
  /** Inclusive bounds that are errors when broken. */
  min?: number;
  max?: number;
  /** Exclusive lower bound (`> 0`). */
  greaterThan?: number;
  /** Documented bounds StarRocks' code does not enforce: warnings, not errors. */
  softMin?: number;
  softMax?: number;
  /** Only meaningful with this message format; with the other one StarRocks ignores it. */
  formats?: readonly ('csv' | 'json')[];
  /** StarRocks version that introduced the key, when it is recent. */
  since?: string;
  /** Values for `enum` (compared case-insensitively). */
  values?: readonly string[];
  /** Unit shown in docs: seconds, rows, bytes. */
  unit?: string;
  required?: boolean;
  /** May ALTER ROUTINE LOAD change it? */
  alterable: boolean;
  /** Deprecated: the text says what to use instead. */
  deprecated?: string;
  /** Value must be masked (`******`) wherever it is shown. */
  secret?: boolean;
  /** One or two sentences for hover and completion. */
  docs: string;
  /** Where StarRocks' code differs from the seed document. */
  note?: string;
}

const MB = 1024 * 1024;

export const JOB_PROPERTIES: readonly PropertySpec[] = [
  {
    name: 'desired_concurrent_number', section: 'job', type: 'integer', default: '3', greaterThan: 0, alterable: true,
    docs: 'Maximum number of concurrent tasks the job can run. The real concurrency is min(partitions, this, the engine cap).',
    note: 'StarRocks\' code defaults to max_routine_load_task_concurrent_num (5); the seed document says 3.',
  },
  {
    name: 'max_batch_interval', section: 'job', type: 'integer', default: '10', min: 5, softMax: 60, unit: 'seconds', alterable: true,
    docs: 'Scheduling interval of the job\'s tasks: how long after a task the next one starts when the previous one caught up.',
    note: 'StarRocks\' code has no upper bound; the documented range is 5–60. Values below 10 can cause "too many tablet versions".',
  },
  {
    name: 'max_batch_rows', section: 'job', type: 'integer', default: '200000', min: 200000, unit: 'rows', alterable: true,
    docs: 'Maximum number of rows each task reads, and the size of the error-detection window: error rows are counted over 10 × max_batch_rows loaded rows.',
    note: 'StarRocks 1.15+ uses it only for the error window; the embedded engine also caps each task\'s read with it, as the seed document describes, so a backlog loads as several pipelined batches.',
  },
  {
    name: 'max_batch_size', section: 'job', type: 'bytes', default: String(100 * MB), softMin: 100 * MB, softMax: 1024 * MB, unit: 'bytes', alterable: true,
    deprecated: 'Deprecated since V1.15: the consume time routine_load_task_consume_second (an engine setting, like fe.conf) bounds a task instead.',
    docs: 'Maximum data read per task (100 MB–1 GB).',
  },
  {
    name: 'max_error_number', section: 'job', type: 'integer', default: '0', min: 0, unit: 'rows', alterable: true,
    docs: 'Maximum error rows allowed in a sampling window; 0 tolerates none. When exceeded the job pauses.',
  },
  {
    name: 'max_filter_ratio', section: 'job', type: 'number', default: '1', min: 0, max: 1, alterable: true,
    docs: 'Largest share of filtered rows a task may have; above it the task is aborted and the job pauses. 1 turns the check off.',
  },
  {
    name: 'strict_mode', section: 'job', type: 'boolean', default: 'false', values: ['true', 'false'], alterable: true,
    docs: 'When true, a row whose non-null source value converts to NULL is filtered out as an error row.',
    note: 'The seed document says enabled by default; StarRocks\' code defaults to false.',
  },
  {
    name: 'timezone', section: 'job', type: 'timezone', alterable: true,
    docs: 'Time zone for time functions in the load (IANA name such as Asia/Shanghai, or an offset such as +08:00). Defaults to the session time zone.',
  },
  {
    name: 'format', section: 'job', type: 'enum', default: 'csv', values: ['csv', 'json'], alterable: false,
    docs: 'Format of the Kafka messages: csv (one row per message) or json.',
  },
  {
    name: 'jsonpaths', section: 'job', formats: ['json'], type: 'jsonpaths', alterable: true,
    docs: 'JSON array of JSONPath strings, one per column in COLUMNS order, e.g. ["$.id","$.name"]. JSON only.',
  },
  {
    name: 'json_root', section: 'job', formats: ['json'], type: 'jsonpath', alterable: true,
    docs: 'JSONPath of the element to load from each message, e.g. $.data. JSON only.',
  },
  {
    name: 'strip_outer_array', section: 'job', formats: ['json'], type: 'boolean', default: 'false', values: ['true', 'false'], alterable: true,
    docs: 'When true, a message holding a JSON array is loaded as one row per element. JSON only.',
  },
  {
    name: 'task_consume_second', section: 'job', since: '3.1', type: 'integer', greaterThan: 0, unit: 'seconds', alterable: true,
    docs: 'How long each task consumes from Kafka. Overrides the engine setting routine_load_task_consume_second for this job.',
  },
  {
    name: 'task_timeout_second', section: 'job', since: '3.1', type: 'integer', greaterThan: 0, unit: 'seconds', alterable: true,
    docs: 'How long a task may run before it is aborted; must be larger than task_consume_second. Overrides routine_load_task_timeout_second.',
  },
  {
    name: 'log_rejected_record_num', section: 'job', type: 'integer', default: '0', min: -1, alterable: false,
    docs: 'How many rejected rows to log: 0 none, -1 all, n up to n.',
  },
  {
    name: 'partial_update', section: 'job', type: 'boolean', default: 'false', values: ['true', 'false'], alterable: false,
    docs: 'Update only the loaded columns of a PRIMARY KEY table.',
  },
  {
    name: 'merge_condition', section: 'job', type: 'string', alterable: false,
    docs: 'Column of a PRIMARY KEY table whose value must not decrease for an update to apply.',
  },
  {
    name: 'pause_on_fatal_parse_error', section: 'job', since: '3.3.12', type: 'boolean', default: 'false', values: ['true', 'false'], alterable: true,
    docs: 'Pause the job, instead of retrying the same batch for ever, when a message cannot be parsed at all.',
  },
  {
    name: 'trim_space', section: 'job', formats: ['csv'], type: 'boolean', default: 'false', values: ['true', 'false'], alterable: false,
    docs: 'Trim spaces around CSV fields. CSV only.',
  },
  {
    name: 'enclose', section: 'job', formats: ['csv'], type: 'string', alterable: false,
    docs: 'Quote character around CSV fields (its first byte is used). CSV only.',
  },
  {
    name: 'escape', section: 'job', formats: ['csv'], type: 'string', alterable: false,
    docs: 'Escape character inside CSV fields (its first byte is used). CSV only.',
  },
];

export const KAFKA_PROPERTIES: readonly PropertySpec[] = [
  {
    name: 'kafka_broker_list', section: 'kafka', type: 'brokerList', required: true, alterable: true,
    docs: 'Kafka brokers as host:port, separated by commas.',
  },
  {
    name: 'kafka_topic', section: 'kafka', type: 'string', required: true, alterable: false,
    docs: 'The one Kafka topic the job consumes. It cannot be changed by ALTER.',
  },
  {
    name: 'kafka_partitions', section: 'kafka', type: 'partitionList', alterable: true,
    docs: 'Partitions to consume, comma-separated ids. Default: all partitions, including ones added later. ALTER must give kafka_offsets with it.',
  },
  {
    name: 'kafka_offsets', section: 'kafka', type: 'offsetList', alterable: true,
    docs: 'Start offset of each partition in kafka_partitions, in the same order: a number ≥ 0, OFFSET_BEGINNING or OFFSET_END.',
  },
  {
    name: 'property.kafka_default_offsets', section: 'kafka', type: 'defaultOffset', default: 'OFFSET_END', alterable: true,
    values: ['OFFSET_BEGINNING', 'OFFSET_END'],
    docs: 'Start offset of partitions without one in kafka_offsets: OFFSET_BEGINNING, OFFSET_END, a Unix timestamp or a \'yyyy-MM-dd HH:mm:ss\' time.',
  },
];

/** librdkafka consumer settings StarRocks passes on (`property.<name>`); anything else is silently ignored by StarRocks. */
export const KAFKA_CLIENT_PROPERTIES: readonly PropertySpec[] = [
  { name: 'property.group.id', section: 'kafkaClient', type: 'string', alterable: true, docs: 'Consumer group id. Default: <job name>_<uuid>. Group offsets are only for monitoring: the job keeps its own progress.' },
  { name: 'property.client.id', section: 'kafkaClient', type: 'string', alterable: true, docs: 'Client id the consumer reports to Kafka.' },
  { name: 'property.security.protocol', section: 'kafkaClient', type: 'enum', default: 'plaintext', values: ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'], alterable: true, docs: 'How the consumer talks to the brokers.' },
  { name: 'property.sasl.mechanism', section: 'kafkaClient', type: 'enum', values: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER', 'GSSAPI'], alterable: true, docs: 'SASL mechanism (with security.protocol sasl_plaintext or sasl_ssl).' },
  { name: 'property.sasl.mechanisms', section: 'kafkaClient', type: 'enum', values: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER', 'GSSAPI'], alterable: true, docs: 'librdkafka alias of sasl.mechanism.' },
  { name: 'property.sasl.username', section: 'kafkaClient', type: 'string', alterable: true, docs: 'SASL user name (PLAIN and SCRAM).' },
  { name: 'property.sasl.password', section: 'kafkaClient', type: 'string', secret: true, alterable: true, docs: 'SASL password (PLAIN and SCRAM). Shown as ****** everywhere.' },
  { name: 'property.sasl.kerberos.service.name', section: 'kafkaClient', type: 'string', alterable: true, docs: 'Kerberos service name (GSSAPI).' },
  { name: 'property.sasl.kerberos.keytab', section: 'kafkaClient', type: 'string', alterable: true, docs: 'Kerberos keytab (GSSAPI).' },
  { name: 'property.sasl.kerberos.principal', section: 'kafkaClient', type: 'string', alterable: true, docs: 'Kerberos principal (GSSAPI).' },
  { name: 'property.ssl.ca.location', section: 'kafkaClient', type: 'string', alterable: true, docs: 'CA certificate (PEM) that signs the brokers\' certificates: FILE:<name> from CREATE FILE, or a path for the embedded engine.' },
  { name: 'property.ssl.certificate.location', section: 'kafkaClient', type: 'string', alterable: true, docs: 'Client certificate (PEM), when the brokers require client authentication.' },
  { name: 'property.ssl.key.location', section: 'kafkaClient', type: 'string', alterable: true, docs: 'Client private key (PEM) for ssl.certificate.location.' },
  { name: 'property.ssl.key.password', section: 'kafkaClient', type: 'string', secret: true, alterable: true, docs: 'Password of the client private key. Shown as ****** everywhere.' },
  { name: 'property.ssl.endpoint.identification.algorithm', section: 'kafkaClient', type: 'enum', values: ['https', 'none'], alterable: true, docs: 'Check the broker\'s host name against its certificate (https) or not (none).' },
  { name: 'property.enable.ssl.certificate.verification', section: 'kafkaClient', type: 'boolean', values: ['true', 'false'], alterable: true, docs: 'Verify the broker\'s certificate.' },
  { name: 'property.session.timeout.ms', section: 'kafkaClient', type: 'integer', min: 1, alterable: true, docs: 'Consumer session timeout in milliseconds.' },
  { name: 'property.request.timeout.ms', section: 'kafkaClient', type: 'integer', min: 1, alterable: true, docs: 'Request timeout in milliseconds.' },
  { name: 'property.fetch.max.bytes', section: 'kafkaClient', type: 'integer', min: 1, alterable: true, docs: 'Maximum bytes per fetch response.' },
  { name: 'property.max.partition.fetch.bytes', section: 'kafkaClient', type: 'integer', min: 1, alterable: true, docs: 'Maximum bytes per partition per fetch.' },
  { name: 'property.isolation.level', section: 'kafkaClient', type: 'enum', values: ['read_committed', 'read_uncommitted'], alterable: true, docs: 'Read only committed messages of transactional producers, or all.' },
];

export const ALL_PROPERTIES: readonly PropertySpec[] = [...JOB_PROPERTIES, ...KAFKA_PROPERTIES, ...KAFKA_CLIENT_PROPERTIES];

const byName = new Map(ALL_PROPERTIES.map((p) => [p.name, p]));

/** Look a property up by its exact (lower-case) name as written in the statement. */
export function findProperty(name: string): PropertySpec | undefined {
  return byName.get(name.toLowerCase());
}

export function propertiesOf(section: PropertySection): readonly PropertySpec[] {
  return ALL_PROPERTIES.filter((p) => p.section === section);
}

/** Keys containing these words are masked as StarRocks masks them. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase();
  return k.includes('password') || k.includes('secret');
}

export const MASK = '******';

/**
 * Settings of the engine itself, as fe.conf holds them for StarRocks.
 * The seed document's values win over StarRocks' code (15 s / 60 s).
 */
export interface EngineSettingSpec {
  name: string;
  default: number;
  min: number;
  unit: string;
  docs: string;
}

export const ENGINE_SETTINGS: readonly EngineSettingSpec[] = [
  { name: 'routine_load_task_consume_second', default: 3, min: 1, unit: 'seconds', docs: 'Time each task spends consuming data from Kafka.' },
  { name: 'routine_load_task_timeout_second', default: 15, min: 1, unit: 'seconds', docs: 'Maximum execution time per task before it times out.' },
  { name: 'max_routine_load_task_concurrent_num', default: 5, min: 1, unit: 'tasks', docs: 'Cap on a job\'s concurrent tasks, whatever desired_concurrent_number says.' },
  { name: 'routine_load_unstable_threshold_second', default: 3600, min: 1, unit: 'seconds', docs: 'A partition whose last consumed message is older than this shows the job as UNSTABLE.' },
];

export function engineSetting(name: string): EngineSettingSpec {
  const spec = ENGINE_SETTINGS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown engine setting ${name}`);
  return spec;
}
