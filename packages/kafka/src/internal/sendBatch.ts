/**
 * One batch through a producer client: attempt -> retry -> outcome, written once for every client.
 * An attempt sends the partitions not yet acknowledged, request after request; the one retry
 * Schedule repeats retriable failures up to the delivery timeout; the outcome carries the records.
 */
import { Duration, Effect, type Schedule } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import { isRetriable, type KafkaError, KafkaTimeoutError, KafkaTopicNotFoundError } from "../KafkaError.js"
import * as ProducerMetrics from "../ProducerMetrics.js"
import type { ClientSession } from "./clientSession.js"
import { type PartitionBatch, splitByPartition, toRequests } from "./partitioner.js"
import type { BatchOutcome, ProducerRecord, RecordMetadata } from "./records.js"
import { retrySchedule } from "./retry.js"

export type SendBatch = <R extends ProducerRecord>(
  topic: string,
  records: ReadonlyArray<R>,
) => Effect.Effect<BatchOutcome<R>>

/** What one batch has learnt so far, across its attempts. */
interface BatchState {
  readonly topic: string
  readonly records: ReadonlyArray<ProducerRecord>
  parts: Array<PartitionBatch> | undefined
  /** Each acknowledged partition batch's base offset. */
  readonly acknowledged: Map<PartitionBatch, string>
  attempts: number
  lastError: KafkaError | undefined
}

interface Sender {
  readonly config: KafkaConfig
  readonly session: ClientSession
  readonly schedule: Schedule.Schedule<unknown, KafkaError>
  readonly metrics: ReturnType<typeof ProducerMetrics.forClient>
}

/** Where each record went: its partition batch's base offset plus its rank in that batch. */
const metadataOf = (state: BatchState): Array<RecordMetadata> => {
  const out = new Array<RecordMetadata>(state.records.length)
  for (const part of state.parts ?? []) {
    const base = Number(state.acknowledged.get(part) ?? -1)
    for (let rank = 0; rank < part.indexes.length; rank++)
      out[part.indexes[rank]!] = { partition: part.partition, offset: base < 0 ? "-1" : String(base + rank) }
  }
  return out
}

/** Sends what is not acknowledged yet, request after request; the first failure ends the attempt. */
const attempt = ({ config, session }: Sender, state: BatchState): Effect.Effect<void, KafkaError> =>
  Effect.gen(function* () {
    state.attempts++
    yield* session.restartIfNeeded
    state.parts ??= splitByPartition(
      state.records,
      yield* session.partitionCount(state.topic),
      config.batchMaxRecords,
    )
    const pending = state.parts.filter((part) => !state.acknowledged.has(part))
    for (const batches of toRequests(pending))
      yield* session.request(state.topic, batches, (batch, offset) => state.acknowledged.set(batch, offset))
  }).pipe(
    Effect.tapError((error) => {
      state.lastError = error
      return error.retriable
        ? Effect.logDebug(`batch of ${state.records.length} failed, will retry: ${error.message}`)
        : Effect.void
    }),
  )

/** The error at the delivery timeout: a topic still missing then is gone, not slow, and fatal. */
const givenUp = ({ config }: Sender, state: BatchState) =>
  state.lastError?._tag === "KafkaTopicNotFoundError"
    ? new KafkaTopicNotFoundError({ topic: state.topic, retriable: false, cause: state.lastError })
    : new KafkaTimeoutError({
        operation: `delivery of a batch of ${state.records.length} records${state.lastError ? ` (last error: ${state.lastError.message})` : ""}`,
        timeoutMs: Duration.toMillis(config.deliveryTimeout),
      })

const delivered = <R extends ProducerRecord>(
  sender: Sender,
  state: BatchState,
  records: ReadonlyArray<R>,
  started: number,
) => {
  const latencyMs = performance.now() - started
  const retries = Math.max(0, state.attempts - 1)
  return Effect.as(sender.metrics.recordBatch(state.topic, records.length, retries, latencyMs, true), {
    _tag: "Delivered" as const,
    records,
    metadata: metadataOf(state),
    retries,
    latencyMs,
  })
}

const failed = <R extends ProducerRecord>(
  sender: Sender,
  state: BatchState,
  records: ReadonlyArray<R>,
  started: number,
  error: KafkaError,
) => {
  // Given up with requests possibly still in flight: the next batch starts afresh.
  if (sender.config.idempotent && error._tag === "KafkaTimeoutError")
    sender.session.restartBeforeNextAttempt("a batch was given up on at its delivery timeout")
  const latencyMs = performance.now() - started
  const retries = Math.max(0, state.attempts - 1)
  return sender.metrics
    .recordBatch(state.topic, records.length, retries, latencyMs, false)
    .pipe(
      Effect.zipRight(Effect.logWarning(`batch of ${records.length} records failed: ${error.message}`)),
      Effect.as({ _tag: "Failed" as const, records, error, retries, latencyMs }),
    )
}

export const makeSendBatch = (config: KafkaConfig, session: ClientSession): SendBatch => {
  const sender: Sender = {
    config,
    session,
    schedule: retrySchedule(config.retry, config.deliveryTimeout),
    metrics: ProducerMetrics.forClient(config),
  }
  return <R extends ProducerRecord>(topic: string, records: ReadonlyArray<R>) =>
    Effect.suspend((): Effect.Effect<BatchOutcome<R>> => {
      if (records.length === 0)
        return Effect.succeed({ _tag: "Delivered", records, metadata: [], retries: 0, latencyMs: 0 })
      const started = performance.now()
      const state: BatchState = {
        topic,
        records,
        parts: undefined,
        acknowledged: new Map(),
        attempts: 0,
        lastError: undefined,
      }
      return attempt(sender, state).pipe(
        Effect.retry({ schedule: sender.schedule, while: isRetriable }),
        Effect.timeoutFail({ duration: config.deliveryTimeout, onTimeout: () => givenUp(sender, state) }),
        Effect.matchEffect({
          onSuccess: () => delivered(sender, state, records, started),
          onFailure: (error) => failed(sender, state, records, started, error),
        }),
        // Given up on by the caller (deliver's abandon): its records failed, for the metrics too.
        Effect.onInterrupt(() =>
          sender.metrics.recordBatch(
            topic,
            records.length,
            Math.max(0, state.attempts - 1),
            performance.now() - started,
            false,
          ),
        ),
        Effect.ensuring(sender.metrics.inFlight(topic, -1)),
        (sending) => Effect.zipRight(sender.metrics.inFlight(topic, 1), sending),
      )
    })
}
