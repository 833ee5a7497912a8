// Types for the few kafkajs 2.2.x internals the source uses. kafkajs' public consumer has no manual assign(),
// so the source talks to the brokers through kafkajs' own Cluster/Broker objects (the layer its consumer is
// built on): same connections, SASL, TLS and protocol code, without group membership. kafkajs is pinned.

declare module 'kafkajs/src/cluster' {
  import type { ISocketFactory, RetryOptions, SASLOptions } from 'kafkajs';
  import type { ConnectionOptions } from 'node:tls';

  export interface InternalLogger {
    info(message: string, extra?: object): void;
    warn(message: string, extra?: object): void;
    error(message: string, extra?: object): void;
    debug(message: string, extra?: object): void;
    namespace(name: string, logLevel?: number): InternalLogger;
    setLogLevel(level: number): void;
  }

  export interface RawRecord {
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    isControlRecord: boolean;
    batchContext: {
      firstOffset: string;
      lastOffsetDelta: number;
      producerId: string;
      inTransaction: boolean;
      isControlBatch: boolean;
    };
  }

  export interface FetchPartitionResponse {
    partition: number;
    errorCode: number;
    highWatermark: string;
    /** v4+; -1 when unknown. */
    lastStableOffset?: string;
    abortedTransactions?: Array<{ producerId: string; firstOffset: string }>;
    messages: RawRecord[];
  }

  export interface InternalBroker {
    fetch(request: {
      replicaId?: number;
      isolationLevel: number;
      maxWaitTime: number;
      minBytes: number;
      maxBytes: number;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
    }): Promise<{ responses: Array<{ topicName: string; partitions: FetchPartitionResponse[] }> }>;
    listOffsets(request: {
      replicaId?: number;
      isolationLevel: number;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; timestamp: string | number }> }>;
    }): Promise<{ responses: Array<{ topic: string; partitions: Array<{ partition: number; errorCode: number; offset: string }> }> }>;
    offsetCommit(request: {
      groupId: string;
      groupGenerationId: number;
      memberId: string;
      retentionTime?: number;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
    }): Promise<unknown>;
  }

  export interface PartitionMetadata {
    partitionId: number;
    leader: number;
    partitionErrorCode: number;
  }

  class Cluster {
    constructor(options: {
      logger: InternalLogger;
      socketFactory: ISocketFactory;
      brokers: string[];
      ssl?: ConnectionOptions | boolean;
      sasl?: SASLOptions;
      clientId?: string;
      connectionTimeout?: number;
      authenticationTimeout?: number;
      reauthenticationThreshold?: number;
      requestTimeout?: number;
      enforceRequestTimeout?: boolean;
      metadataMaxAge?: number;
      retry?: RetryOptions;
      allowAutoTopicCreation?: boolean;
      maxInFlightRequests?: number | null;
      isolationLevel?: number;
    });
    isConnected(): boolean;
    connect(): Promise<void>;
    disconnect(): Promise<void>;
    refreshMetadata(): Promise<void>;
    refreshMetadataIfNecessary(): Promise<void>;
    addTargetTopic(topic: string): Promise<void>;
    findTopicPartitionMetadata(topic: string): PartitionMetadata[];
    /** nodeId -> partitions led by it. Partitions missing from the metadata are left out. */
    findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
    findBroker(query: { nodeId: string }): Promise<InternalBroker>;
    findGroupCoordinator(query: { groupId: string }): Promise<InternalBroker>;
  }
  export = Cluster;
}

declare module 'kafkajs/src/loggers' {
  import type { InternalLogger } from 'kafkajs/src/cluster';
  import type { logCreator } from 'kafkajs';
  export function createLogger(options: { level: number; logCreator: logCreator }): InternalLogger;
}

declare module 'kafkajs/src/network/socketFactory' {
  import type { ISocketFactory } from 'kafkajs';
  function defaultSocketFactory(): ISocketFactory;
  export = defaultSocketFactory;
}

declare module 'kafkajs/src/consumer/filterAbortedMessages' {
  import type { RawRecord } from 'kafkajs/src/cluster';
  function filterAbortedMessages(input: {
    messages: RawRecord[];
    abortedTransactions?: Array<{ producerId: string; firstOffset: string }>;
  }): RawRecord[];
  export = filterAbortedMessages;
}
