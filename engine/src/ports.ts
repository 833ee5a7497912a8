// The engine's two doors to the outside: a Kafka source and a Stream Load client.
// The scheduler and tasks speak only these interfaces; engine/src/kafka/ implements the source
// on kafkajs and engine/src/streamload/ implements the client on undici.

/**
 * Where the adapters write diagnostics (kafkajs' own log lines, retries, ignored settings).
 * Messages never contain passwords, keys or Authorization headers.
 */
export type PortLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** Offsets are 64-bit; they travel as bigint inside the engine and as decimal strings on disk. */
export type Offset = bigint;

export interface KafkaSourceConfig {
  /** host:port entries of kafka_broker_list. */
  brokers: string[];
  topic: string;
  /**
   * The job's `property.*` settings without the prefix (security.protocol, sasl.*, ssl.*, client.id, group.id, …).
   * `kafka_default_offsets` is not among them: the engine resolves start offsets itself.
   * Secrets are real values here: never log this object.
   */
  clientProperties: Record<string, string>;
  /** Consumer group for the cosmetic offset commits (StarRocks: <job>_<uuid>). */
  groupId: string;
  clientId: string;
}

export interface PartitionWatermarks {
  /** First offset still on the broker (retention deletes below it). */
  low: Offset;
  /** Next offset the producer will write. */
  high: Offset;
}

/** The messages one task read from one partition: a contiguous range [from, lastOffset]. */
export interface PartitionBatch {
  partition: number;
  /** First offset the task asked for. */
  from: Offset;
  /** Last offset read; `from - 1n` when nothing was read. */
  lastOffset: Offset;
  /**
   * Message values in offset order (null values are skipped, but still advance lastOffset). Empty when the read
   * handed them to ReadLimits.onValue instead: not keeping them lets them die young (the GC's cheap path).
   */
  values: Buffer[];
  /** How many messages were read (kept in `values` or handed to onValue). */
  messages?: number;
  /** Timestamp (ms) of the last message read, for TimestampProgress / UNSTABLE. */
  lastTimestampMs?: number;
}

export interface ReadLimits {
  /** Stop reading at this wall-clock time (ms since epoch): the task's consume time. */
  deadlineMs: number;
  /** Stop when this many bytes were read (max_batch_size). */
  maxBytes: number;
  /** Stop when this many messages were kept (max_batch_rows); no limit when absent. */
  maxRows?: number;
  /** Stop a partition at this offset (exclusive); normally the high watermark seen when the task started. */
  untilOffsets?: Map<number, Offset>;
  signal?: AbortSignal;
  /** Called with each kept message as it is read, in offset order per partition, so the task can build its body meanwhile; the message is then not kept in `values`. */
  onValue?: (partition: number, value: Buffer) => void;
}

export interface KafkaSource {
  /** Partition ids of the topic, sorted. */
  partitions(): Promise<number[]>;
  watermarks(partitions: number[]): Promise<Map<number, PartitionWatermarks>>;
  /** First offset at or after `timestampMs` per partition (the high watermark when there is none). */
  offsetsForTimestamp(partitions: number[], timestampMs: number): Promise<Map<number, Offset>>;
  /**
   * Read each partition from its start offset, in order, until it reaches `untilOffsets`, the deadline
   * or the byte limit. Never skips an offset: out-of-range start offsets throw SourceError('offsetOutOfRange').
   */
  read(start: Map<number, Offset>, limits: ReadLimits): Promise<PartitionBatch[]>;
  /** Best-effort commit of next offsets to the consumer group, for external monitoring only. */
  commit(nextOffsets: Map<number, Offset>): Promise<void>;
  close(): Promise<void>;
}

export type SourceErrorKind =
  | 'unreachable'
  | 'authentication'
  | 'ssl'
  | 'unknownTopic'
  | 'offsetOutOfRange'
  | 'configuration'
  | 'transient';

/** A Kafka failure the engine can act on: `kind` decides pause or retry, `message` says what to fix. */
export class SourceError extends Error {
  constructor(readonly kind: SourceErrorKind, message: string, readonly partition?: number) {
    super(message);
    this.name = 'SourceError';
  }
}

// ---------------------------------------------------------------- Stream Load

export interface StreamLoadTarget {
  /** FE HTTP(S) URL, e.g. http://127.0.0.1:8030 */
  feUrl: string;
  user: string;
  /** From SecretStorage or the environment; never logged, never stored in state files. */
  password: string;
}

export interface StreamLoadRequest {
  db: string;
  table: string;
  /** Deterministic from the job and the offset range, so a retry is deduplicated. */
  label: string;
  /** format, column_separator, row_delimiter, columns, where, jsonpaths, json_root, strip_outer_array, strict_mode, timezone, partitions, max_filter_ratio, timeout, … */
  headers: Record<string, string>;
  /** The caller writes into this buffer again once StarRocks answered that it committed the batch. */
  body: Buffer;
  /** Client-side limit for the whole request, in ms. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** StarRocks' JSON answer (HTTP status is always 200). */
export interface StreamLoadResponse {
  TxnId?: number;
  Label?: string;
  Status: 'Success' | 'Publish Timeout' | 'Label Already Exists' | 'Fail' | string;
  ExistingJobStatus?: 'RUNNING' | 'FINISHED' | string;
  Message: string;
  NumberTotalRows?: number;
  NumberLoadedRows?: number;
  NumberFilteredRows?: number;
  NumberUnselectedRows?: number;
  LoadBytes?: number;
  LoadTimeMs?: number;
  ErrorURL?: string;
  [key: string]: unknown;
}

export interface StreamLoadClient {
  load(request: StreamLoadRequest): Promise<StreamLoadResponse>;
  close(): Promise<void>;
}

export type StreamLoadErrorKind =
  | 'unreachable'
  | 'authentication'
  | 'unknownTable'
  | 'timeout'
  | 'protocol'
  | 'transient';

export class StreamLoadError extends Error {
  constructor(readonly kind: StreamLoadErrorKind, message: string) {
    super(message);
    this.name = 'StreamLoadError';
  }
}
