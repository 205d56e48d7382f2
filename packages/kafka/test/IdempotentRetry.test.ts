/**
 * Retries that never write a record twice. A private broker behind Toxiproxy; a `timeout` toxic on
 * the proxy's downstream lets requests reach the broker (which writes them) and drops its answers,
 * which is what a connection reset or a killed broker does to the last request. The same records
 * sent again must carry the same producer id and sequence numbers, so that the broker drops them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  brokerScript,
  createTopic,
  itEffect,
  readTopic,
  recordCount,
  uniqueTopic,
} from "@customer-events/test-support"
import { ProduceAcks, Producer } from "@platformatic/kafka"
import { Effect, Fiber, Logger, References, Result } from "effect"
import { KafkaConfig, KafkaProducer } from "../src/index.js"

const port = 21092 + (process.pid % 500) * 4
const bootstrap = `127.0.0.1:${port}`
const stateDir = mkdtempSync(join(tmpdir(), "customer-events-idempotent-"))
const env = { KAFKA_PORT: String(port), KAFKA_STATE_DIR: stateDir }
const toxiproxy = `http://127.0.0.1:${process.env.TOXIPROXY_PORT ?? "28474"}/proxies/kafka-${port}/toxics`
let distant = ""

/** Requests still reach the broker; its answers are dropped until the toxic is removed. */
const dropAnswers = async () => {
  const added = await fetch(toxiproxy, {
    method: "POST",
    body: JSON.stringify({
      name: "drop_answers",
      type: "timeout",
      stream: "downstream",
      attributes: { timeout: 0 },
    }),
  })
  expect(added.status).toBe(200)
}
const answerAgain = async () =>
  expect((await fetch(`${toxiproxy}/drop_answers`, { method: "DELETE" })).status).toBe(204)

beforeAll(() => {
  const up = brokerScript(["up", "--latency", "1ms"], env)
  expect(up.code).toBe(0)
  distant = up.stdout.trim()
}, 120_000)

afterAll(() => {
  brokerScript(["down"], env)
  rmSync(stateDir, { recursive: true, force: true })
})

const messages = (topic: string, from: number) =>
  Array.from({ length: 10 }, (_, i) => ({ topic, partition: 0, value: Buffer.from(`event-${from + i}`) }))

describe("@platformatic/kafka, idempotent, an answer lost", () => {
  test("the same records sent again keep the producer id and sequences: the broker drops the copy", async () => {
    const topic = uniqueTopic("answer-lost")
    await createTopic(topic, { partitions: 1, brokers: bootstrap })
    const options = { clientId: "idempotent-retry-test", bootstrapBrokers: [distant], idempotent: true }
    // A broker just started refuses producer ids for a moment (its coordinator is loading): the
    // client's own retries wait for it here, so the producer under test can have none.
    const warmUp = new Producer({ ...options, retries: 50, retryDelay: 200 })
    await warmUp.initIdempotentProducer({})
    await warmUp.close()
    const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...options,
      acks: ProduceAcks.ALL,
      retries: false,
      timeout: 2000,
      requestTimeout: 2000,
    })
    try {
      await producer.send({ messages: messages(topic, 0) })
      const producerId = producer.producerId
      expect(producerId).toBeDefined()

      await dropAnswers()
      const lost = producer.send({ messages: messages(topic, 10) })
      await expect(lost).rejects.toThrow()
      await answerAgain()
      // The broker wrote the batch whose answer was lost.
      expect(await recordCount(topic, bootstrap)).toBe(20)
      expect(producer.producerId).toBe(producerId)

      const again = await producer.send({ messages: messages(topic, 10) })
      // Recognised as the batch already written: its first offset, nothing appended.
      expect(again.offsets?.map(({ offset }) => Number(offset))).toEqual([10])
      await producer.send({ messages: messages(topic, 20) })
    } finally {
      await producer.close(true)
    }
    const values = (await readTopic(topic, bootstrap)).map((r) => r.value)
    expect(values).toEqual(Array.from({ length: 30 }, (_, i) => `event-${i}`))
  }, 60_000)
})

describe("KafkaProducer (@platformatic/kafka), a request whose answer never comes", () => {
  itEffect(
    "the restarted producer sends it again with the same producer id: written once",
    () => {
      const logged: Array<string> = []
      const capture = Logger.make(({ message }) => {
        logged.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
      return Effect.gen(function* () {
        const topic = uniqueTopic("no-answer")
        yield* Effect.promise(() => createTopic(topic, { partitions: 3, brokers: bootstrap }))
        const config = Result.getOrThrow(
          KafkaConfig.make({
            client: "platformatic",
            bootstrapServers: distant,
            requestTimeoutMs: 2000,
            connectionTimeoutMs: 2000,
            deliveryTimeoutMs: 60_000,
          }),
        )
        const producer = yield* KafkaProducer.make(config)
        yield* producer.send(topic, [{ key: "k", value: "before" }])
        const records = Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) }))
        yield* Effect.promise(dropAnswers)
        const outcomes = yield* Effect.gen(function* () {
          const sending = yield* Effect.forkChild(producer.sendBatch(topic, records))
          // Written by the broker, and given up on by the producer for want of an answer.
          while ((yield* Effect.promise(() => recordCount(topic, bootstrap))) < 101)
            yield* Effect.sleep("50 millis")
          while (!logged.some((line) => line.includes("REQUEST_TIMED_OUT"))) yield* Effect.sleep("50 millis")
          yield* Effect.promise(answerAgain)
          return yield* Fiber.join(sending)
        })
        expect(outcomes.map((outcome) => outcome._tag)).toEqual(["Delivered"])
        const values = (yield* Effect.promise(() => readTopic(topic, bootstrap))).map((r) => r.value)
        expect(values).toHaveLength(101)
        expect(new Set(values).size).toBe(101)
        expect(logged.some((line) => line.startsWith("restarted the kafka producer (same producer id"))).toBe(
          true,
        )
      }).pipe(
        Effect.provide(Logger.layer([capture])),
        Effect.provideService(References.MinimumLogLevel, "Debug"),
      )
    },
    "90 seconds",
  )
})
