import { describe, expect } from "bun:test"
import {
  bootstrap,
  createTopic,
  itEffect,
  readTopic,
  readValuesWithJava,
  uniqueTopic,
} from "@customer-events/test-support"
import { Effect, Fiber, Metric, Result, Stream } from "effect"
import { KafkaAdmin, KafkaConfig, KafkaProducer, ProducerMetrics } from "../src/index.js"

/** Keys with the partition Java's producer gives them on 3 partitions (Utils.murmur2, kafka-clients 4.1.1). */
const javaPartitions: ReadonlyArray<readonly [string, number]> = [
  ["a", 1],
  ["ab", 2],
  ["abc", 0],
  ["abcd", 2],
  ["abcde", 1],
  ["cust-000001", 2],
  ["cust-003908", 2],
  ["customer-éü-日本", 1],
  ["21", 0],
  ["foobar", 0],
]

const records = (n: number, keys = 17) =>
  Array.from({ length: n }, (_, i) => ({
    key: `key-${i % keys}`,
    value: JSON.stringify({ i }),
    headers: { "event-id": `id-${i}`, "content-type": "application/json" },
    timestamp: String(Date.parse("2026-11-30T12:00:00.000Z") + i),
  }))

for (const client of KafkaConfig.clients) {
  const configWith = (settings: KafkaConfig.Settings = {}) =>
    Result.getOrThrow(KafkaConfig.make({ bootstrapServers: bootstrap, client, ...settings }))

  describe(`KafkaProducer (${client}) against the local broker`, () => {
    itEffect("round-trip: every record arrives once, per-key order kept, headers and timestamps intact", () =>
      Effect.gen(function* () {
        const topic = uniqueTopic("roundtrip")
        yield* Effect.promise(() => createTopic(topic, { partitions: 3 }))
        const producer = yield* KafkaProducer.make(configWith({ batchMaxRecords: 500 }))
        const sent = records(5000)
        const outcomes = yield* producer.deliver(topic, Stream.fromIterable(sent)).pipe(Stream.runCollect)
        expect(outcomes.every((o) => o._tag === "Delivered")).toBe(true)
        expect(outcomes.reduce((n, o) => n + o.records.length, 0)).toBe(5000)
        // Batches of up to 500; those that fill while a request is in flight go out together (up to 4).
        expect(outcomes.length).toBeGreaterThanOrEqual(3)
        expect(outcomes.every((o) => o.records.length <= 4 * 500)).toBe(true)

        const consumed = yield* Effect.promise(() => readTopic(topic))
        expect(consumed).toHaveLength(5000)
        const byId = new Map(consumed.map((c) => [c.headers["event-id"], c]))
        for (const outcome of outcomes) {
          if (outcome._tag !== "Delivered") continue
          outcome.records.forEach((record, i) => {
            const found = byId.get(record.headers["event-id"])!
            expect(found.key).toBe(record.key)
            expect(found.value).toBe(record.value)
            expect(found.timestamp).toBe(record.timestamp)
            expect(found.headers["content-type"]).toBe("application/json")
            // Reported metadata matches where the record really is.
            expect(outcome.metadata[i]).toEqual({ partition: found.partition, offset: found.offset })
          })
        }
        const lastIndexPerKey = new Map<string, number>()
        for (const c of [...consumed].sort(
          (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset),
        )) {
          const i = JSON.parse(c.value!).i as number
          expect(i).toBeGreaterThan(lastIndexPerKey.get(c.key!) ?? -1)
          lastIndexPerKey.set(c.key!, i)
        }
      }),
    )

    itEffect("an unreachable bootstrap fails within the connect timeout, naming host:port", () =>
      Effect.gen(function* () {
        const started = Date.now()
        const error = yield* KafkaProducer.make(
          configWith({ bootstrapServers: "127.0.0.1:1", connectionTimeoutMs: 2000 }),
        ).pipe(Effect.flip)
        const elapsed = Date.now() - started
        expect(error._tag).toBe("KafkaConnectionError")
        expect(error.message).toContain("127.0.0.1:1")
        expect(elapsed).toBeLessThan(2000 + 1500)
      }),
    )

    itEffect("a missing topic (auto-creation off) is a clear error", () =>
      Effect.gen(function* () {
        const topic = uniqueTopic("missing")
        const admin = yield* KafkaAdmin.make(configWith())
        expect(yield* admin.topicExists(topic)).toBe(false)
        const described = yield* admin.describeTopic(topic).pipe(Effect.flip)
        expect(described._tag).toBe("KafkaTopicNotFoundError")
        expect(described.message).toContain(`topic "${topic}" does not exist`)

        const producer = yield* KafkaProducer.make(configWith({ deliveryTimeoutMs: 2000 }))
        const error = yield* producer.send(topic, records(1)).pipe(Effect.flip)
        expect(error.message).toContain(`topic "${topic}" does not exist`)
      }),
    )

    itEffect("an oversized record fails its batch without retries; the next batch is delivered", () =>
      Effect.gen(function* () {
        const topic = uniqueTopic("too-large")
        const admin = yield* KafkaAdmin.make(configWith())
        const { created } = yield* admin.ensureTopic({
          topic,
          partitions: 1,
          replicationFactor: 1,
          configs: { "max.message.bytes": "2000" },
        })
        expect(created).toBe(true)
        expect((yield* admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 })).created).toBe(false)
        const producer = yield* KafkaProducer.make(configWith())
        const big = [{ key: "k", value: "x".repeat(10_000) }]
        const outcomes = yield* producer.sendBatch(topic, big)
        expect(outcomes).toHaveLength(1)
        const failed = outcomes[0]!
        expect(failed._tag).toBe("Failed")
        if (failed._tag === "Failed") {
          expect(failed.error._tag).toBe("KafkaRecordTooLargeError")
          expect(failed.retries).toBe(0)
          expect(failed.records).toBe(big)
        }
        const ok = yield* producer.send(topic, records(10))
        expect(ok).toHaveLength(10)
        expect((yield* admin.offsets(topic))[0]!.high).toBe("10")
      }),
    )

    itEffect(
      "a batch failing on one partition: the records of the others are delivered, the topic holds exactly them",
      () =>
        Effect.gen(function* () {
          const topic = uniqueTopic("partial")
          yield* Effect.promise(() =>
            createTopic(topic, { partitions: 3, configs: { "max.message.bytes": "2000" } }),
          )
          const producer = yield* KafkaProducer.make(configWith())
          // "abc" goes to partition 0, "a" to 1, "ab" to 2 (javaPartitions): partition 1 gets the big one.
          const small = ["abc", "a", "ab", "abc", "a", "ab"].map((key, i) => ({ key, value: `small-${i}` }))
          const big = { key: "a", value: "x".repeat(10_000) }
          const outcomes = yield* producer.sendBatch(topic, [...small, big])
          expect(outcomes.map((o) => o._tag)).toEqual(["Delivered", "Failed"])
          const [delivered, failed] = outcomes
          if (delivered?._tag !== "Delivered" || failed?._tag !== "Failed") return
          expect(failed.error._tag).toBe("KafkaRecordTooLargeError")
          expect(failed.records.map((r) => r.key)).toEqual(["a", "a", "a"])
          expect(delivered.records.map((r) => r.value)).toEqual(["small-0", "small-2", "small-3", "small-5"])
          const consumed = yield* Effect.promise(() => readTopic(topic))
          const where = new Map(consumed.map((c) => [c.value, `${c.partition}@${c.offset}`]))
          expect(new Set(where.keys())).toEqual(new Set(delivered.records.map((r) => r.value as string)))
          delivered.records.forEach((record, i) => {
            const placed = delivered.metadata[i]!
            expect(where.get(record.value as string)).toBe(`${placed.partition}@${placed.offset}`)
          })
        }),
    )

    itEffect("interrupted mid-stream: in-flight batches are awaited, then disconnect runs once", () =>
      Effect.gen(function* () {
        const topic = uniqueTopic("interrupt")
        yield* Effect.promise(() => createTopic(topic, { partitions: 3 }))
        const clientId = uniqueTopic("client")
        const disconnects = ProducerMetrics.forClient({ clientId, client }).disconnects
        let delivered = 0
        const fiber = yield* Effect.forkChild(
          Effect.scoped(
            Effect.gen(function* () {
              const producer = yield* KafkaProducer.make(configWith({ clientId, batchMaxRecords: 200 }))
              let i = 0
              const endless = Stream.fromEffectRepeat(Effect.sync(() => records(1)[0]!)).pipe(
                Stream.map((r) => ({ ...r, value: JSON.stringify({ i: i++ }) })),
              )
              yield* producer.deliver(topic, endless).pipe(
                Stream.runForEach((o) =>
                  Effect.sync(() => {
                    if (o._tag === "Delivered") delivered += o.records.length
                  }),
                ),
              )
            }),
          ),
        )
        while (delivered < 2000) yield* Effect.sleep("20 millis")
        yield* Fiber.interrupt(fiber)
        expect((yield* Metric.value(disconnects)).count).toBe(1)
        // Everything acknowledged is in the topic; anything more was in flight and was awaited.
        const consumed = yield* Effect.promise(() => readTopic(topic))
        expect(consumed.length).toBeGreaterThanOrEqual(delivered)
        expect(new Set(consumed.map((c) => c.value)).size).toBe(consumed.length)
      }),
    )

    itEffect("each key lands on the partition Java's producer picks", () =>
      Effect.gen(function* () {
        const topic = uniqueTopic("java-partitions")
        yield* Effect.promise(() => createTopic(topic, { partitions: 3 }))
        const producer = yield* KafkaProducer.make(configWith())
        const metadata = yield* producer.send(
          topic,
          javaPartitions.map(([key]) => ({ key, value: key })),
        )
        expect(metadata.map((m) => m.partition)).toEqual(javaPartitions.map(([, partition]) => partition))
        const consumed = yield* Effect.promise(() => readTopic(topic))
        for (const [key, partition] of javaPartitions)
          expect(consumed.find((c) => c.key === key)?.partition).toBe(partition)
      }),
    )

    for (const compression of KafkaConfig.compressionsOf[client].filter((c) => c !== "none"))
      itEffect(`${compression} compression round-trips through the broker`, () =>
        Effect.gen(function* () {
          const topic = uniqueTopic(`codec-${compression}`)
          yield* Effect.promise(() => createTopic(topic, { partitions: 3 }))
          const producer = yield* KafkaProducer.make(configWith({ compression }))
          const sent = records(600)
          yield* producer.send(topic, sent)
          // kafkajs reads gzip only: Java's consumer is the independent reader for every codec.
          const values = yield* Effect.promise(() => readValuesWithJava(topic, sent.length))
          expect(values.sort()).toEqual(sent.map((r) => r.value).sort())
        }),
      )
  })
}
