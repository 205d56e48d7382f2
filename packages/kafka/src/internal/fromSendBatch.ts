/** The producer service around any batch sender, and the batching that every delivery target shares. */
import { type Cause, Effect, Exit, Queue, Semaphore, Stream } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { DeliverOptions, Service } from "../KafkaProducer.js"
import type { BatchOutcome, ProducerRecord, RecordMetadata, SendBatch } from "./records.js"

/** How many batches one request may carry: 4 of 1,000 records of about 400 bytes is 1.6 MB. */
export const maxBatchesPerRequest = 4

export interface Batching {
  readonly batchMaxRecords: number
  readonly linger: KafkaConfig["linger"]
  readonly maxInFlight: number
  /** How many batches one request may carry (1: each batch alone, nothing held back to join it). */
  readonly batchesPerRequest: number
}

/**
 * Requests of up to `maxRecords` records. The batches that fill up while requests are in flight
 * wait (at most `maxRecords` records of them: generation waits beyond), and the next request takes
 * all that wait, as Java's producer drains every ready partition batch of a broker: at full speed
 * requests grow with the partition count, and per-partition batches stay large.
 */
const intoRequests = <R, E, Req>(
  batches: Stream.Stream<ReadonlyArray<R>, E, Req>,
  maxRecords: number,
): Stream.Stream<ReadonlyArray<R>, E, Req> =>
  Stream.unwrap(
    Effect.gen(function* () {
      // The queue holds batches; the semaphore's permits bound the records they hold.
      const waiting = yield* Queue.unbounded<ReadonlyArray<R>, E | Cause.Done>()
      const room = yield* Semaphore.make(maxRecords)
      const offer = (batch: ReadonlyArray<R>) =>
        Effect.andThen(Semaphore.take(room, batch.length), Queue.offer(waiting, batch))
      // The batches' end (or failure) reaches the requests once the waiting ones are taken.
      const feeding = Effect.onExit(Stream.runForEach(batches, offer), (exit) =>
        Exit.isSuccess(exit) ? Queue.end(waiting) : Queue.failCause(waiting, exit.cause),
      )
      yield* Effect.forkScoped(feeding)
      const nextRequest = Effect.flatMap(Queue.takeBetween(waiting, 1, maxRecords), (ready) => {
        const request = ready.length === 1 ? ready[0]! : ready.flat()
        return Effect.as(Semaphore.release(room, request.length), [request] as const)
      })
      return Stream.fromPull(Effect.succeed(nextRequest))
    }),
  )

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
      (batches) =>
        batching.batchesPerRequest === 1
          ? batches
          : intoRequests(batches, batching.batchMaxRecords * batching.batchesPerRequest),
      // Whichever comes first: the answer, or the caller giving up (the records not acknowledged
      // then fail with the caller's reason, so that every record still gets exactly one outcome).
      Stream.mapEffect((request) => sendBatch(topic, request, options.abandon), {
        concurrency: batching.maxInFlight,
      }),
      Stream.flattenIterable,
    )

/**
 * The service around any batch sender: `send` and the batching, bounded `deliver` are the same for
 * every sender (a Kafka client or in-memory).
 */
export const fromSendBatch = (config: KafkaConfig, sendBatch: SendBatch): Omit<Service, "transact"> => {
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
