/**
 * KafkaProducer: an Effect service over a kafkajs producer. A scoped resource (connect with a
 * timeout and bounded retries; release drains in-flight sends, then disconnects), batched delivery
 * with bounded in-flight batches, and one retry layer: a jittered, capped exponential Schedule
 * bounded by the delivery timeout, applied per batch.
 */
import { Chunk, Context, Duration, Effect, Layer, Metric, Option, Schedule, type Scope, Stream } from "effect"
import type { RecordMetadata as KafkaJsRecordMetadata, Message, Producer } from "kafkajs"
import { CompressionTypes, Partitioners } from "kafkajs"
import { classify, noAnswer, producerStateTypes } from "./internal/classify.js"
import { makeKafka } from "./internal/client.js"
import { connectWithin } from "./internal/connect.js"
import * as KafkaConfig from "./KafkaConfig.js"
import {
  isRetriable,
  type KafkaConfigError,
  type KafkaError,
  KafkaTimeoutError,
  KafkaTopicNotFoundError,
} from "./KafkaError.js"
import * as ProducerMetrics from "./ProducerMetrics.js"

/** A record to send. `timestamp` is epoch milliseconds as a decimal string. */
export interface ProducerRecord {
  readonly key: string | null
  readonly value: string | Buffer
  readonly headers?: Readonly<Record<string, string>>
  readonly timestamp?: string
}

/** Where Kafka stored a record (offset "-1" with acks=none, which returns no offsets). */
export interface RecordMetadata {
  readonly partition: number
  readonly offset: string
}

/** The outcome of one batch: acknowledged, or failed for good, carrying its records either way. */
export type BatchOutcome<R extends ProducerRecord = ProducerRecord> =
  | {
      readonly _tag: "Delivered"
      readonly records: ReadonlyArray<R>
      readonly metadata: ReadonlyArray<RecordMetadata>
      readonly retries: number
      readonly latencyMs: number
    }
  | {
      readonly _tag: "Failed"
      readonly records: ReadonlyArray<R>
      readonly error: KafkaError
      readonly retries: number
      readonly latencyMs: number
    }

export interface Service {
  readonly config: KafkaConfig.KafkaConfig
  /** Sends one batch, retried on retriable errors up to the delivery timeout; metadata per record. */
  readonly send: (
    topic: string,
    records: ReadonlyArray<ProducerRecord>,
  ) => Effect.Effect<ReadonlyArray<RecordMetadata>, KafkaError>
  /** Like send, but never fails: the outcome carries the error and the records. */
  readonly sendBatch: <R extends ProducerRecord>(
    topic: string,
    records: ReadonlyArray<R>,
  ) => Effect.Effect<BatchOutcome<R>>
  /**
   * Groups records into batches (up to batchMaxRecords, or what arrived within linger), keeps at
   * most maxInFlight batches in flight (upstream waits: memory stays bounded) and emits one outcome
   * per batch, in order. Kafka failures never fail the stream: they come back as Failed outcomes.
   */
  readonly deliver: <R extends ProducerRecord, E, Req>(
    topic: string,
    records: Stream.Stream<R, E, Req>,
  ) => Stream.Stream<BatchOutcome<R>, E, Req>
}

export class KafkaProducer extends Context.Tag("@customer-events/kafka/KafkaProducer")<
  KafkaProducer,
  Service
>() {}

/**
 * The retry schedule of a batch: exponential from the initial delay, jittered, each delay capped,
 * and no new attempt once the deadline (the delivery timeout) has passed.
 */
export const retrySchedule = (policy: KafkaConfig.RetryPolicy, deadline: Duration.Duration) =>
  Schedule.exponential(policy.initialDelay, policy.multiplier).pipe(
    Schedule.jitteredWith({ min: 1 - policy.jitter, max: 1 + policy.jitter }),
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay)),
    Schedule.upTo(deadline),
  )

const compressionOf = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP } as const

const acksOf = { all: -1, leader: 1, none: 0 } as const

/**
 * A batch split by partition, each part with the records' indexes in the batch. Partitions are
 * chosen here, with kafkajs's Java-compatible partitioner (murmur2 of the key), so that each part
 * goes to kafkajs on its own: see `sendBatch` for why.
 */
const splitByPartition = (
  records: ReadonlyArray<ProducerRecord>,
  partitions: number,
  partitioner: ReturnType<typeof Partitioners.DefaultPartitioner>,
  topic: string,
): Map<number, { readonly messages: Array<Message>; readonly indexes: Array<number> }> => {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [],
    isr: [],
    partitionErrorCode: 0,
  }))
  const parts = new Map<number, { messages: Array<Message>; indexes: Array<number> }>()
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    const message: Message = { key: r.key, value: r.value }
    if (r.headers !== undefined) message.headers = r.headers as Record<string, string>
    if (r.timestamp !== undefined) message.timestamp = r.timestamp
    const partition = partitioner({ topic, partitionMetadata, message })
    message.partition = partition
    let part = parts.get(partition)
    if (part === undefined) {
      part = { messages: [], indexes: [] }
      parts.set(partition, part)
    }
    part.messages.push(message)
    part.indexes.push(i)
  }
  return parts
}

export const make = (config: KafkaConfig.KafkaConfig): Effect.Effect<Service, KafkaError, Scope.Scope> =>
  Effect.gen(function* () {
    const brokers = config.brokers.join(",")
    // When each broker last let a request time out. A frozen broker still accepts TCP connections
    // and then never answers, and kafkajs always tries the first bootstrap address first: a new
    // producer tries the brokers that timed out last, and the most recent one very last. (This
    // applies when the bootstrap list names the brokers themselves, as kafkajs reports them; a
    // load-balanced bootstrap address is left first.)
    const timedOutAt = new Map<string, number>()
    const seedOrder = () =>
      [...config.brokers].sort((a, b) => (timedOutAt.get(a) ?? 0) - (timedOutAt.get(b) ?? 0))
    const kafka = yield* makeKafka(config, seedOrder)
    const newProducer = (): Producer => {
      const created = kafka.producer({
        idempotent: config.idempotent,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        // kafkajs refuses an idempotent producer with zero retries; one inner retry, ours outside.
        retry: { retries: config.idempotent ? 1 : 0 },
        ...(config.idempotent ? { maxInFlightRequests: 1 } : {}),
      })
      created.on(created.events.REQUEST_TIMEOUT, (event) => {
        timedOutAt.set(event.payload.broker, Date.now())
      })
      return created
    }
    let producer: Producer = newProducer()
    // Reads partition counts (kafkajs's producer does not expose its metadata).
    const admin = kafka.admin({ retry: { retries: 0 } })
    const inFlight = new Set<Promise<unknown>>()
    const metrics = ProducerMetrics.forClient(config.clientId)

    const disconnect = Effect.gen(function* () {
      if (inFlight.size > 0) {
        yield* Effect.logInfo(`waiting for ${inFlight.size} in-flight batch(es) before disconnecting`)
        const drained = yield* Effect.promise(() => Promise.allSettled([...inFlight])).pipe(
          Effect.timeoutOption(config.drainTimeout),
        )
        if (Option.isNone(drained))
          yield* Effect.logWarning(
            `in-flight batches still unanswered after the drain timeout (${Duration.format(config.drainTimeout)})`,
          )
      }
      yield* Effect.promise(() => producer.disconnect().catch(() => undefined)).pipe(
        Effect.timeoutOption("5 seconds"),
      )
      yield* Metric.increment(metrics.disconnects)
      yield* Effect.logDebug("kafka producer disconnected")
    })

    yield* Effect.acquireRelease(connectWithin(config, admin), () =>
      Effect.promise(() => admin.disconnect().catch(() => undefined)).pipe(Effect.timeoutOption("5 seconds")),
    )
    yield* Effect.acquireRelease(connectWithin(config, producer), () => disconnect)
    yield* Effect.logDebug(`kafka producer connected to ${KafkaConfig.describe(config)}`)

    const acks = acksOf[config.acks]
    const compression = compressionOf[config.compression]
    const timeout = Math.round(Duration.toMillis(config.requestTimeout))
    const schedule = retrySchedule(config.retry, config.deliveryTimeout)
    const deliveryTimeoutMs = Duration.toMillis(config.deliveryTimeout)

    // Partition counts, read once per topic: records are partitioned here (see sendBatch).
    const partitionCounts = new Map<string, number>()
    const partitionCount = (topic: string) =>
      Effect.suspend(() => {
        const known = partitionCounts.get(topic)
        if (known !== undefined) return Effect.succeed(known)
        return Effect.tryPromise({
          try: () => admin.fetchTopicMetadata({ topics: [topic] }),
          catch: (cause) => classify(cause, { brokers, topic, unknownTopicRetriable: true }),
        }).pipe(
          Effect.map(({ topics }) => topics[0]?.partitions.length ?? 0),
          Effect.tap((n) => (n > 0 ? Effect.sync(() => partitionCounts.set(topic, n)) : Effect.void)),
        )
      })
    const partitioner = Partitioners.DefaultPartitioner()

    const send = (promise: Promise<Array<KafkaJsRecordMetadata>>) => {
      inFlight.add(promise)
      promise.then(
        () => inFlight.delete(promise),
        () => inFlight.delete(promise),
      )
      return promise
    }

    /**
     * One batch, sent as one kafkajs call per partition, concurrently; a retry resends only the
     * partitions not yet acknowledged. Why not one call for the batch: when a call spans several
     * brokers and one fails, kafkajs 2.2.4 retries only towards brokers that have not answered yet;
     * if the failed partitions' new leader is a broker that already answered, their records are
     * never sent, and the call still succeeds (found by the reliability suite: records reported
     * delivered, missing from the topic). A call per partition has one broker; it also keeps a
     * retry from resending partitions that were already written.
     */
    /**
     * The idempotent producer's sequence numbers can go wrong for good: a batch given up on at its
     * delivery timeout may still be in flight, and kafkajs rolls sequences back when requests fail
     * (the broker then answers OUT_OF_ORDER_SEQUENCE_NUMBER to every later batch). Like Java's
     * producer bumping its epoch, we then start afresh: a new kafkajs producer, so a new producer id
     * and sequences from 0. A record of the abandoned batch may then be written twice, never lost.
     */
    /**
     * The same remedy when a broker stops answering (a frozen process, a network partition): after
     * a request timeout kafkajs neither refreshes its metadata nor leaves that broker, and its inner
     * retry waits on the same broker again. A fresh producer, seeded from another broker, reads
     * fresh metadata and finds the partition's new leader. Why the fresh producer is needed, when set.
     */
    let needsFreshProducer: string | undefined
    const freshProducer = (reason: string) =>
      Effect.gen(function* () {
        // Not awaited: kafkajs's disconnect waits for pending requests, which a frozen broker
        // never answers. The old producer's unanswered calls still settle their promises.
        const old = producer
        old.disconnect().catch(() => undefined)
        producer = newProducer()
        yield* connectWithin(config, producer)
        needsFreshProducer = undefined
        yield* Effect.logWarning(`restarted the kafka producer (new producer id, fresh metadata): ${reason}`)
      })
    const givenUp = "a batch was given up on at its delivery timeout"
    const outOfStep = "the idempotent producer's sequences went out of step"
    // A produce call gets an answer or kafkajs's own timeout error within the request timeout.
    const attemptTimeout = Duration.sum(config.requestTimeout, "1 second")

    const sendBatch = <R extends ProducerRecord>(topic: string, records: ReadonlyArray<R>) =>
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
        let attempts = 0
        let lastError: KafkaError | undefined
        let parts: ReturnType<typeof splitByPartition> | undefined
        const acknowledged = new Map<number, string>()
        const attempt = Effect.gen(function* () {
          attempts++
          if (needsFreshProducer !== undefined) yield* freshProducer(needsFreshProducer)
          if (parts === undefined)
            parts = splitByPartition(records, yield* partitionCount(topic), partitioner, topic)
          const pending = [...parts].filter(([partition]) => !acknowledged.has(partition))
          let failure: unknown
          const requests = pending.map(([, part]) =>
            send(
              producer.sendBatch({
                acks,
                timeout,
                compression,
                topicMessages: [{ topic, messages: part.messages }],
              }),
            ),
          )
          const answers = requests.map((request, i) =>
            request.then(
              (metadata) => {
                acknowledged.set(pending[i]![0], metadata[0]?.baseOffset ?? "-1")
              },
              (reason: unknown) => {
                failure ??= reason
              },
            ),
          )
          const answered = yield* Effect.promise(() => Promise.all(answers)).pipe(
            Effect.timeoutOption(attemptTimeout),
          )
          if (Option.isNone(answered)) {
            // Abandoned: the unanswered records are sent again, so release need not wait for them.
            for (const request of requests) inFlight.delete(request)
            needsFreshProducer = "a broker did not answer within the request timeout"
            return yield* Effect.fail(noAnswer(timeout))
          }
          if (failure !== undefined) {
            const error = classify(failure, { brokers, topic, unknownTopicRetriable: true })
            if (config.idempotent && error._tag === "KafkaRequestError" && producerStateTypes.has(error.code))
              needsFreshProducer = outOfStep
            return yield* Effect.fail(error)
          }
        }).pipe(
          Effect.tapError((error) =>
            Effect.sync(() => {
              lastError = error
            }).pipe(
              Effect.zipRight(
                error.retriable
                  ? Effect.logDebug(`batch of ${records.length} failed, will retry: ${error.message}`)
                  : Effect.void,
              ),
            ),
          ),
        )
        // Where each record went: its partition's base offset plus its rank in the part.
        const metadataOf = (): Array<RecordMetadata> => {
          const out = new Array<RecordMetadata>(records.length)
          for (const [partition, part] of parts!) {
            const base = Number(acknowledged.get(partition) ?? -1)
            part.indexes.forEach((index, rank) => {
              out[index] = { partition, offset: base < 0 ? "-1" : String(base + rank) }
            })
          }
          return out
        }
        return attempt.pipe(
          Effect.retry({ schedule, while: isRetriable }),
          Effect.timeoutFail({
            duration: config.deliveryTimeout,
            // A topic still missing at the deadline is gone, not slow: say so, and it is fatal.
            onTimeout: () =>
              lastError?._tag === "KafkaTopicNotFoundError"
                ? new KafkaTopicNotFoundError({ topic, retriable: false, cause: lastError })
                : new KafkaTimeoutError({
                    operation: `delivery of a batch of ${records.length} records${lastError ? ` (last error: ${lastError.message})` : ""}`,
                    timeoutMs: deliveryTimeoutMs,
                  }),
          }),
          Effect.map(metadataOf),
          Effect.matchEffect({
            onSuccess: (metadata) => {
              const latencyMs = performance.now() - started
              return Effect.as(metrics.recordBatch(records.length, attempts - 1, latencyMs, true), {
                _tag: "Delivered" as const,
                records,
                metadata,
                retries: attempts - 1,
                latencyMs,
              })
            },
            onFailure: (error) => {
              // Given up with requests possibly still in flight: the next batch starts a fresh producer.
              if (config.idempotent && error._tag === "KafkaTimeoutError") needsFreshProducer = givenUp
              const latencyMs = performance.now() - started
              return metrics.recordBatch(records.length, Math.max(0, attempts - 1), latencyMs, false).pipe(
                Effect.zipRight(
                  Effect.logWarning(`batch of ${records.length} records failed: ${error.message}`),
                ),
                Effect.as({
                  _tag: "Failed" as const,
                  records,
                  error,
                  retries: Math.max(0, attempts - 1),
                  latencyMs,
                }),
              )
            },
          }),
        )
      })

    return fromSendBatch(config, sendBatch)
  })

export type SendBatch = <R extends ProducerRecord>(
  topic: string,
  records: ReadonlyArray<R>,
) => Effect.Effect<BatchOutcome<R>>

/**
 * The service around any batch sender: `send` and the batching, bounded `deliver` are the same for
 * every sender (kafkajs, in-memory, or an app's own target such as stdout).
 */
export const fromSendBatch = (config: KafkaConfig.KafkaConfig, sendBatch: SendBatch): Service => {
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
  return KafkaProducer.of({ config, send, sendBatch, deliver })
}

export const layer = (config: KafkaConfig.KafkaConfig): Layer.Layer<KafkaProducer, KafkaError> =>
  Layer.scoped(KafkaProducer, make(config))

/** Configured from the environment (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SASL_*, ...) over the defaults. */
export const layerConfig: Layer.Layer<KafkaProducer, KafkaError | KafkaConfigError> = Layer.scoped(
  KafkaProducer,
  Effect.flatMap(KafkaConfig.load({}), ({ config }) => make(config)),
)

/** What an in-memory producer holds: every acknowledged record, by topic, in order. */
export interface InMemoryLog {
  readonly records: Array<{ readonly topic: string; readonly record: ProducerRecord }>
}

export interface InMemoryOptions {
  readonly config?: KafkaConfig.Settings
  /** Time each batch takes to be acknowledged (it sleeps on the Effect clock, so TestClock drives it). */
  readonly latency?: Duration.DurationInput
  /** Decides a batch's fate: an error fails it (after `retries` attempts), undefined delivers it. */
  readonly fail?: (records: ReadonlyArray<ProducerRecord>) => KafkaError | undefined
  readonly log?: InMemoryLog
}

/**
 * An in-memory producer with the real batching and in-flight limits, for testing stream logic
 * without a broker. It never replaces the tests against the real broker.
 */
export const makeInMemory = (options: InMemoryOptions = {}): Effect.Effect<Service, KafkaConfigError> =>
  Effect.map(KafkaConfig.make(options.config ?? {}), (config) => {
    const log = options.log ?? { records: [] }
    const latency = Duration.decode(options.latency ?? 0)
    const sendBatch: SendBatch = (topic, records) =>
      Effect.gen(function* () {
        yield* Effect.sleep(latency)
        const error = options.fail?.(records)
        const latencyMs = Duration.toMillis(latency)
        if (error !== undefined) return { _tag: "Failed" as const, records, error, retries: 0, latencyMs }
        const offset = log.records.length
        for (const record of records) log.records.push({ topic, record })
        const metadata = records.map((_, i) => ({ partition: 0, offset: String(offset + i) }))
        return { _tag: "Delivered" as const, records, metadata, retries: 0, latencyMs }
      })
    return fromSendBatch(config, sendBatch)
  })

export const layerTest = (options: InMemoryOptions = {}): Layer.Layer<KafkaProducer, KafkaConfigError> =>
  Layer.effect(KafkaProducer, makeInMemory(options))
