/**
 * KafkaConsumer: an Effect service over kafkajs consumers, in the style of KafkaProducer. Each read
 * is a scoped Stream of records (key, value, headers, timestamp, partition, offset) with
 * backpressure: kafkajs waits while the stream's buffer is full.
 *
 * Two ways to read:
 * - `follow`: a consumer group, for live following;
 * - `readToEnd`: every partition from the beginning (or from a timestamp) up to the high watermarks
 *   seen at the start, then the stream ends by itself. kafkajs cannot assign partitions without a
 *   group, so this uses a throwaway group that commits nothing and starts where it is told.
 */
import { Chunk, Context, Effect, Layer, Queue, Runtime, type Scope, Stream } from "effect"
import type { Consumer, Kafka } from "kafkajs"
import { classify } from "./internal/classify.js"
import { makeKafka } from "./internal/client.js"
import { connectWithin } from "./internal/connect.js"
import type { KafkaConfig } from "./KafkaConfig.js"
import type { KafkaError } from "./KafkaError.js"

export interface ConsumedRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: string
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: Readonly<Record<string, string>>
  /** Epoch milliseconds as a decimal string. */
  readonly timestamp: string
}

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

/** Where a bounded read starts and stops, per partition. */
export interface PartitionRange {
  readonly partition: number
  readonly from: string
  /** The high watermark at the start: the read stops before it. */
  readonly to: string
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

type Signal =
  | { readonly _tag: "Records"; readonly records: Chunk.Chunk<ConsumedRecord> }
  | { readonly _tag: "End" }
  | { readonly _tag: "Failed"; readonly error: KafkaError }

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

    /** One kafkajs consumer feeding a bounded queue; the stream ends on `End`, fails on `Failed`. */
    const consume = (
      topic: string,
      groupId: string,
      fromBeginning: boolean,
      bounded: ReadonlyArray<PartitionRange> | undefined,
    ): Stream.Stream<ConsumedRecord, KafkaError> =>
      Stream.unwrapScoped(
        Effect.gen(function* () {
          const queue = yield* Queue.bounded<Signal>(16)
          const runtime = yield* Effect.runtime<never>()
          const offer = (signal: Signal) => Runtime.runPromise(runtime)(Queue.offer(queue, signal))
          const consumer: Consumer = kafka.consumer({
            groupId,
            retry: { retries: 5 },
            allowAutoTopicCreation: false,
          })
          yield* Effect.acquireRelease(connectWithin(config, consumer), () =>
            Effect.promise(() => consumer.disconnect().catch(() => undefined)).pipe(
              Effect.timeoutOption("10 seconds"),
            ),
          )
          // Partitions still to read, and the offset each stops before.
          const stopAt = new Map(
            (bounded ?? [])
              .filter((r) => BigInt(r.from) < BigInt(r.to))
              .map((r) => [r.partition, BigInt(r.to)]),
          )
          if (bounded !== undefined && stopAt.size === 0) return Stream.empty
          consumer.on(consumer.events.CRASH, (event) => {
            void offer({ _tag: "Failed", error: classify(event.payload.error, { brokers, topic }) })
          })
          yield* call(topic, () => consumer.subscribe({ topics: [topic], fromBeginning }))
          yield* call(topic, () =>
            consumer.run({
              autoCommit: bounded === undefined,
              eachBatch: async ({ batch }) => {
                const limit = stopAt.get(batch.partition)
                if (bounded !== undefined && limit === undefined) return
                const records: Array<ConsumedRecord> = []
                for (const m of batch.messages) {
                  if (limit !== undefined && BigInt(m.offset) >= limit) break
                  records.push({
                    topic,
                    partition: batch.partition,
                    offset: m.offset,
                    key: m.key,
                    value: m.value,
                    headers: toHeaders(m.headers as Record<string, unknown> | undefined),
                    timestamp: m.timestamp,
                  })
                }
                if (records.length > 0)
                  await offer({ _tag: "Records", records: Chunk.unsafeFromArray(records) })
                if (limit !== undefined && BigInt(batch.lastOffset()) + 1n >= limit) {
                  stopAt.delete(batch.partition)
                  consumer.pause([{ topic, partitions: [batch.partition] }])
                  if (stopAt.size === 0) await offer({ _tag: "End" })
                }
              },
            }),
          )
          for (const range of bounded ?? [])
            consumer.seek({ topic, partition: range.partition, offset: range.from })
          return Stream.fromQueue(queue).pipe(
            Stream.takeWhile((signal) => signal._tag !== "End"),
            Stream.mapConcatChunkEffect((signal) =>
              signal._tag === "Records"
                ? Effect.succeed(signal.records)
                : signal._tag === "Failed"
                  ? Effect.fail(signal.error)
                  : Effect.succeed(Chunk.empty<ConsumedRecord>()),
            ),
          )
        }),
      )

    const readRanges = (topic: string, list: ReadonlyArray<PartitionRange>) =>
      consume(
        topic,
        `${config.clientId}-read-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
        true,
        list,
      )

    const readToEnd = (options: ReadToEndOptions) =>
      Stream.unwrap(Effect.map(ranges(options), (list) => readRanges(options.topic, list)))

    const follow = (options: FollowOptions) =>
      consume(options.topic, options.groupId, options.fromBeginning, undefined)

    return KafkaConsumer.of({ ranges, readToEnd, readRanges, follow })
  })

export const layer = (config: KafkaConfig): Layer.Layer<KafkaConsumer, KafkaError> =>
  Layer.scoped(KafkaConsumer, make(config))

/** A record value that is not UTF-8 text still becomes a string (with replacement characters). */
export const text = (buffer: Buffer | null): string | null =>
  buffer === null ? null : buffer.toString("utf8")
