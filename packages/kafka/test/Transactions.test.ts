/**
 * Transactions against the real broker, with each client: a transaction committed and one aborted,
 * read back by Java's console consumer under both isolation levels; and a second producer of the
 * same transactional id fencing the first, whose next transaction fails with one line, fatal. The
 * latter needs our patch of @platformatic/kafka (patches/): it asked for a producer id as producer 0,
 * epoch 0, which the broker answers with PRODUCER_FENCED while another producer holds the id. Our
 * bounded reader skips every aborted transaction under read_committed.
 */
import { describe, expect } from "bun:test"
import { bootstrap, createTopic, itEffect, readAllWithJava, uniqueTopic } from "@customer-events/test-support"
import { Effect, Stream } from "effect"
import { KafkaConfig, KafkaConsumer, KafkaError, KafkaProducer } from "../src/index.js"

const records = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `k${(from + i) % 7}`, value: `v${from + i}` }))

const producerOf = (client: KafkaConfig.Client, transactionalId: string) =>
  Effect.flatMap(
    Effect.fromResult(KafkaConfig.make({ bootstrapServers: bootstrap, client, transactionalId })),
    KafkaProducer.make,
  )

const consumerOf = () =>
  Effect.flatMap(Effect.fromResult(KafkaConfig.make({ bootstrapServers: bootstrap })), KafkaConsumer.make)

const valuesOf = <E>(records: Stream.Stream<KafkaConsumer.ConsumedRecord, E>) =>
  Effect.map(Stream.runCollect(records), (all) => all.map((r) => r.value!.toString()))

for (const client of KafkaConfig.clients)
  describe(`transactions (${client})`, () => {
    itEffect(
      "a committed transaction is visible to read_committed, an aborted one only to read_uncommitted",
      () =>
        Effect.gen(function* () {
          const topic = uniqueTopic(`txn-pkg-${client}`)
          yield* Effect.promise(() => createTopic(topic))
          const producer = yield* producerOf(client, `tx-${topic}`)
          const committed = yield* producer.transact(topic, records(0, 30), true)
          const aborted = yield* producer.transact(topic, records(30, 20), false)
          expect([committed._tag, committed.transaction]).toEqual(["Delivered", "committed"])
          expect([aborted._tag, aborted.transaction]).toEqual(["Delivered", "aborted"])
          const visible = yield* Effect.promise(() => readAllWithJava(topic, "read_committed"))
          expect(visible.map((r) => r.value).sort()).toEqual(
            records(0, 30)
              .map((r) => r.value)
              .sort(),
          )
          const all = yield* Effect.promise(() => readAllWithJava(topic, "read_uncommitted"))
          expect(all.length).toBe(50)
        }),
      "120 seconds",
    )

    itEffect(
      "without a transactional id a transaction fails at once, naming the setting, and sends nothing",
      () =>
        Effect.gen(function* () {
          const topic = uniqueTopic(`txn-none-${client}`)
          yield* Effect.promise(() => createTopic(topic))
          const config = yield* Effect.fromResult(KafkaConfig.make({ bootstrapServers: bootstrap, client }))
          const producer = yield* KafkaProducer.make(config)
          const outcome = yield* producer.transact(topic, records(0, 5), true)
          expect([outcome._tag, outcome.transaction]).toEqual(["Failed", "failed"])
          if (outcome._tag === "Failed") expect(outcome.error.message).toContain("transactional.id")
          expect(yield* Effect.promise(() => readAllWithJava(topic, "read_uncommitted"))).toEqual([])
        }),
      "120 seconds",
    )

    itEffect(
      "our reader under read_committed skips every aborted transaction of a producer, not only its last",
      () =>
        Effect.gen(function* () {
          const topic = uniqueTopic(`txn-read-${client}`)
          yield* Effect.promise(() => createTopic(topic, { partitions: 1 }))
          const producer = yield* producerOf(client, `tx-${topic}`)
          for (let t = 0; t < 10; t++) yield* producer.transact(topic, records(t * 20, 20), t % 2 === 0)
          const consumer = yield* consumerOf()
          const read = (isolation: KafkaConsumer.Isolation) =>
            valuesOf(consumer.readToEnd({ topic, isolation }))
          const committed = records(0, 200)
            .filter((_, i) => Math.floor(i / 20) % 2 === 0)
            .map((r) => r.value)
          expect(yield* read("read_committed")).toEqual(committed)
          expect((yield* read("read_uncommitted")).length).toBe(200)
          // Following live (a consumer group): the same records under each isolation level.
          const follow = (isolation: KafkaConsumer.Isolation, n: number) => {
            const group = `g-${topic}-${isolation}`
            return valuesOf(
              Stream.take(consumer.follow({ topic, groupId: group, fromBeginning: true, isolation }), n),
            )
          }
          expect(yield* follow("read_committed", committed.length)).toEqual(committed)
          expect(yield* follow("read_uncommitted", 200)).toEqual(records(0, 200).map((r) => r.value))
        }),
      "120 seconds",
    )

    itEffect(
      "transactions taking turns on the producer's two ids keep each partition's order",
      () =>
        Effect.gen(function* () {
          const topic = uniqueTopic(`txn-turns-${client}`)
          yield* Effect.promise(() => createTopic(topic, { partitions: 1 }))
          const producer = yield* producerOf(client, `tx-${topic}`)
          const outcomes = yield* Stream.runCollect(
            Stream.fromIterable(Array.from({ length: 20 }, (_, t) => t)).pipe(
              Stream.mapEffect((t) => producer.transact(topic, records(t * 25, 25), t % 3 !== 0), {
                concurrency: KafkaProducer.transactionTurns,
              }),
            ),
          )
          expect(outcomes.map((o) => o.transaction)).toEqual(
            Array.from({ length: 20 }, (_, t) => (t % 3 !== 0 ? "committed" : "aborted")),
          )
          const consumer = yield* consumerOf()
          const read = (isolation: KafkaConsumer.Isolation) =>
            valuesOf(consumer.readToEnd({ topic, isolation }))
          const all = records(0, 500).map((r) => r.value)
          expect(yield* read("read_uncommitted")).toEqual(all)
          expect(yield* read("read_committed")).toEqual(all.filter((_, i) => Math.floor(i / 25) % 3 !== 0))
        }),
      "120 seconds",
    )

    itEffect(
      "a second producer of the id fences the first: the first's next transaction fails, fatal, in one line",
      () =>
        Effect.gen(function* () {
          const topic = uniqueTopic(`fence-pkg-${client}`)
          yield* Effect.promise(() => createTopic(topic))
          const first = yield* producerOf(client, `tx-${topic}`)
          expect((yield* first.transact(topic, records(0, 10), true))._tag).toBe("Delivered")
          const second = yield* producerOf(client, `tx-${topic}`)
          expect((yield* second.transact(topic, records(10, 10), true)).transaction).toBe("committed")
          const refused = yield* first.transact(topic, records(20, 10), true)
          if (refused._tag !== "Failed") throw new Error("the fenced producer's transaction was not refused")
          expect(refused.transaction).toBe("failed")
          expect(refused.error.message).toBe(
            `fenced by a newer producer with transactional id "tx-${topic}" (PRODUCER_FENCED)`,
          )
          expect(refused.error._tag !== "DeliveryAbandoned" && KafkaError.isFatal(refused.error)).toBe(true)
          const visible = yield* Effect.promise(() => readAllWithJava(topic, "read_committed"))
          expect(visible.length).toBe(20)
        }),
      "120 seconds",
    )
  })
