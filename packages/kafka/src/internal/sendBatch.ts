/**
 * One batch through a producer client: attempt -> retry -> outcome, written once for every client.
 * An attempt sends the partitions not yet acknowledged, within a deadline; the one retry Schedule
 * repeats retriable failures up to the delivery timeout; the outcome carries the records either way.
 */
import { Duration, Effect, Option } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import { isRetriable, type KafkaError, KafkaTimeoutError, KafkaTopicNotFoundError } from "../KafkaError.js"
import * as ProducerMetrics from "../ProducerMetrics.js"
import { noAnswer, producerStateTypes } from "./classify.js"
import type { InFlight } from "./inFlight.js"
import type { ProducerClient } from "./ProducerClient.js"
import { type PartitionBatch, splitByPartition, toRequests } from "./partitioner.js"
import type { BatchOutcome, ProducerRecord, RecordMetadata } from "./records.js"
import { retrySchedule } from "./retry.js"

export type SendBatch = <R extends ProducerRecord>(
  topic: string,
  records: ReadonlyArray<R>,
) => Effect.Effect<BatchOutcome<R>>

/** What one batch has learnt so far, across its attempts. */
interface BatchState {
  readonly records: ReadonlyArray<ProducerRecord>
  parts: Array<PartitionBatch> | undefined
  /** Each acknowledged partition batch's base offset. */
  readonly acknowledged: Map<PartitionBatch, string>
  attempts: number
  lastError: KafkaError | undefined
}

/** Where each record went: its partition's base offset plus its rank in the partition. */
const metadataOf = (state: BatchState): Array<RecordMetadata> => {
  const out = new Array<RecordMetadata>(state.records.length)
  for (const part of state.parts ?? []) {
    const base = Number(state.acknowledged.get(part) ?? -1)
    for (let rank = 0; rank < part.indexes.length; rank++)
      out[part.indexes[rank]!] = { partition: part.partition, offset: base < 0 ? "-1" : String(base + rank) }
  }
  return out
}

export const makeSendBatch = (config: KafkaConfig, client: ProducerClient, inFlight: InFlight): SendBatch => {
  const metrics = ProducerMetrics.forClient(config.clientId)
  const schedule = retrySchedule(config.retry, config.deliveryTimeout)
  const deliveryTimeoutMs = Duration.toMillis(config.deliveryTimeout)
  const requestTimeoutMs = Math.round(Duration.toMillis(config.requestTimeout))
  // A request gets an answer, or the client's own timeout error, within the request timeout.
  const attemptTimeout = Duration.sum(config.requestTimeout, "1 second")

  /**
   * Why the next attempt must first restart the client (a new producer id, fresh metadata), when
   * set: a batch was given up on at its delivery timeout and may still be in flight, the broker
   * reported the idempotent producer's sequences out of step, or a broker stopped answering (a
   * frozen process keeps its TCP connections open). Java's producer bumps its epoch for the same.
   */
  let restartReason: string | undefined
  const restartIfNeeded = Effect.suspend(() => {
    const reason = restartReason
    if (reason === undefined) return Effect.void
    return client.restart.pipe(
      Effect.tap(() => {
        restartReason = undefined
        return Effect.logWarning(`restarted the kafka producer (new producer id, fresh metadata): ${reason}`)
      }),
    )
  })

  // Partition counts, read once per topic: records are partitioned here, for every client alike.
  const partitionCounts = new Map<string, number>()
  const partitionCount = (topic: string) =>
    Effect.suspend(() => {
      const known = partitionCounts.get(topic)
      if (known !== undefined) return Effect.succeed(known)
      return Effect.tryPromise({
        try: () => client.partitionCount(topic),
        catch: (cause) => client.classify(cause, { topic, unknownTopicRetriable: true }),
      }).pipe(Effect.tap((n) => (n > 0 ? Effect.sync(() => partitionCounts.set(topic, n)) : Effect.void)))
    })

  /** One request: a batch of each of several partitions, answered within its deadline. */
  const request = (topic: string, state: BatchState, batches: ReadonlyArray<PartitionBatch>) =>
    Effect.gen(function* () {
      const byPartition = new Map(batches.map((batch) => [batch.partition, batch]))
      let failure: unknown
      const sent = inFlight.track(
        client
          .send(topic, batches, (partition, offset) =>
            state.acknowledged.set(byPartition.get(partition)!, offset),
          )
          .catch((cause: unknown) => {
            failure = cause
          }),
      )
      const answered = yield* Effect.promise(() => sent).pipe(Effect.timeoutOption(attemptTimeout))
      if (Option.isNone(answered)) {
        // Abandoned: its unacknowledged records are sent again, so closing need not wait for it.
        inFlight.forget(sent)
        restartReason = "a broker did not answer within the request timeout"
        return yield* Effect.fail(noAnswer(requestTimeoutMs))
      }
      if (failure === undefined) return
      const error = client.classify(failure, { topic, unknownTopicRetriable: true })
      if (config.idempotent && error._tag === "KafkaRequestError" && producerStateTypes.has(error.code))
        restartReason = "the idempotent producer's sequences went out of step"
      return yield* Effect.fail(error)
    })

  /** Sends what is not acknowledged yet, request after request; the first failure ends the attempt. */
  const attempt = (topic: string, state: BatchState): Effect.Effect<void, KafkaError> =>
    Effect.gen(function* () {
      state.attempts++
      yield* restartIfNeeded
      state.parts ??= splitByPartition(state.records, yield* partitionCount(topic), config.batchMaxRecords)
      const pending = state.parts.filter((part) => !state.acknowledged.has(part))
      for (const batches of toRequests(pending)) yield* request(topic, state, batches)
    }).pipe(
      Effect.tapError((error) => {
        state.lastError = error
        return error.retriable
          ? Effect.logDebug(`batch of ${state.records.length} failed, will retry: ${error.message}`)
          : Effect.void
      }),
    )

  const deadline = (topic: string, state: BatchState) => () =>
    // A topic still missing at the deadline is gone, not slow: say so, and it is fatal.
    state.lastError?._tag === "KafkaTopicNotFoundError"
      ? new KafkaTopicNotFoundError({ topic, retriable: false, cause: state.lastError })
      : new KafkaTimeoutError({
          operation: `delivery of a batch of ${state.records.length} records${state.lastError ? ` (last error: ${state.lastError.message})` : ""}`,
          timeoutMs: deliveryTimeoutMs,
        })

  return <R extends ProducerRecord>(topic: string, records: ReadonlyArray<R>) =>
    Effect.suspend(() => {
      if (records.length === 0)
        return Effect.succeed<BatchOutcome<R>>({
          _tag: "Delivered",
          records,
          metadata: [],
          retries: 0,
          latencyMs: 0,
        })
      const started = performance.now()
      const state: BatchState = {
        records,
        parts: undefined,
        acknowledged: new Map(),
        attempts: 0,
        lastError: undefined,
      }
      const retries = () => Math.max(0, state.attempts - 1)
      return attempt(topic, state).pipe(
        Effect.retry({ schedule, while: isRetriable }),
        Effect.timeoutFail({ duration: config.deliveryTimeout, onTimeout: deadline(topic, state) }),
        Effect.matchEffect({
          onSuccess: () => {
            const latencyMs = performance.now() - started
            return Effect.as(metrics.recordBatch(records.length, retries(), latencyMs, true), {
              _tag: "Delivered" as const,
              records,
              metadata: metadataOf(state),
              retries: retries(),
              latencyMs,
            })
          },
          onFailure: (error) => {
            // Given up with requests possibly still in flight: the next batch starts afresh.
            if (config.idempotent && error._tag === "KafkaTimeoutError")
              restartReason = "a batch was given up on at its delivery timeout"
            const latencyMs = performance.now() - started
            return metrics
              .recordBatch(records.length, retries(), latencyMs, false)
              .pipe(
                Effect.zipRight(
                  Effect.logWarning(`batch of ${records.length} records failed: ${error.message}`),
                ),
                Effect.as({ _tag: "Failed" as const, records, error, retries: retries(), latencyMs }),
              )
          },
        }),
      )
    })
}
