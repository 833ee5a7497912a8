// In-memory stand-ins for the engine's two ports, for unit tests of scheduling logic.
// The integration tests use the real Kafka broker and the sandbox instead.

import {
  SourceError, type KafkaSource, type KafkaSourceConfig, type Offset, type PartitionBatch, type PartitionWatermarks,
  type ReadLimits, type StreamLoadClient, type StreamLoadRequest, type StreamLoadResponse,
} from '../../../engine/src/ports';

export class FakeTopic {
  partitions: { values: (string | null)[]; timestamps: number[]; low: number }[];
  constructor(partitionCount: number) {
    this.partitions = Array.from({ length: partitionCount }, () => ({ values: [], timestamps: [], low: 0 }));
  }
  produce(partition: number, ...values: string[]): void {
    for (const v of values) {
      this.partitions[partition].values.push(v);
      this.partitions[partition].timestamps.push(Date.now());
    }
  }
  addPartitions(n: number): void {
    for (let i = 0; i < n; i++) this.partitions.push({ values: [], timestamps: [], low: 0 });
  }
}

export class FakeKafka {
  topics = new Map<string, FakeTopic>();
  unreachable = false;
  readCalls = 0;
  /** Report each message to ReadLimits.onValue as it is read, as the Kafka source does. */
  streamsValues = true;
  sources: FakeSource[] = [];
  configs: KafkaSourceConfig[] = [];

  topic(name: string, partitions = 1): FakeTopic {
    let t = this.topics.get(name);
    if (!t) {
      t = new FakeTopic(partitions);
      this.topics.set(name, t);
    }
    return t;
  }

  factory = (config: KafkaSourceConfig): KafkaSource => {
    this.configs.push(config);
    const source = new FakeSource(this, config);
    this.sources.push(source);
    return source;
  };
}

class FakeSource implements KafkaSource {
  closed = false;
  constructor(private readonly kafka: FakeKafka, readonly config: KafkaSourceConfig) {}

  private topic(): FakeTopic {
    if (this.kafka.unreachable) throw new SourceError('unreachable', `Kafka at ${this.config.brokers.join(',')} is unreachable: check kafka_broker_list`);
    const t = this.kafka.topics.get(this.config.topic);
    if (!t) throw new SourceError('unknownTopic', `topic ${this.config.topic} does not exist`);
    return t;
  }

  async partitions(): Promise<number[]> {
    return this.topic().partitions.map((_, i) => i);
  }

  async watermarks(partitions: number[]): Promise<Map<number, PartitionWatermarks>> {
    const t = this.topic();
    return new Map(partitions.filter((p) => t.partitions[p]).map((p) => [p, { low: BigInt(t.partitions[p].low), high: BigInt(t.partitions[p].values.length) }]));
  }

  async offsetsForTimestamp(partitions: number[], timestampMs: number): Promise<Map<number, Offset>> {
    const t = this.topic();
    return new Map(partitions.map((p) => {
      const i = t.partitions[p].timestamps.findIndex((ts) => ts >= timestampMs);
      return [p, BigInt(i < 0 ? t.partitions[p].values.length : i)];
    }));
  }

  async read(start: Map<number, Offset>, limits: ReadLimits): Promise<PartitionBatch[]> {
    this.kafka.readCalls++;
    const t = this.topic();
    const out: PartitionBatch[] = [];
    let bytes = 0;
    let rows = 0;
    for (const [p, from] of start) {
      const part = t.partitions[p];
      if (Number(from) < part.low) throw new SourceError('offsetOutOfRange', `offset ${from} is out of range`, p);
      const until = Number(limits.untilOffsets?.get(p) ?? BigInt(part.values.length));
      const values: Buffer[] = [];
      let messages = 0;
      let last = Number(from) - 1;
      for (let o = Number(from); o < Math.min(until, part.values.length); o++) {
        if (bytes >= limits.maxBytes || rows >= (limits.maxRows ?? Infinity)) break;
        const v = part.values[o];
        if (v !== null) {
          if (this.kafka.streamsValues && limits.onValue) limits.onValue(p, Buffer.from(v));
          else values.push(Buffer.from(v));
          messages += 1;
          bytes += v.length;
          rows += 1;
        }
        last = o;
      }
      out.push({ partition: p, from, lastOffset: BigInt(last), values, messages, lastTimestampMs: last >= 0 ? part.timestamps[last] : undefined });
    }
    return out;
  }

  async commit(): Promise<void> {}
  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface LoadedBatch {
  label: string;
  rows: string[];
  headers: Record<string, string>;
}

/** A Stream Load target with StarRocks' label rules: a committed label answers Label Already Exists / FINISHED. */
export class FakeStarRocks implements StreamLoadClient {
  committed = new Map<string, LoadedBatch>();
  requests: StreamLoadRequest[] = [];
  /** Return a scripted answer (or throw) for the next requests. */
  script: ((req: StreamLoadRequest) => StreamLoadResponse | Error | undefined)[] = [];
  /** Rows that count as filtered (error rows) when they match. */
  errorRow: (row: string) => boolean = () => false;
  /** Rows that count as unselected. */
  unselectedRow: (row: string) => boolean = () => false;
  /** Commit, then pretend the connection broke (the outcome is unknown to the client). */
  commitThenThrow = 0;

  async load(req: StreamLoadRequest): Promise<StreamLoadResponse> {
    // What a server receives is a copy: the engine uses a body's buffer again once its batch committed.
    req = { ...req, body: Buffer.from(req.body) };
    this.requests.push(req);
    const scripted = this.script.shift()?.(req);
    if (scripted instanceof Error) throw scripted;
    if (scripted) return scripted;
    if (this.committed.has(req.label)) return { Status: 'Label Already Exists', ExistingJobStatus: 'FINISHED', Message: `Label [${req.label}] has already been used.` };
    const rows = splitRows(req);
    const errors = rows.filter((r) => this.errorRow(r));
    const unselected = rows.filter((r) => !this.errorRow(r) && this.unselectedRow(r));
    const loaded = rows.filter((r) => !this.errorRow(r) && !this.unselectedRow(r));
    this.committed.set(req.label, { label: req.label, rows: loaded, headers: req.headers });
    if (this.commitThenThrow > 0) {
      this.commitThenThrow--;
      throw new Error('socket hang up');
    }
    return {
      Status: 'Success', Message: 'OK', Label: req.label, TxnId: this.committed.size,
      NumberTotalRows: rows.length, NumberLoadedRows: loaded.length, NumberFilteredRows: errors.length, NumberUnselectedRows: unselected.length,
      ...(errors.length ? { ErrorURL: `http://be:8040/api/_load_error_log?file=${req.label}` } : {}),
    };
  }

  loadedRows(): string[] {
    return [...this.committed.values()].flatMap((b) => b.rows);
  }

  async close(): Promise<void> {}
}

function splitRows(req: StreamLoadRequest): string[] {
  const text = req.body.toString('utf8');
  if (req.headers.format === 'json') return (JSON.parse(text) as unknown[]).map((v) => JSON.stringify(v));
  return text === '' ? [] : text.split('\n');
}

/** Wait for a condition signalled by engine events; fails after `ms`. */
export async function until(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export { waitForJob } from '../../helpers/jobs';
