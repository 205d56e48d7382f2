/**
 * KafkaProducer: an Effect service over a Kafka client (kafkajs or @platformatic/kafka, chosen by
 * `config.client`). A scoped resource (connect with a timeout and bounded retries; release drains
 * in-flight requests, then closes), batched delivery with bounded in-flight batches, and one retry
 * layer: a jittered, capped exponential Schedule bounded by the delivery timeout, per batch.
 */
import { Context, Effect, Layer, Metric, type Scope, type Stream } from "effect"
import { deliverInBatches, fromSendBatch, maxBatchesPerRequest } from "./internal/fromSendBatch.js"
import { InFlight } from "./internal/inFlight.js"
import { deliverThroughLanes, Lanes } from "./internal/lanes.js"
import type { ProducerClient } from "./internal/ProducerClient.js"
import type {
  BatchOutcome,
  DeliveryAbandoned,
  DeliveryError,
  ProducerRecord,
  RecordMetadata,
  SendBatch,
} from "./internal/records.js"
import { claimId, makeSendInTransaction, type Transact, withoutId } from "./internal/transactions.js"
import { takingTurns } from "./internal/transactionTurns.js"
import * as KafkaConfig from "./KafkaConfig.js"
import type { KafkaConfigError, KafkaError } from "./KafkaError.js"
import * as ProducerMetrics from "./ProducerMetrics.js"

export { type Batching, deliverInBatches, fromSendBatch } from "./internal/fromSendBatch.js"
export { type InMemoryLog, type InMemoryOptions, makeInMemory } from "./internal/inMemoryProducer.js"
export {
  type BatchOutcome,
  type BatchOutcomes,
  DeliveryAbandoned,
  type DeliveryError,
  type ProducerRecord,
  type RecordMetadata,
  type SendBatch,
} from "./internal/records.js"
export { retrySchedule } from "./internal/retry.js"
export type { Transact } from "./internal/transactions.js"

export interface Service {
  readonly config: KafkaConfig.KafkaConfig
  /** Sends one batch, retried on retriable errors up to the delivery timeout; metadata per record. */
  readonly send: (
    topic: string,
    records: ReadonlyArray<ProducerRecord>,
  ) => Effect.Effect<ReadonlyArray<RecordMetadata>, DeliveryError>
  /** Like send, but never fails: its outcomes carry the records, and the error of those that failed. */
  readonly sendBatch: SendBatch
  /**
   * Groups records into batches (up to batchMaxRecords, or what arrived within linger); the batches
   * that fill while a request is in flight go out together in the next one (up to 4, each
   * partition's share in batches of at most batchMaxRecords). Up to maxInFlight requests are in
   * flight, each partition's one after another (see lanes.ts); upstream waits beyond, so memory
   * stays bounded. Emits each request's outcomes: one, or a Delivered then a Failed when the request
   * failed after Kafka acknowledged some of its partitions. Kafka failures never fail the stream:
   * they come back as Failed outcomes.
   */
  readonly deliver: <R extends ProducerRecord, E, Req>(
    topic: string,
    records: Stream.Stream<R, E, Req>,
    options?: DeliverOptions,
  ) => Stream.Stream<BatchOutcome<R>, E, Req>
  /**
   * With transactional.id: sends the records in one transaction of their own, then commits it, or
   * aborts it when `commit` is false (see transactions.ts); one outcome for the whole transaction.
   */
  readonly transact: Transact
}

export interface DeliverOptions {
  /**
   * Giving up: once this completes, every batch still awaiting its answer (and every batch still to
   * be sent) is interrupted: its records not yet acknowledged fail with the stop it yields. The
   * requests already sent are not waited for any more, also not when the producer closes.
   */
  readonly abandon?: Effect.Effect<DeliveryAbandoned>
}

export class KafkaProducer extends Context.Service<KafkaProducer, Service>()(
  "@customer-events/kafka/KafkaProducer",
) {}

/**
 * A transactional producer's clients, taking turns: one transaction commits while the next one's
 * records are sent (transactionTurns.ts). `transact` calls made this many at a time overlap.
 */
export const transactionTurns = 2

/**
 * Each client's module is loaded only when it is chosen: @platformatic/kafka alone adds about 70 MB
 * of resident memory (its schema and codec dependencies), which a kafkajs run need not carry.
 */
const connectClient: Record<
  KafkaConfig.Client,
  (config: KafkaConfig.KafkaConfig) => Effect.Effect<ProducerClient, KafkaError>
> = {
  kafkajs: (config) =>
    Effect.flatMap(
      Effect.promise(() => import("./internal/kafkajsProducer.js")),
      (module) => module.make(config),
    ),
  platformatic: (config) =>
    Effect.flatMap(
      Effect.promise(() => import("./internal/platformaticProducer.js")),
      (module) => module.make(config),
    ),
}

export const make = (config: KafkaConfig.KafkaConfig): Effect.Effect<Service, KafkaError, Scope.Scope> =>
  Effect.gen(function* () {
    const inFlight = new InFlight()
    const disconnects = ProducerMetrics.forClient(config).disconnects
    const lanes = new Lanes(config, connectClient[config.client], inFlight)
    // The first lane connects now: a run learns at once that the cluster answers.
    const [first] = yield* Effect.acquireRelease(lanes.open(1), () =>
      inFlight
        .drain(config.drainTimeout)
        .pipe(
          Effect.andThen(lanes.close),
          Effect.andThen(Metric.update(disconnects, 1)),
          Effect.andThen(Effect.logDebug("kafka producer disconnected")),
        ),
    )
    yield* Effect.logDebug(`kafka producer connected to ${KafkaConfig.describe(config)}`)
    const batching = { ...config, batchesPerRequest: maxBatchesPerRequest }
    const transactionalId = config.transactionalId
    if (transactionalId !== undefined) {
      // Two clients of their own ids taking turns, each batch a transaction committed on its own.
      const clients = (yield* lanes.open(transactionTurns)).map((lane) => ({
        ...lane,
        config: { ...lane.config, transactionalId: lane.config.transactionalId ?? transactionalId },
      }))
      // Each id taken now: a zombie of this producer is fenced before anything is sent.
      yield* Effect.forEach(clients, (lane) => claimId(lane.config, lane.client, transactionalId), {
        concurrency: "unbounded",
      })
      const transact = takingTurns(
        clients.map((lane) =>
          makeSendInTransaction(lane.config, lane.client, lane.sendBatch, transactionalId),
        ),
      )
      const committed: SendBatch = (topic, records, abandon) =>
        Effect.map(transact(topic, records, true, abandon), (outcome) => [outcome])
      return {
        ...fromSendBatch(config, committed),
        deliver: deliverInBatches({ ...batching, maxInFlight: transactionTurns }, committed),
        transact,
      }
    }
    return {
      ...fromSendBatch(config, first!.sendBatch),
      deliver: deliverThroughLanes(config, lanes, batching),
      transact: withoutId,
    }
  })

export const layer = (config: KafkaConfig.KafkaConfig): Layer.Layer<KafkaProducer, KafkaError> =>
  Layer.effect(KafkaProducer, make(config))

/**
 * Configured from the environment (KAFKA_BOOTSTRAP_SERVERS, KAFKA_CLIENT, KAFKA_SASL_*, ...) over the
 * defaults.
 */
export const layerConfig: Layer.Layer<KafkaProducer, KafkaError | KafkaConfigError> = Layer.effect(
  KafkaProducer,
  Effect.flatMap(KafkaConfig.load({}), ({ config }) => make(config)),
)
