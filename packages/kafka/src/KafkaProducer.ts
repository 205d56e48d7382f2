/**
 * KafkaProducer: an Effect service over a kafkajs producer. A scoped resource (connect with a
 * timeout and bounded retries; release drains in-flight sends, then disconnects), batched delivery
 * with bounded in-flight batches, and one retry layer: a jittered, capped exponential Schedule
 * bounded by the delivery timeout, applied per batch.
 */
import { Chunk, Context, Duration, Effect, Layer, Metric, Option, Schedule, type Scope, Stream } from "effect"
import type { RecordMetadata as KafkaJsRecordMetadata, Message, Producer } from "kafkajs"
import { CompressionTypes, Partitioners } from "kafkajs"
import { classify } from "./internal/classify.js"
import { makeKafka } from "./internal/client.js"
import { connectWithin } from "./internal/connect.js"
import * as KafkaConfig from "./KafkaConfig.js"
import { isRetriable, type KafkaConfigError, type KafkaError, KafkaTimeoutError } from "./KafkaError.js"
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

/** kafkajs's Java-compatible partitioner that also writes the chosen partition onto the message,
 * so retries keep it and offsets can be reported per record. */
const stickyPartitioner = () => {
  const partition = Partitioners.DefaultPartitioner()
  return (args: Parameters<ReturnType<typeof Partitioners.DefaultPartitioner>>[0]) => {
    const p = partition(args)
    args.message.partition = p
    return p
  }
}

const toMessages = (records: ReadonlyArray<ProducerRecord>): Array<Message> => {
  const out = new Array<Message>(records.length)
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    const message: Message = { key: r.key, value: r.value }
    if (r.headers !== undefined) message.headers = r.headers as Record<string, string>
    if (r.timestamp !== undefined) message.timestamp = r.timestamp
    out[i] = message
  }
  return out
}

/** Per-record metadata: kafkajs reports a base offset per partition; records keep their order inside it. */
const perRecordMetadata = (
  messages: ReadonlyArray<Message>,
  response: ReadonlyArray<KafkaJsRecordMetadata>,
): Array<RecordMetadata> => {
  const next = new Map<number, number>()
  for (const r of response) next.set(r.partition, Number(r.baseOffset ?? -1))
  const out = new Array<RecordMetadata>(messages.length)
  for (let i = 0; i < messages.length; i++) {
    const partition = messages[i]!.partition ?? -1
    const offset = next.get(partition)
    if (offset === undefined || offset < 0) out[i] = { partition, offset: "-1" }
    else {
      out[i] = { partition, offset: String(offset) }
      next.set(partition, offset + 1)
    }
  }
  return out
}

export const make = (config: KafkaConfig.KafkaConfig): Effect.Effect<Service, KafkaError, Scope.Scope> =>
  Effect.gen(function* () {
    const brokers = config.brokers.join(",")
    const kafka = yield* makeKafka(config)
    const producer: Producer = kafka.producer({
      idempotent: config.idempotent,
      allowAutoTopicCreation: false,
      createPartitioner: stickyPartitioner,
      // kafkajs refuses an idempotent producer with zero retries; one inner retry, ours outside.
      retry: { retries: config.idempotent ? 1 : 0 },
      ...(config.idempotent ? { maxInFlightRequests: 1 } : {}),
    })
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

    yield* Effect.acquireRelease(connectWithin(config, producer), () => disconnect)
    yield* Effect.logDebug(`kafka producer connected to ${KafkaConfig.describe(config)}`)

    const acks = acksOf[config.acks]
    const compression = compressionOf[config.compression]
    const timeout = Math.round(Duration.toMillis(config.requestTimeout))
    const schedule = retrySchedule(config.retry, config.deliveryTimeout)
    const deliveryTimeoutMs = Duration.toMillis(config.deliveryTimeout)

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
        const messages = toMessages(records)
        const started = performance.now()
        let attempts = 0
        let lastError: KafkaError | undefined
        const attempt = Effect.suspend(() => {
          attempts++
          const promise = producer.sendBatch({
            acks,
            timeout,
            compression,
            topicMessages: [{ topic, messages }],
          })
          inFlight.add(promise)
          promise.then(
            () => inFlight.delete(promise),
            () => inFlight.delete(promise),
          )
          return Effect.tryPromise({
            try: () => promise,
            catch: (cause) => classify(cause, { brokers, topic, unknownTopicRetriable: true }),
          })
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
        return attempt.pipe(
          Effect.retry({ schedule, while: isRetriable }),
          Effect.timeoutFail({
            duration: config.deliveryTimeout,
            onTimeout: () =>
              new KafkaTimeoutError({
                operation: `delivery of a batch of ${records.length} records${lastError ? ` (last error: ${lastError.message})` : ""}`,
                timeoutMs: deliveryTimeoutMs,
              }),
          }),
          Effect.map((response) => perRecordMetadata(messages, response)),
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
  Effect.flatMap(KafkaConfig.fromEnvValidated, make),
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
