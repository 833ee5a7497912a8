// The engine's Kafka source: exact offset ranges on kafkajs, and the mapping of StarRocks' property.* settings.
export { createKafkaSource, type KafkajsSource } from './source';
export { kafkaClientOptions, type KafkaClientOptions, type KafkaClientOptionsHooks } from './options';
export { toSourceError } from './errors';
