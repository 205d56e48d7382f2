/**
 * One batch through a producer client: attempt -> retry -> outcome, written once for every client.
 * An attempt sends the partitions not yet acknowledged, request after request; the one retry
 * Schedule repeats retriable failures up to the delivery timeout; the outcomes carry the records,
 * each record in exactly one of them.
 */
import { Duration, Effect, type Schedule } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import { isRetriable, type KafkaError, KafkaTimeoutError } from "../KafkaError.js"
import * as ProducerMetrics from "../ProducerMetrics.js"
import type { ClientSession } from "./clientSession.js"
import { type PartitionBatch, splitByPartition, toRequests } from "./partitioner.js"
import type {
  BatchOutcome,
  BatchOutcomes,
  DeliveryAbandoned,
  DeliveryError,
  ProducerRecord,
  RecordMetadata,
  SendBatch,
} from "./records.js"
import { retrySchedule } from "./retry.js"

/** What one batch has learnt so far, across its attempts. */
interface BatchState {
  readonly topic: string
  readonly records: ReadonlyArray<ProducerRecord>
  parts: Array<PartitionBatch> | undefined
  /** Each acknowledged partition batch's base offset. */
  readonly acknowledged: Map<PartitionBatch, string>
  attempts: number
  lastError: KafkaError | undefined
  /** Records sent again under a new producer id (see BatchOutcome). */
  duplicatesPossible: number
}

interface Sender {
  readonly config: KafkaConfig
  readonly session: ClientSession
  readonly schedule: Schedule.Schedule<unknown, KafkaError>
  readonly metrics: ReturnType<typeof ProducerMetrics.forClient>
}

/** Where each acknowledged record went (its partition batch's base offset plus its rank in it). */
const placementsOf = (state: BatchState): Array<RecordMetadata | undefined> => {
  const out = new Array<RecordMetadata | undefined>(state.records.length)
  for (const part of state.parts ?? []) {
    const acknowledged = state.acknowledged.get(part)
    if (acknowledged === undefined) continue
    const base = Number(acknowledged)
    for (let rank = 0; rank < part.indexes.length; rank++)
      out[part.indexes[rank]!] = { partition: part.partition, offset: base < 0 ? "-1" : String(base + rank) }
  }
  return out
}

/** The records Kafka acknowledged (with where they went) and the rest, each in the batch's order. */
const splitByAcknowledgement = <R extends ProducerRecord>(state: BatchState, records: ReadonlyArray<R>) => {
  const acknowledged: Array<R> = []
  const metadata: Array<RecordMetadata> = []
  if (state.acknowledged.size === 0) return { acknowledged, metadata, rest: records }
  const rest: Array<R> = []
  const placements = placementsOf(state)
  for (let i = 0; i < records.length; i++) {
    const placement = placements[i]
    if (placement === undefined) rest.push(records[i]!)
    else {
      acknowledged.push(records[i]!)
      metadata.push(placement)
    }
  }
  return { acknowledged, metadata, rest }
}

/** Sends what is not acknowledged yet, request after request; the first failure ends the attempt. */
const attempt = ({ config, session }: Sender, state: BatchState): Effect.Effect<void, KafkaError> =>
  Effect.gen(function* () {
    state.attempts++
    state.duplicatesPossible += yield* session.restartIfNeeded
    state.parts ??= splitByPartition(state.records, yield* session.partitionCount(state.topic), {
      records: config.batchMaxRecords,
      bytes: config.batchMaxBytes,
    })
    const pending = state.parts.filter((part) => !state.acknowledged.has(part))
    for (const batches of toRequests(pending)) {
      const answer = yield* session.request(state.topic, batches)
      for (const [batch, offset] of answer.acknowledged) state.acknowledged.set(batch, offset)
      if (answer.error !== undefined) return yield* Effect.fail(answer.error)
    }
  }).pipe(
    Effect.tapError((error) => {
      state.lastError = error
      return error.retriable
        ? Effect.logDebug(`batch of ${state.records.length} failed, will retry: ${error.message}`)
        : Effect.void
    }),
  )

/** The error at the delivery timeout: a topic still missing then is gone, not slow (and fatal to the run). */
const givenUp = ({ config }: Sender, state: BatchState): KafkaError =>
  state.lastError?._tag === "KafkaTopicNotFoundError"
    ? state.lastError
    : new KafkaTimeoutError({
        operation:
          `delivery of a batch of ${state.records.length} ` +
          `records${state.lastError ? ` (last error: ${state.lastError.message})` : ""}`,
        timeoutMs: Duration.toMillis(config.deliveryTimeout),
      })

const delivered = <R extends ProducerRecord>(
  sender: Sender,
  state: BatchState,
  records: ReadonlyArray<R>,
  started: number,
): Effect.Effect<BatchOutcomes<R>> => {
  const latencyMs = performance.now() - started
  const retries = Math.max(0, state.attempts - 1)
  const metadata = placementsOf(state) as Array<RecordMetadata>
  const { duplicatesPossible } = state
  return Effect.as(sender.metrics.recordBatch(state.topic, records.length, latencyMs), [
    {
      _tag: "Delivered" as const,
      records,
      metadata,
      retries,
      latencyMs,
      ...(duplicatesPossible > 0 ? { duplicatesPossible } : {}),
    },
  ])
}

/**
 * A batch given up on: the records of the partitions Kafka acknowledged before the failure are
 * delivered (they are in the topic), the others failed. One outcome each, never both for a record.
 */
const failed = <R extends ProducerRecord>(
  sender: Sender,
  state: BatchState,
  records: ReadonlyArray<R>,
  started: number,
  error: DeliveryError,
  logged: boolean,
): Effect.Effect<BatchOutcomes<R>> => {
  sender.session.gaveUp(error)
  const latencyMs = performance.now() - started
  const retries = Math.max(0, state.attempts - 1)
  const { acknowledged, metadata, rest } = splitByAcknowledgement(state, records)
  const outcomes: Array<BatchOutcome<R>> = [{ _tag: "Failed", records: rest, error, retries, latencyMs }]
  // The batch's retries are counted once, with its failure: totals stay those of the metrics.
  const duplicatesPossible = Math.min(state.duplicatesPossible, acknowledged.length)
  if (acknowledged.length > 0)
    outcomes.unshift({
      _tag: "Delivered",
      records: acknowledged,
      metadata,
      retries: 0,
      latencyMs,
      ...(duplicatesPossible > 0 ? { duplicatesPossible } : {}),
    })
  const warning =
    `batch of ${records.length} records ` +
    `failed${acknowledged.length > 0 ? ` (${acknowledged.length} of them acknowledged before)` : ""}: ` +
    `${error.message}`
  return sender.metrics
    .recordBatch(state.topic, records.length, latencyMs)
    .pipe(Effect.andThen(logged ? Effect.logWarning(warning) : Effect.void), Effect.as(outcomes))
}

export const makeSendBatch = (config: KafkaConfig, session: ClientSession): SendBatch => {
  const sender: Sender = {
    config,
    session,
    schedule: retrySchedule(config.retry, config.deliveryTimeout),
    metrics: ProducerMetrics.forClient(config),
  }
  return <R extends ProducerRecord>(
    topic: string,
    records: ReadonlyArray<R>,
    abandon?: Effect.Effect<DeliveryAbandoned>,
  ) =>
    Effect.suspend((): Effect.Effect<BatchOutcomes<R>> => {
      if (records.length === 0)
        return Effect.succeed([{ _tag: "Delivered", records, metadata: [], retries: 0, latencyMs: 0 }])
      const started = performance.now()
      const state: BatchState = {
        topic,
        records,
        parts: undefined,
        acknowledged: new Map(),
        attempts: 0,
        lastError: undefined,
        duplicatesPossible: 0,
      }
      const sending = attempt(sender, state).pipe(
        Effect.retry({ schedule: sender.schedule, while: isRetriable }),
        Effect.timeoutOrElse({
          duration: config.deliveryTimeout,
          orElse: () => Effect.fail(givenUp(sender, state)),
        }),
        Effect.as(undefined),
      )
      // Given up on by the caller (deliver's abandon): the answer is not awaited, and what was
      // acknowledged so far still counts as delivered. The caller reports the abandon, once.
      const answered = abandon === undefined ? sending : Effect.raceFirst(sending, abandon)
      return answered.pipe(
        Effect.matchEffect({
          onSuccess: (abandoned) =>
            abandoned === undefined
              ? delivered(sender, state, records, started)
              : failed(sender, state, records, started, abandoned, false),
          onFailure: (error) => failed(sender, state, records, started, error, true),
        }),
        // Interrupted from outside (a forced exit): the batch still counts in the metrics.
        Effect.onInterrupt(() =>
          sender.metrics.recordBatch(topic, records.length, performance.now() - started),
        ),
        Effect.ensuring(sender.metrics.inFlight(topic, -1)),
        (outcomes) => Effect.andThen(sender.metrics.inFlight(topic, 1), outcomes),
      )
    })
}
