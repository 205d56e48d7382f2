/**
 * Kafka for Effect over two clients (@platformatic/kafka, the default, and kafkajs): a scoped, batched,
 * retrying producer, a consumer, admin helpers and config.
 */

/** A process-wide patch for a kafkajs warning: for an app's entry point to call, once. */
export { quietKafkaJsTimerWarnings } from "./internal/quietWarnings.js"
export * as KafkaAdmin from "./KafkaAdmin.js"
export * as KafkaConfig from "./KafkaConfig.js"
export * as KafkaConsumer from "./KafkaConsumer.js"
export * as KafkaError from "./KafkaError.js"
export * as KafkaProducer from "./KafkaProducer.js"
export * as KafkaSettings from "./KafkaSettings.js"
export * as ProducerMetrics from "./ProducerMetrics.js"
export * as Properties from "./Properties.js"
export * as SchemaRegistry from "./SchemaRegistry.js"
