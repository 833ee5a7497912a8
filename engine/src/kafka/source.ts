// KafkaSource on kafkajs: exact offset ranges per partition, the way StarRocks' BE reads with librdkafka assign().
//
// kafkajs' consumer has no manual assign(): it joins a group (seconds per join), fetches in the background and
// may reset out-of-range offsets on its own. The engine's store is the truth, so this source joins no group:
// it sends Fetch requests itself, through kafkajs' Cluster/Broker layer (the one its consumer is built on), from
// exactly the requested offsets. One long-lived Cluster per source keeps the broker connections and metadata
// across tasks, so a read costs one round trip per fetch and nothing else. Kafka group commits are cosmetic.
import Cluster from 'kafkajs/src/cluster';
import type { InternalBroker, InternalLogger, ProtocolRequest } from 'kafkajs/src/cluster';
import { createLogger } from 'kafkajs/src/loggers';
import defaultSocketFactory from 'kafkajs/src/network/socketFactory';
import { requests } from 'kafkajs/src/protocol/requests';
import apiKeys from 'kafkajs/src/protocol/requests/apiKeys';
import { parse as parseFetch } from 'kafkajs/src/protocol/requests/fetch/v0/response';
import { logLevel, type ISocketFactory, type logCreator } from 'kafkajs';
import type { Socket } from 'node:net';
import {
  SourceError,
  type KafkaSource,
  type KafkaSourceConfig,
  type Offset,
  type PartitionBatch,
  type PartitionWatermarks,
  type PortLog,
  type ReadLimits,
} from '../ports';
import { kafkaClientOptions, type KafkaClientOptions } from './options';
import { toSourceError } from './errors';
import { batchEnd, committedBatches, decodeFetchResponse, type FetchedBatch, type FetchedPartition, type FetchResponse } from './fetchResponse';

const EARLIEST = '-2';
const LATEST = '-1';
/** The largest record batch we are prepared to ask for when a partition seems stuck (see readPartition). */
const ESCALATED_BYTES = 64 * 1024 * 1024;
const MAX_CONSECUTIVE_FAILURES = 3;
/** Offsets below this are exact as JavaScript numbers. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

export interface KafkajsSource extends KafkaSource {
  /** `property.*` settings that have no effect, with the reason (no values): the engine shows them as warnings. */
  readonly ignored: ReadonlyArray<{ key: string; reason: string }>;
  /** The consumer group used for the cosmetic commits. */
  readonly groupId: string;
}

interface PartitionState {
  partition: number;
  from: Offset;
  next: Offset;
  until?: Offset;
  values: Buffer[];
  messages: number;
  lastTimestampMs?: number;
  done: boolean;
  /** The last fetch returned nothing below the end: confirm with a large, single-partition fetch before skipping. */
  escalate: boolean;
}

/** A partition in a fetch round, at the offset the round asks for. */
interface Planned {
  s: PartitionState;
  offset: Offset;
}

type Round = Array<PromiseSettledResult<{ offsets: Map<number, Offset>; single: boolean; parts: FetchedPartition[] }>>;

/** How long close() waits for operations under way before it disconnects anyway. */
const CLOSE_WAIT_MS = 5000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Routes kafkajs' log lines into the engine's log: connection noise at debug, the rest at warn, each line at most once a minute. */
function kafkajsLogCreator(log: PortLog): logCreator {
  const lastSeen = new Map<string, number>();
  return () => ({ namespace, level, log: entry }) => {
    const message = String(entry.message ?? '');
    const broker = typeof entry.broker === 'string' ? ` (broker ${entry.broker})` : '';
    const detail = typeof entry.error === 'string' && !message.includes(entry.error) ? `: ${entry.error}` : '';
    const line = `kafka ${namespace ? namespace + ': ' : ''}${message}${broker}${detail}`;
    const now = Date.now();
    const seen = lastSeen.get(line);
    if (seen !== undefined && now - seen < 60000) return;
    if (lastSeen.size > 500) lastSeen.clear();
    lastSeen.set(line, now);
    const noisy = /connect|closed|timeout|seed broker|reconnect|ECONNREFUSED|ENOTFOUND|retry/i.test(line);
    log(level <= logLevel.WARN && !noisy ? 'warn' : 'debug', line);
  };
}

export function createKafkaSource(config: KafkaSourceConfig, log: PortLog = () => {}): KafkajsSource {
  let options: KafkaClientOptions | undefined;
  let configError: SourceError | undefined;
  try {
    options = kafkaClientOptions(config.brokers, config.clientProperties);
  } catch (e) {
    configError = e instanceof SourceError ? e : new SourceError('configuration', String((e as Error).message ?? e));
  }
  const topic = config.topic;
  const brokers = options?.client.brokers ?? config.brokers;
  const groupId = options?.groupId ?? config.groupId;
  const protocol = (config.clientProperties['security.protocol'] ?? 'plaintext').toLowerCase();
  const isolationLevel = options?.isolationLevel === 'read_uncommitted' ? 0 : 1;
  for (const { key, reason } of options?.ignored ?? []) log('debug', `Kafka setting property.${key} ${reason}; ignored.`);

  let cluster: Cluster | undefined;
  let closed = false;
  const sockets = new Set<Socket>();
  let commitWarned = false;
  const ctx = (action: string) => ({ brokers, topic, action, protocol });

  function getCluster(): Cluster {
    if (configError) throw configError;
    if (closed) throw new SourceError('transient', `The Kafka source for topic "${topic}" is closed.`);
    if (!cluster) {
      const o = options as KafkaClientOptions;
      const logger: InternalLogger = createLogger({ level: logLevel.WARN, logCreator: kafkajsLogCreator(log) });
      cluster = new Cluster({
        logger,
        socketFactory: trackingSockets(defaultSocketFactory(), sockets),
        brokers: o.client.brokers,
        ssl: o.client.ssl,
        sasl: o.client.sasl,
        clientId: o.client.clientId ?? config.clientId,
        connectionTimeout: o.client.connectionTimeout,
        authenticationTimeout: o.client.authenticationTimeout,
        requestTimeout: o.client.requestTimeout,
        enforceRequestTimeout: true,
        metadataMaxAge: o.client.metadataMaxAge,
        // Bounded, so an unreachable broker fails within seconds; the engine retries on its own schedule.
        retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
        // Reading metadata of a missing topic must not create it.
        allowAutoTopicCreation: false,
        isolationLevel,
      });
    }
    return cluster;
  }

  /** A connected cluster with metadata for the topic. */
  async function ready(action: string): Promise<Cluster> {
    const c = getCluster();
    try {
      if (!c.isConnected()) await c.connect();
      await c.addTargetTopic(topic);
      await c.refreshMetadataIfNecessary();
    } catch (e) {
      throw toSourceError(e, ctx(action));
    }
    if (closed) {
      // Closed while connecting: leave no socket behind.
      await c.disconnect().catch(() => undefined);
      throw new SourceError('transient', `The Kafka source for topic "${topic}" is closed.`);
    }
    return c;
  }

  // Operations under way. close() lets them end before it disconnects: a late one (the best-effort group
  // commit fired after each batch) would otherwise connect the closed cluster again and keep its sockets open.
  const underWay = new Set<Promise<unknown>>();
  function tracked<T>(operation: Promise<T>): Promise<T> {
    underWay.add(operation);
    const done = () => underWay.delete(operation);
    operation.then(done, done);
    return operation;
  }

  /** Leaders of the partitions; a partition the topic does not have is an error (after one metadata refresh). */
  async function leaders(c: Cluster, partitions: number[]): Promise<Array<[string, number[]]>> {
    let byLeader = c.findLeaderForPartitions(topic, partitions);
    const found = () => new Set(Object.values(byLeader).flat());
    if (partitions.some((p) => !found().has(p))) {
      await c.refreshMetadata();
      byLeader = c.findLeaderForPartitions(topic, partitions);
      const missing = partitions.filter((p) => !found().has(p));
      if (missing.length > 0) {
        const count = c.findTopicPartitionMetadata(topic).length;
        throw new SourceError(
          'unknownTopic',
          `Partition ${missing.join(', ')} does not exist in topic "${topic}" (it has ${count} partition${count === 1 ? '' : 's'}, 0-${count - 1}). Check kafka_partitions.`,
          missing[0],
        );
      }
    }
    return Object.entries(byLeader);
  }

  /** Runs `fn`, refreshing metadata and retrying a few times on leader moves and dropped connections. */
  async function withRetry<T>(action: string, fn: (c: Cluster) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const c = await ready(action);
      try {
        return await fn(c);
      } catch (e) {
        if (e instanceof SourceError || attempt >= MAX_CONSECUTIVE_FAILURES || !retriable(e)) throw toSourceError(e, ctx(action));
        log('debug', `Kafka ${action}: ${(e as Error).message}; retrying.`);
        await c.refreshMetadata().catch(() => undefined);
        await sleep(100 * attempt);
      }
    }
  }

  async function listOffsets(partitions: number[], timestamp: string, action: string): Promise<Map<number, Offset>> {
    return withRetry(action, async (c) => {
      const out = new Map<number, Offset>();
      await Promise.all(
        (await leaders(c, partitions)).map(async ([nodeId, parts]) => {
          const broker = await c.findBroker({ nodeId });
          const { responses } = await broker.listOffsets({
            replicaId: -1,
            isolationLevel,
            topics: [{ topic, partitions: parts.map((partition) => ({ partition, timestamp })) }],
          });
          for (const r of responses) for (const p of r.partitions) out.set(p.partition, BigInt(p.offset));
        }),
      );
      return out;
    });
  }

  async function watermarks(partitions: number[]): Promise<Map<number, PartitionWatermarks>> {
    const what = `reading the offsets of topic "${topic}"`;
    const [low, high] = await Promise.all([listOffsets(partitions, EARLIEST, what), listOffsets(partitions, LATEST, what)]);
    const out = new Map<number, PartitionWatermarks>();
    for (const p of partitions) out.set(p, { low: low.get(p) ?? 0n, high: high.get(p) ?? 0n });
    return out;
  }

  async function outOfRange(partition: number, offset: Offset): Promise<SourceError> {
    let wm: PartitionWatermarks | undefined;
    try {
      wm = (await watermarks([partition])).get(partition);
    } catch {
      // keep the plain message below
    }
    const fix = 'You can modify kafka_offsets by ALTER ROUTINE LOAD, then RESUME the job.';
    if (wm && offset < wm.low) {
      return new SourceError(
        'offsetOutOfRange',
        `Kafka has no data in partition ${partition} of topic "${topic}" at offset ${offset}: the earliest offset is ${wm.low} (older messages were deleted by retention). ${fix}`,
        partition,
      );
    }
    if (wm && offset > wm.high) {
      return new SourceError(
        'offsetOutOfRange',
        `Offset ${offset} of partition ${partition} of topic "${topic}" is beyond its end: the latest offset is ${wm.high} (was the topic recreated?). ${fix}`,
        partition,
      );
    }
    return new SourceError('offsetOutOfRange', `Kafka says offset ${offset} of partition ${partition} of topic "${topic}" is out of range. ${fix}`, partition);
  }

  // What the partitions' records look like, learnt from earlier fetches: a fetch for a short range asks for about
  // what the range needs (decoding a full 1 MB per partition to keep 100 records costs more than the round trip).
  let bytesPerRecord = 0;
  let recordsPerBatch = 0;
  const learn = (batches: FetchedBatch[]) => {
    let records = 0;
    let size = 0;
    let largest = 0;
    for (const b of batches) {
      records += b.offsetDeltas.length;
      size += b.recordBytes + 16 * b.offsetDeltas.length;
      if (b.lastOffsetDelta + 1 > largest) largest = b.lastOffsetDelta + 1;
    }
    if (records === 0) return;
    const avg = size / records;
    bytesPerRecord = bytesPerRecord === 0 ? avg : bytesPerRecord * 0.8 + avg * 0.2;
    recordsPerBatch = Math.max(largest, recordsPerBatch * 0.9);
  };
  const partitionBytes = (s: PartitionState, offset: Offset, cap: number, bytesLeft: number): number => {
    if (bytesPerRecord === 0) return cap;
    const batch = recordsPerBatch * bytesPerRecord;
    const wanted = s.until !== undefined ? Number(s.until - offset) * bytesPerRecord : Infinity;
    // A whole batch before and after the range, since fetches return whole batches from the one holding `next`.
    const need = Math.min(wanted, bytesLeft) * 1.25 + 2 * batch + 4096;
    return Math.min(cap, Math.max(64 * 1024, Math.ceil(need)));
  };

  async function fetchFrom(
    broker: InternalBroker,
    items: Planned[],
    maxWaitMs: number,
    single: boolean,
    bytesLeft: number,
  ): Promise<FetchedPartition[]> {
    const o = options as KafkaClientOptions;
    // kafkajs' own Fetch request for the version it agreed with the broker, decoded by the engine's decoder
    // (fetchResponse.ts) instead of into one object per record.
    const protocolRequest = broker.lookupRequest(apiKeys.Fetch, requests.Fetch)({
      replicaId: -1,
      isolationLevel,
      maxWaitTime: maxWaitMs,
      minBytes: 1,
      maxBytes: single ? Math.max(o.fetch.maxBytes, ESCALATED_BYTES) : o.fetch.maxBytes,
      rackId: '',
      topics: [
        {
          topic,
          partitions: items.map(({ s, offset }) => ({
            partition: s.partition,
            fetchOffset: offset.toString(),
            maxBytes: single ? ESCALATED_BYTES : partitionBytes(s, offset, o.fetch.maxBytesPerPartition, bytesLeft),
          })),
        },
      ],
    });
    const version = protocolRequest.request.apiVersion;
    const request: ProtocolRequest<FetchResponse> = {
      ...protocolRequest,
      response: { decode: (raw) => decodeFetchResponse(raw, version), parse: parseFetch },
    };
    let response: FetchResponse;
    try {
      response = await broker.connectionPool.send(request);
    } catch (e) {
      // As kafkajs' Broker does for its own requests: a closed connection is reopened on the next request.
      if ((e as { name?: string }).name === 'KafkaJSConnectionClosedError') await broker.disconnect().catch(() => undefined);
      throw e;
    }
    return response.responses.filter((r) => r.topicName === topic).flatMap((r) => r.partitions);
  }

  async function read(start: Map<number, Offset>, limits: ReadLimits): Promise<PartitionBatch[]> {
    if (configError) throw configError;
    const o = options as KafkaClientOptions;
    const states: PartitionState[] = [...start.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partition, from]) => {
        if (from < 0n) throw new SourceError('configuration', `Start offset ${from} of partition ${partition} is not a real offset: resolve OFFSET_BEGINNING/OFFSET_END first.`, partition);
        const until = limits.untilOffsets?.get(partition);
        return { partition, from, next: from, until, values: [], messages: 0, done: until !== undefined && until <= from, escalate: false };
      });
    const byPartition = new Map(states.map((s) => [s.partition, s]));
    const what = `reading topic "${topic}"`;
    let bytes = 0;
    let rows = 0;
    let full = false;
    let failures = 0;

    const consume = (s: PartitionState, r: FetchedPartition, single: boolean) => {
      const before = s.next;
      const bound = isolationLevel === 1 && r.lastStableOffset >= 0n ? r.lastStableOffset : r.highWatermark; // the end this isolation level can see
      if (r.highWatermark >= MAX_EXACT) {
        throw new SourceError('configuration', `Partition ${s.partition} of topic "${topic}" has offsets beyond 2^53, which the engine cannot read.`, s.partition);
      }
      const batches = r.batches;
      learn(batches);
      const kept = isolationLevel === 1 && r.abortedTransactions.length > 0 ? committedBatches(batches, r.abortedTransactions) : undefined;
      let stopped = false;
      // Offsets are numbers here (exact below 2^53, checked above): one BigInt per response, none per record.
      const nextN = Number(s.next);
      const untilN = s.until !== undefined ? Number(s.until) : Infinity;
      let nextOut = nextN;
      const maxRows = limits.maxRows ?? Infinity;
      let lastBatch: FetchedBatch | undefined;
      let lastIndex = 0;
      scan: for (const b of batches) {
        const base = Number(b.baseOffset);
        if (base + b.lastOffsetDelta < nextN) continue; // a whole batch before the fetch offset
        // Transaction markers and aborted records take offsets but carry no data.
        const skip = b.control || (kept !== undefined && !kept.has(b));
        const { offsetDeltas, valueStarts, valueEnds, bytes: records } = b;
        for (let i = 0; i < offsetDeltas.length; i++) {
          const offset = base + offsetDeltas[i]!;
          if (offset < nextN) continue; // the head of a batch that starts before the fetch offset
          if (offset >= untilN) {
            stopped = true; // fetches return whole batches: trim what lies past the range
            break scan;
          }
          if (!skip) {
            const valueStart = valueStarts[i]!;
            if (valueStart >= 0) {
              const valueEnd = valueEnds[i]!;
              const length = valueEnd - valueStart;
              if ((bytes > 0 && bytes + length > limits.maxBytes) || rows >= maxRows) {
                full = true;
                stopped = true;
                break scan;
              }
              const value = records.subarray(valueStart, valueEnd);
              if (limits.onValue) limits.onValue(s.partition, value);
              else s.values.push(value);
              s.messages += 1;
              bytes += length;
              rows += 1;
            }
            lastBatch = b;
            lastIndex = i;
          }
          nextOut = offset + 1;
        }
      }
      s.next = BigInt(nextOut);
      if (lastBatch) {
        const ts = lastBatch.logAppendTime ? lastBatch.maxTimestamp : lastBatch.firstTimestamp + lastBatch.timestampDeltas[lastIndex]!;
        if (Number.isFinite(ts) && ts >= 0) s.lastTimestampMs = ts;
      }
      // The response's batches are no longer needed (only the kept values are): let them go early.
      r.batches = [];
      if (!stopped && batches.length > 0) {
        // Compaction can remove a batch's last records; its header still says where it ends.
        let end = batchEnd(batches[batches.length - 1]!);
        if (s.until !== undefined && end > s.until) end = s.until;
        if (end > s.next) s.next = end;
      }
      if (s.until !== undefined && stopped && !full) s.next = s.until;
      const end = s.until !== undefined && s.until < bound ? s.until : bound;
      if (!stopped && s.next === before && s.next < end) {
        // Kafka answers with data whenever there is some in [next, end); an empty answer below the end is either a
        // gap (compacted or deleted offsets) or a batch that did not fit. Ask once more with room for any batch.
        if (s.escalate && single) {
          log('debug', `Kafka partition ${s.partition} of "${topic}": no records between ${s.next} and ${end}; skipping the gap.`);
          s.next = end;
          s.escalate = false;
        } else {
          s.escalate = true;
        }
      } else if (s.next !== before || stopped) {
        s.escalate = false;
      }
      if (full) return;
      if (s.until !== undefined ? s.next >= s.until : s.next >= bound) s.done = true; // range end, or EOF
    };

    const startRound = (plan: Planned[]): Promise<Round> =>
      (async (): Promise<Round> => {
        const wait = Math.max(0, Math.min(o.fetch.maxWaitMs, limits.deadlineMs - Date.now()));
        try {
          const c = await ready(what);
          const byPlan = new Map(plan.map((x) => [x.s.partition, x]));
          const groups: Array<{ nodeId: string; items: Planned[]; single: boolean }> = [];
          for (const [nodeId, parts] of await leaders(c, plan.map((x) => x.s.partition))) {
            const items = parts.map((p) => byPlan.get(p) as Planned);
            const normal = items.filter((x) => !x.s.escalate);
            if (normal.length > 0) groups.push({ nodeId, items: normal, single: false });
            for (const x of items.filter((i) => i.s.escalate)) groups.push({ nodeId, items: [x], single: true });
          }
          return await Promise.allSettled(
            groups.map(async (g) => ({
              offsets: new Map(g.items.map((x) => [x.s.partition, x.offset])),
              single: g.single,
              parts: await fetchFrom(await c.findBroker({ nodeId: g.nodeId }), g.items, g.single ? 0 : wait, g.single, limits.maxBytes - bytes),
            })),
          );
        } catch (e) {
          return [{ status: 'rejected', reason: e }];
        }
      })();
    const canGoOn = () => !full && !limits.signal?.aborted && limits.deadlineMs - Date.now() > 0;

    await ready(what);
    // Fetches are pipelined: as soon as a round arrives, the next one is sent from where this one ends (its last
    // batch), and the arrived one is consumed meanwhile. A response is used only if it starts exactly at the
    // partition's next offset, so a wrong guess costs a fetch, never a record.
    let pending: Promise<Round> | undefined;
    let planned = new Map<number, Offset>();
    const plannedAt = (s: PartitionState) => planned.get(s.partition);
    for (;;) {
      const active = states.filter((s) => !s.done);
      if (active.length === 0 || !canGoOn()) break;
      const results = await (pending ?? startRound(active.map((s) => ({ s, offset: s.next }))));
      pending = undefined;
      // Where each partition will stand once this round is consumed: the end of its last batch (undefined when
      // nothing arrived); partitions that will be finished are left out.
      const guesses = new Map<number, Offset | undefined>();
      for (const r of results) {
        if (r.status !== 'fulfilled') continue;
        for (const pr of r.value.parts) {
          const s = byPartition.get(pr.partition);
          if (!s || r.value.offsets.get(pr.partition) !== s.next || pr.batches.length === 0) continue;
          const guess = batchEnd(pr.batches[pr.batches.length - 1]!);
          const bound = isolationLevel === 1 && pr.lastStableOffset >= 0n ? pr.lastStableOffset : pr.highWatermark;
          guesses.set(pr.partition, (s.until !== undefined ? guess >= s.until : guess >= bound) ? undefined : guess);
        }
      }
      if (!results.some((r) => r.status === 'rejected') && canGoOn()) {
        const plan: Planned[] = [];
        for (const s of states) {
          if (s.done) continue;
          if (!guesses.has(s.partition)) plan.push({ s, offset: s.next });
          else {
            const guess = guesses.get(s.partition);
            if (guess !== undefined) plan.push({ s, offset: guess });
          }
        }
        planned = new Map(plan.map((x) => [x.s.partition, x.offset]));
        if (plan.length > 0) {
          // Tracked: when this read ends first (deadline, byte limit), close() must still wait for the round.
          pending = tracked(startRound(plan));
          pending.catch(() => undefined);
        }
      }
      let failure: unknown;
      for (const r of results) {
        if (r.status === 'rejected') {
          failure ??= r.reason;
          continue;
        }
        for (const pr of [...r.value.parts].sort((a, b) => a.partition - b.partition)) {
          const s = byPartition.get(pr.partition);
          if (s && !s.done && !full && r.value.offsets.get(pr.partition) === s.next) consume(s, pr, r.value.single);
        }
      }
      if (failure === undefined) {
        failures = 0;
        // A partition whose speculative fetch no longer matches (a gap was skipped) is fetched again next round.
        if (pending && states.some((s) => !s.done && plannedAt(s) !== s.next)) {
          pending = pending.then(async (round) => {
            const missed = states.filter((s) => !s.done && plannedAt(s) !== s.next);
            return missed.length > 0 && canGoOn() ? [...round, ...(await startRound(missed.map((s) => ({ s, offset: s.next }))))] : round;
          });
          pending.catch(() => undefined);
        }
        continue;
      }
      const e = failure as { name?: string; partition?: number };
      if (e.name === 'KafkaJSOffsetOutOfRange') {
        const s = e.partition !== undefined ? byPartition.get(e.partition) : undefined;
        if (s) throw await outOfRange(s.partition, s.next);
        throw new SourceError('offsetOutOfRange', `Kafka says an offset of topic "${topic}" is out of range. You can modify kafka_offsets by ALTER ROUTINE LOAD, then RESUME the job.`);
      }
      if (failure instanceof SourceError || ++failures >= MAX_CONSECUTIVE_FAILURES || !retriable(failure)) throw toSourceError(failure, ctx(what));
      log('debug', `Kafka fetch from "${topic}" failed (${(failure as Error).message}); retrying.`);
      await cluster?.refreshMetadata().catch(() => undefined);
      await sleep(100 * failures);
    }

    return states.map((s) => {
      const batch: PartitionBatch = { partition: s.partition, from: s.from, lastOffset: s.next - 1n, values: s.values, messages: s.messages };
      if (s.lastTimestampMs !== undefined) batch.lastTimestampMs = s.lastTimestampMs;
      return batch;
    });
  }

  /** Best effort, for external monitoring only: the engine's store holds the real offsets. */
  async function commit(nextOffsets: Map<number, Offset>): Promise<void> {
    if (nextOffsets.size === 0 || configError || closed) return;
    try {
      const c = await ready(`committing offsets of group "${groupId}"`);
      const coordinator = await c.findGroupCoordinator({ groupId });
      await coordinator.offsetCommit({
        groupId,
        groupGenerationId: -1, // a "simple" commit: no group membership
        memberId: '',
        topics: [{ topic, partitions: [...nextOffsets].map(([partition, offset]) => ({ partition, offset: offset.toString() })) }],
      });
    } catch (e) {
      // Only for external monitoring (StarRocks: "just print a warning"); once, then at debug.
      const message = `Kafka group commit for "${groupId}" failed (only monitoring tools see group offsets): ${toSourceError(e, ctx('committing offsets')).message}`;
      log(commitWarned ? 'debug' : 'warn', message);
      commitWarned = true;
    }
  }

  return {
    ignored: options?.ignored ?? [],
    groupId,

    partitions() {
      return tracked(withRetry(`reading the partitions of topic "${topic}"`, async (c) => {
        await c.refreshMetadata(); // fresh, so new partitions are discovered
        return c.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
      }));
    },

    watermarks: (partitions) => tracked(watermarks(partitions)),

    async offsetsForTimestamp(partitions, timestampMs) {
      const what = `looking up offsets by time in topic "${topic}"`;
      const found = await listOffsets(partitions, String(Math.trunc(timestampMs)), what);
      const missing = partitions.filter((p) => (found.get(p) ?? -1n) < 0n);
      if (missing.length > 0) {
        const high = await listOffsets(missing, LATEST, what);
        for (const p of missing) found.set(p, high.get(p) ?? 0n);
      }
      return new Map(partitions.map((p) => [p, found.get(p) as Offset]));
    },

    read: (start, limits) => tracked(read(start, limits)),

    commit: (nextOffsets) => tracked(commit(nextOffsets)),

    async close() {
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...underWay]),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_WAIT_MS); }),
      ]);
      clearTimeout(timer);
      const c = cluster;
      cluster = undefined;
      if (c) await c.disconnect().catch(() => undefined);
      // kafkajs only ends its sockets and leaves closing them to the broker. Over TLS the broker keeps the
      // half-closed connection until its connections.max.idle.ms (10 minutes), and the socket keeps this
      // process alive all that time: close them here.
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };

}

/** kafkajs' socket factory, keeping every socket it opens in `sockets` until the socket closes. */
function trackingSockets(factory: ISocketFactory, sockets: Set<Socket>): ISocketFactory {
  return (args) => {
    const socket = factory(args);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
}

function retriable(e: unknown): boolean {
  const err = e as { name?: string; retriable?: boolean; type?: string };
  if (err.name === 'KafkaJSOffsetOutOfRange') return false;
  if (err.type === 'UNKNOWN_TOPIC_OR_PARTITION' || err.type === 'TOPIC_AUTHORIZATION_FAILED') return false;
  if (err.name === 'KafkaJSSASLAuthenticationError') return false;
  return (
    err.retriable === true ||
    err.name === 'KafkaJSConnectionError' ||
    err.name === 'KafkaJSConnectionClosedError' ||
    err.name === 'KafkaJSRequestTimeoutError' ||
    err.name === 'KafkaJSBrokerNotFound' ||
    err.name === 'KafkaJSMetadataNotLoaded' ||
    err.name === 'KafkaJSTopicMetadataNotLoaded'
  );
}
