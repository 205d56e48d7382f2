import { describe, expect } from "bun:test"
import { bootstrap, createTopic, itEffect, produceRaw, uniqueTopic } from "@customer-events/test-support"
import { Effect, Fiber, Layer, Result, Stream } from "effect"
import { KafkaAdmin, KafkaConfig, KafkaConsumer, KafkaProducer } from "../src/index.js"

const config = Result.getOrThrow(KafkaConfig.make({ bootstrapServers: bootstrap }))
const t0 = Date.parse("2026-11-30T12:00:00.000Z")
const records = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k
    return { key: `k${i % 7}`, value: `v${i}`, headers: { n: String(i) }, timestamp: String(t0 + i * 1000) }
  })

describe("KafkaConsumer against the local broker", () => {
  itEffect(
    "readToEnd reads every record once, with key, value, headers, timestamp, partition and offset, then ends",
    () =>
      Effect.gen(function* () {
        const topic = uniqueTopic("read")
        yield* Effect.promise(() => createTopic(topic, { partitions: 3 }))
        const producer = yield* KafkaProducer.make(config)
        const metadata = yield* producer.send(topic, records(3000))
        const consumer = yield* KafkaConsumer.make(config)
        const ranges = yield* consumer.ranges({ topic })
        expect(ranges.reduce((n, r) => n + Number(r.to) - Number(r.from), 0)).toBe(3000)
        const read = Array.from(yield* Stream.runCollect(consumer.readToEnd({ topic })))
        expect(read).toHaveLength(3000)
        const byValue = new Map(read.map((r) => [r.value!.toString(), r]))
        records(3000).forEach((sent, i) => {
          const got = byValue.get(sent.value)!
          expect(got.key!.toString()).toBe(sent.key)
          expect(got.headers).toEqual(sent.headers)
          expect(got.timestamp).toBe(sent.timestamp)
          expect({ partition: got.partition, offset: got.offset }).toEqual(metadata[i]!)
        })
      }),
  )

  itEffect("readToEnd reads every codec the producer writes (snappy, lz4, zstd, gzip)", () =>
    Effect.gen(function* () {
      const consumer = yield* KafkaConsumer.make(config)
      for (const compression of ["snappy", "lz4", "zstd", "gzip"] as const) {
        const topic = uniqueTopic(`codec-${compression}`)
        yield* Effect.promise(() => createTopic(topic, { partitions: 2 }))
        const compressed = Result.getOrThrow(KafkaConfig.make({ bootstrapServers: bootstrap, compression }))
        const producer = yield* KafkaProducer.make(compressed)
        yield* producer.send(topic, records(500))
        const read = Array.from(yield* Stream.runCollect(consumer.readToEnd({ topic })))
        expect(read.map((r) => r.value!.toString()).sort()).toEqual(
          records(500)
            .map((r) => r.value)
            .sort(),
        )
      }
    }),
  )

  itEffect("readToEnd from a timestamp starts at the first record at or after it", () =>
    Effect.gen(function* () {
      const topic = uniqueTopic("from-time")
      yield* Effect.promise(() => createTopic(topic, { partitions: 2 }))
      const producer = yield* KafkaProducer.make(config)
      yield* producer.send(topic, records(100))
      const consumer = yield* KafkaConsumer.make(config)
      const read = Array.from(
        yield* Stream.runCollect(consumer.readToEnd({ topic, fromTimestamp: t0 + 60_000 })),
      )
      expect(read.map((r) => r.value!.toString()).sort()).toEqual(
        records(40, 60)
          .map((r) => r.value)
          .sort(),
      )
      const none = yield* Stream.runCollect(consumer.readToEnd({ topic, fromTimestamp: t0 + 10_000_000 }))
      expect(none.length).toBe(0)
    }),
  )

  itEffect("readToEnd stops at the watermarks seen at its start while the topic is still being written", () =>
    Effect.gen(function* () {
      const topic = uniqueTopic("moving")
      yield* Effect.promise(() => createTopic(topic, { partitions: 3 }))
      const producer = yield* KafkaProducer.make(config)
      yield* producer.send(topic, records(2000))
      let i = 2000
      const writer = yield* Effect.forkChild(
        Effect.suspend(() => {
          const from = i
          i += 200
          return producer.send(topic, records(200, from))
        }).pipe(Effect.forever),
      )
      const consumer = yield* KafkaConsumer.make(config)
      const ranges = yield* consumer.ranges({ topic })
      const expected = ranges.reduce((n, r) => n + Number(r.to) - Number(r.from), 0)
      const read = yield* Stream.runCollect(consumer.readToEnd({ topic }))
      yield* Fiber.interrupt(writer)
      // At least what was there at the start; at most what was there when its own ranges were taken.
      expect(read.length).toBeGreaterThanOrEqual(2000)
      expect(read.length).toBeLessThanOrEqual(expected + 2000)
      expect(i).toBeGreaterThan(2000)
    }),
  )

  itEffect("follow sees records written after it starts", () =>
    Effect.gen(function* () {
      const topic = uniqueTopic("follow")
      yield* Effect.promise(() => createTopic(topic, { partitions: 1 }))
      const consumer = yield* KafkaConsumer.make(config)
      const reader = yield* Effect.forkChild(
        Stream.runCollect(
          consumer
            .follow({ topic, groupId: uniqueTopic("group"), fromBeginning: true })
            .pipe(Stream.take(50)),
        ),
      )
      yield* Effect.promise(() => produceRaw(topic, records(50)))
      const read = Array.from(yield* Fiber.join(reader))
      expect(read.map((r) => r.value!.toString())).toEqual(records(50).map((r) => r.value))
    }),
  )

  itEffect("a missing topic is a clear error", () =>
    Effect.gen(function* () {
      const consumer = yield* KafkaConsumer.make(config)
      const topic = uniqueTopic("absent")
      const error = yield* consumer.ranges({ topic }).pipe(Effect.flip)
      expect(error.message).toContain(`topic "${topic}" does not exist`)
    }),
  )

  itEffect("layerConfig: the consumer and the admin configured from KAFKA_* like the producer", () =>
    Effect.gen(function* () {
      const topic = uniqueTopic("layers")
      const { created } = yield* Effect.flatMap(KafkaAdmin.KafkaAdmin, (admin) =>
        admin.ensureTopic({ topic, partitions: 2, replicationFactor: 1 }),
      )
      expect(created).toBe(true)
      yield* Effect.flatMap(KafkaProducer.KafkaProducer, (producer) => producer.send(topic, records(20)))
      const read = yield* Effect.flatMap(KafkaConsumer.KafkaConsumer, (consumer) =>
        Stream.runCollect(consumer.readToEnd({ topic })),
      )
      expect(read.length).toBe(20)
    }).pipe(
      Effect.provide(
        Layer.mergeAll(KafkaAdmin.layerConfig, KafkaConsumer.layerConfig, KafkaProducer.layerConfig),
      ),
    ),
  )
})
