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

  /** What kafkajs' request builders return: the request, its response decoder and its timeout. */
  export interface ProtocolRequest<T = unknown> {
    request: { apiKey: number; apiVersion: number; apiName: string };
    response: { decode(raw: Buffer): Promise<T>; parse(decoded: T): Promise<T> };
    requestTimeout?: number;
  }

  export interface InternalBroker {
    /** The request builder for the API version this broker and kafkajs agree on. */
    lookupRequest(apiKey: number, definitions: unknown): (args: object) => ProtocolRequest;
    connectionPool: { send<T>(request: ProtocolRequest<T>): Promise<T> };
    disconnect(): Promise<void>;
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

declare module 'kafkajs/src/protocol/decoder' {
  class Decoder {
    constructor(buffer: Buffer);
    offset: number;
    readInt16(): number;
    readInt32(): number;
    readString(): string;
    forward(bytes: number): void;
  }
  export = Decoder;
}

declare module 'kafkajs/src/protocol/messageSet/decoder' {
  import type Decoder from 'kafkajs/src/protocol/decoder';
  /** A legacy (magic 0/1) message set, compressed wrappers expanded. */
  function MessageSetDecoder(
    decoder: Decoder,
    size: number,
  ): Promise<Array<{ offset: string; timestamp?: string; key: Buffer | null; value: Buffer | null }>>;
  export = MessageSetDecoder;
}

declare module 'kafkajs/src/protocol/message/compression' {
  /** The codec for a batch's attributes; throws KafkaJSNotImplemented for a compression nobody registered. */
  export function lookupCodecByAttributes(attributes: number): { decompress(buffer: Buffer): Promise<Buffer> };
}

declare module 'kafkajs/src/protocol/requests' {
  /** Each API's request definitions (its versions), for Broker.lookupRequest. */
  export const requests: { Fetch: unknown };
}

declare module 'kafkajs/src/protocol/requests/apiKeys' {
  const apiKeys: { Fetch: number };
  export = apiKeys;
}

declare module 'kafkajs/src/protocol/requests/fetch/v0/response' {
  /** Throws the kafkajs error of the first partition with an error code (KafkaJSOffsetOutOfRange with its partition). */
  export function parse<T>(decoded: T): Promise<T>;
}
