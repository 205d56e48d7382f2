/** Kafka for Effect: a scoped, batched, retrying producer over kafkajs, its config and admin helpers. */
export * as KafkaAdmin from "./KafkaAdmin.js"
export * as KafkaConfig from "./KafkaConfig.js"
export * as KafkaError from "./KafkaError.js"
export * as KafkaProducer from "./KafkaProducer.js"
export * as ProducerMetrics from "./ProducerMetrics.js"
export * as Properties from "./Properties.js"
