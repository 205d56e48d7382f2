/** The producer service around any batch sender. */
import { Chunk, Effect, Stream } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { Service } from "../KafkaProducer.js"
import type { ProducerRecord } from "./records.js"
import type { SendBatch } from "./sendBatch.js"

/**
 * The service around any batch sender: `send` and the batching, bounded `deliver` are the same for
 * every sender (a Kafka client, in-memory, or an app's own target such as stdout).
 */
export const fromSendBatch = (config: KafkaConfig, sendBatch: SendBatch): Service => {
  const send = (topic: string, records: ReadonlyArray<ProducerRecord>) =>
    Effect.flatMap(sendBatch(topic, records), (outcome) =>
      outcome._tag === "Delivered" ? Effect.succeed(outcome.metadata) : Effect.fail(outcome.error),
    )
  const deliver = <R extends ProducerRecord, E, Req>(topic: string, records: Stream.Stream<R, E, Req>) =>
    records.pipe(
      Stream.groupedWithin(config.batchMaxRecords, config.linger),
      Stream.mapEffect((chunk) => sendBatch(topic, Chunk.toReadonlyArray(chunk)), {
        concurrency: config.maxInFlight,
      }),
    )
  return { config, send, sendBatch, deliver }
}
