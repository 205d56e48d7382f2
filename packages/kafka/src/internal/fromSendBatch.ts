/** The producer service around any batch sender. */
import { Chunk, Effect, Sink, Stream } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { DeliverOptions, Service } from "../KafkaProducer.js"
import type { ProducerRecord, RecordMetadata } from "./records.js"
import type { SendBatch } from "./sendBatch.js"

/** How many batches one request may carry: 4 of 1,000 records of about 400 bytes is 1.6 MB. */
const maxBatchesPerRequest = 4

/**
 * The service around any batch sender: `send` and the batching, bounded `deliver` are the same for
 * every sender (a Kafka client, in-memory, or an app's own target such as stdout).
 */
export const fromSendBatch = (config: KafkaConfig, sendBatch: SendBatch): Service => {
  // A failed batch fails the call, even when some of its partitions were acknowledged before.
  const send = (topic: string, records: ReadonlyArray<ProducerRecord>) =>
    Effect.flatMap(sendBatch(topic, records), (outcomes) => {
      const metadata: Array<RecordMetadata> = []
      for (const outcome of outcomes) {
        if (outcome._tag === "Failed") return Effect.fail(outcome.error)
        metadata.push(...outcome.metadata)
      }
      return Effect.succeed(metadata)
    })
  const deliver = <R extends ProducerRecord, E, Req>(
    topic: string,
    records: Stream.Stream<R, E, Req>,
    options: DeliverOptions = {},
  ) => {
    const { abandon } = options
    return records.pipe(
      Stream.groupedWithin(config.batchMaxRecords, config.linger),
      // The batches that fill up while a request is in flight go out together in the next one (up
      // to maxBatchesPerRequest), as Java's producer drains every ready partition batch of a broker:
      // at full speed requests grow with the partition count, and per-partition batches stay large.
      Stream.aggregate(
        Sink.foldWeighted({
          initial: Chunk.empty<R>(),
          maxCost: config.batchMaxRecords * maxBatchesPerRequest,
          cost: (_, batch: Chunk.Chunk<R>) => batch.length,
          body: (request, batch) => Chunk.appendAll(request, batch),
        }),
      ),
      // Whichever comes first: the answer, or the caller giving up (the records not acknowledged
      // then fail with the caller's error, so that every record still gets exactly one outcome).
      Stream.mapEffect((request) => sendBatch(topic, Chunk.toReadonlyArray(request), abandon), {
        concurrency: config.maxInFlight,
      }),
      Stream.flattenIterables,
    )
  }
  return { config, send, sendBatch, deliver }
}
