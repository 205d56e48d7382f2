/**
 * KafkaConsumer: an Effect service over kafkajs consumers, in the style of KafkaProducer. Each read
 * is a scoped Stream of records (key, value, headers, timestamp, partition, offset) with
 * backpressure: kafkajs waits while the stream's buffer is full.
 *
 * Two ways to read:
 * - `follow`: a consumer group, for live following;
 * - `readToEnd` / `readRanges`: every partition from the beginning (or from a timestamp) up to the
 *   high watermarks seen at the start, then the stream ends by itself. These fetch straight from the
 *   partitions' leaders (internal/rangeReader.ts): no group, so they work on a brand-new broker, and
 *   every compression codec is read.
 */
import { Chunk, Context, Effect, Layer, type Scope, Stream } from "effect"
import type { Consumer, Kafka } from "kafkajs"
import { classify } from "./internal/classify.js"
import { makeKafka } from "./internal/client.js"
import { connectWithin } from "./internal/connect.js"
import {
  type ConsumedRecord,
  type PartitionRange,
  readRanges as readRangesDirect,
} from "./internal/rangeReader.js"
import type { KafkaConfig } from "./KafkaConfig.js"
import type { KafkaError } from "./KafkaError.js"

export type { ConsumedRecord, PartitionRange } from "./internal/rangeReader.js"

export interface ReadToEndOptions {
  readonly topic: string
  /** Start at the first offset whose timestamp is at or after this (epoch ms); default the beginning. */
  readonly fromTimestamp?: number
}

export interface FollowOptions {
  readonly topic: string
  readonly groupId: string
  /** Where a group without committed offsets starts: the beginning, or only new records. */
  readonly fromBeginning: boolean
}

export interface Service {
  /** The ranges a `readToEnd` would read now. */
  readonly ranges: (options: ReadToEndOptions) => Effect.Effect<ReadonlyArray<PartitionRange>, KafkaError>
  /** Every record up to the watermarks seen when it starts, then the end of the stream. */
  readonly readToEnd: (options: ReadToEndOptions) => Stream.Stream<ConsumedRecord, KafkaError>
  /** Every record of the given ranges (from `ranges`), then the end of the stream. */
  readonly readRanges: (
    topic: string,
    ranges: ReadonlyArray<PartitionRange>,
  ) => Stream.Stream<ConsumedRecord, KafkaError>
  /** Records as they come, until the stream is interrupted. */
  readonly follow: (options: FollowOptions) => Stream.Stream<ConsumedRecord, KafkaError>
}

export class KafkaConsumer extends Context.Tag("@customer-events/kafka/KafkaConsumer")<
  KafkaConsumer,
  Service
>() {}

const toHeaders = (headers: Record<string, unknown> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (headers === undefined) return out
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.map(String).join(",") : String(value)
  }
  return out
}

export const make = (config: KafkaConfig): Effect.Effect<Service, KafkaError, Scope.Scope> =>
  Effect.gen(function* () {
    const brokers = config.brokers.join(",")
    const kafka: Kafka = yield* makeKafka(config)
    const admin = kafka.admin({ retry: { retries: 2 } })
    yield* Effect.acquireRelease(connectWithin(config, admin), () =>
      Effect.promise(() => admin.disconnect().catch(() => undefined)).pipe(Effect.timeoutOption("5 seconds")),
    )
    const call = <A>(topic: string, f: () => Promise<A>) =>
      Effect.tryPromise({ try: f, catch: (cause) => classify(cause, { brokers, topic }) })

    const ranges = (options: ReadToEndOptions) =>
      Effect.gen(function* () {
        const watermarks = yield* call(options.topic, () => admin.fetchTopicOffsets(options.topic))
        const starts =
          options.fromTimestamp === undefined
            ? new Map(watermarks.map((w) => [w.partition, w.low]))
            : new Map(
                (yield* call(options.topic, () =>
                  admin.fetchTopicOffsetsByTimestamp(options.topic, options.fromTimestamp),
                )).map((o) => [o.partition, o.offset]),
              )
        return watermarks
          .map((w) => {
            const from = starts.get(w.partition) ?? w.low
            // Past the last record, Kafka answers -1 or the high watermark: nothing to read.
            return { partition: w.partition, from: BigInt(from) < 0n ? w.high : from, to: w.high }
          })
          .sort((a, b) => a.partition - b.partition)
      })

    /** A kafkajs group consumer; its batches are pushed into the stream, waiting while its buffer is full. */
    const follow = (options: FollowOptions): Stream.Stream<ConsumedRecord, KafkaError> =>
      Stream.asyncScoped<ConsumedRecord, KafkaError>(
        (emit) =>
          Effect.gen(function* () {
            const { topic } = options
            const consumer: Consumer = kafka.consumer({
              groupId: options.groupId,
              retry: { retries: 5 },
              allowAutoTopicCreation: false,
            })
            yield* Effect.acquireRelease(connectWithin(config, consumer), () =>
              Effect.promise(() => consumer.disconnect().catch(() => undefined)).pipe(
                Effect.timeoutOption("10 seconds"),
              ),
            )
            consumer.on(consumer.events.CRASH, (event) => {
              void emit.fail(classify(event.payload.error, { brokers, topic }))
            })
            yield* call(topic, () =>
              consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning }),
            )
            yield* call(topic, () =>
              consumer.run({
                eachBatch: async ({ batch }) => {
                  const records = batch.messages.map(
                    (m): ConsumedRecord => ({
                      topic,
                      partition: batch.partition,
                      offset: m.offset,
                      key: m.key,
                      value: m.value,
                      headers: toHeaders(m.headers as Record<string, unknown> | undefined),
                      timestamp: m.timestamp,
                    }),
                  )
                  if (records.length > 0) await emit.chunk(Chunk.unsafeFromArray(records))
                },
              }),
            )
          }),
        16,
      )
    const readRanges = (topic: string, list: ReadonlyArray<PartitionRange>) =>
      readRangesDirect(config, topic, list)

    const readToEnd = (options: ReadToEndOptions) =>
      Stream.unwrap(Effect.map(ranges(options), (list) => readRanges(options.topic, list)))

    return KafkaConsumer.of({ ranges, readToEnd, readRanges, follow })
  })

export const layer = (config: KafkaConfig): Layer.Layer<KafkaConsumer, KafkaError> =>
  Layer.scoped(KafkaConsumer, make(config))

/** A record value that is not UTF-8 text still becomes a string (with replacement characters). */
export const text = (buffer: Buffer | null): string | null =>
  buffer === null ? null : buffer.toString("utf8")
