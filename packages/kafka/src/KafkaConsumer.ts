/**
 * KafkaConsumer: an Effect service for reading topics, in the style of KafkaProducer. Each read is a
 * scoped Stream of records (key, value, headers, timestamp, partition, offset) with backpressure:
 * the client waits while the stream's buffer is full.
 *
 * Two ways to read:
 * - `follow`: a consumer group, for live following;
 * - `readToEnd` / `readRanges`: every partition from the beginning (or from a timestamp) up to the
 *   high watermarks seen at the start (the last stable offsets: the ends of the last finished
 *   transactions), then the stream ends by itself; read_committed by default. These fetch straight from the
 *   partitions' leaders with @platformatic/kafka (internal/rangeReader.ts): no group, so they work on
 *   a brand-new broker, and every compression codec is read.
 */
export type { FollowOptions } from "./internal/groupReader.js"

import { Context, Effect, Layer, type Scope, Stream } from "effect"
import type { Kafka } from "kafkajs"
import { makeKafka } from "./internal/client.js"
import { acquireConnected } from "./internal/connect.js"
import { type FollowOptions, followGroup } from "./internal/groupReader.js"
import { kafkajsCalls } from "./internal/kafkajsCalls.js"
import {
  type ConsumedRecord,
  type Isolation,
  type PartitionRange,
  readRanges as readRangesDirect,
} from "./internal/rangeReader.js"
import * as KafkaConfig from "./KafkaConfig.js"
import type { KafkaConfigError, KafkaError } from "./KafkaError.js"

export type { ConsumedRecord, Isolation, PartitionRange } from "./internal/rangeReader.js"

export interface ReadToEndOptions {
  readonly topic: string
  /** read_committed (default) or read_uncommitted: see rangeReader.ts. */
  readonly isolation?: Isolation
  /** Start at the first offset whose timestamp is at or after this (epoch ms); default the beginning. */
  readonly fromTimestamp?: number
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
    isolation?: Isolation,
  ) => Stream.Stream<ConsumedRecord, KafkaError>
  /** Records as they come, until the stream is interrupted. */
  readonly follow: (options: FollowOptions) => Stream.Stream<ConsumedRecord, KafkaError>
}

export class KafkaConsumer extends Context.Service<KafkaConsumer, Service>()(
  "@customer-events/kafka/KafkaConsumer",
) {}

export const make = (config: KafkaConfig.KafkaConfig): Effect.Effect<Service, KafkaError, Scope.Scope> =>
  Effect.gen(function* () {
    const kafka: Kafka = yield* makeKafka(config)
    const admin = kafka.admin()
    yield* acquireConnected(config, admin)
    const call = kafkajsCalls(config)

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

    const follow = (options: FollowOptions) => followGroup(config, kafka, call, options)

    const readRanges = (topic: string, list: ReadonlyArray<PartitionRange>, isolation?: Isolation) =>
      readRangesDirect(config, topic, list, isolation)

    const readToEnd = (options: ReadToEndOptions) =>
      Stream.unwrap(Effect.map(ranges(options), (list) => readRanges(options.topic, list, options.isolation)))

    return KafkaConsumer.of({ ranges, readToEnd, readRanges, follow })
  })

export const layer = (config: KafkaConfig.KafkaConfig): Layer.Layer<KafkaConsumer, KafkaError> =>
  Layer.effect(KafkaConsumer, make(config))

/** Configured from the environment (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SASL_*, ...) over the defaults. */
export const layerConfig: Layer.Layer<KafkaConsumer, KafkaError | KafkaConfigError> = Layer.effect(
  KafkaConsumer,
  Effect.flatMap(KafkaConfig.load(), ({ config }) => make(config)),
)

/** A record value that is not UTF-8 text still becomes a string (with replacement characters). */
export const text = (buffer: Buffer | null): string | null =>
  buffer === null ? null : buffer.toString("utf8")
