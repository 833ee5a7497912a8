// The server's own notifications, for the extension (and any other client) to import.
// The client fetches live metadata in the background and pushes it here; the server never
// calls out to Kafka or StarRocks, so typing never waits on the network.
import type { KafkaMetadata, TableSchema } from '../service';

/**
 * client → server: the topics (with partition ids) of one Kafka cluster.
 * Replaces what was known of that cluster (`brokers` is the job's "kafka_broker_list"; omit it for
 * "the configured cluster"). Feeds completion of "kafka_topic" and "kafka_partitions".
 */
export const KAFKA_METADATA = 'routineLoad/kafkaMetadata';
export type KafkaMetadataParams = KafkaMetadata;

/**
 * client → server: table schemas from a configured StarRocks (`_schema`).
 * With `replace: true` the list replaces every table reported before; otherwise it is merged.
 * Feeds table completion after ON, column completion in COLUMNS / WHERE, and hover.
 */
export const TABLE_SCHEMAS = 'routineLoad/tableSchemas';
export interface TableSchemasParams {
  tables: TableSchema[];
  replace?: boolean;
}

/** Settings section read through workspace/configuration. */
export const CONFIGURATION_SECTION = 'routineLoad';

/** Default debounce between the last edit and fresh diagnostics. */
export const DEFAULT_DIAGNOSTICS_DELAY_MS = 150;
