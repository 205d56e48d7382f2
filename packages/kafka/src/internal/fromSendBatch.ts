/** The producer service around any batch sender, and the batching that every delivery target shares. */
import { Chunk, Effect, Sink, Stream } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { DeliverOptions, Service } from "../KafkaProducer.js"
import type { BatchOutcome, ProducerRecord, RecordMetadata, SendBatch } from "./records.js"

/** How many batches one request may carry: 4 of 1,000 records of about 400 bytes is 1.6 MB. */
const maxBatchesPerRequest = 4

export interface Batching {
  readonly batchMaxRecords: number
  readonly linger: KafkaConfig["linger"]
  readonly maxInFlight: number
  /** How many batches one request may carry (1: each batch alone, nothing held back to join it). */
  readonly batchesPerRequest: number
}

/**
 * Batched, bounded delivery over any batch sender (a Kafka client, in-memory, stdout): records in
 * batches of up to `batchMaxRecords` (or what arrived within `linger`), at most `maxInFlight`
 * requests at once (upstream waits), each request's outcomes out in order.
 */
export const deliverInBatches =
  <E>(batching: Batching, sendBatch: SendBatch<E>) =>
  <R extends ProducerRecord, E2, Req>(
    topic: string,
    records: Stream.Stream<R, E2, Req>,
    options: DeliverOptions = {},
  ): Stream.Stream<BatchOutcome<R, E>, E2, Req> =>
    records.pipe(
      Stream.groupedWithin(batching.batchMaxRecords, batching.linger),
      // The batches that fill up while a request is in flight go out together in the next one (up
      // to batchesPerRequest), as Java's producer drains every ready partition batch of a broker:
      // at full speed requests grow with the partition count, and per-partition batches stay large.
      (batches) =>
        batching.batchesPerRequest === 1
          ? batches
          : Stream.aggregate(
              batches,
              Sink.foldWeighted({
                initial: Chunk.empty<R>(),
                maxCost: batching.batchMaxRecords * batching.batchesPerRequest,
                cost: (_, batch: Chunk.Chunk<R>) => batch.length,
                body: (request, batch) => Chunk.appendAll(request, batch),
              }),
            ),
      // Whichever comes first: the answer, or the caller giving up (the records not acknowledged
      // then fail with the caller's reason, so that every record still gets exactly one outcome).
      Stream.mapEffect((request) => sendBatch(topic, Chunk.toReadonlyArray(request), options.abandon), {
        concurrency: batching.maxInFlight,
      }),
      Stream.flattenIterables,
    )

/**
 * The service around any batch sender: `send` and the batching, bounded `deliver` are the same for
 * every sender (a Kafka client or in-memory).
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
  const batching = { ...config, batchesPerRequest: maxBatchesPerRequest }
  return { config, send, sendBatch, deliver: deliverInBatches(batching, sendBatch) }
}
