/**
 * The project's broker script, and the producer riding out a broker restart. Uses a private broker
 * (its own port and state dir) so that stopping it never disturbs the other tests' broker.
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
  repoRoot,
  uniqueTopic,
  until,
} from "@customer-events/test-support"
import { Effect, Fiber, Logger, References, Result, Stream } from "effect"
import { Kafka, logLevel } from "kafkajs"
import { KafkaConfig, KafkaProducer } from "../src/index.js"

const port = 19092 + (process.pid % 500) * 2
const bootstrap = `127.0.0.1:${port}`
const stateDir = mkdtempSync(join(tmpdir(), "customer-events-broker-"))
const env = { KAFKA_PORT: String(port), KAFKA_STATE_DIR: stateDir }
const script = (...args: Array<string>) => brokerScript(args, env)

beforeAll(() => {
  expect(script("status").stdout.trim()).toBe("down")
})

afterAll(() => {
  script("down")
  rmSync(stateDir, { recursive: true, force: true })
})

describe("scripts/kafka.sh", () => {
  test("status reports down, up starts the broker, a second up reuses it, status reports up", () => {
    const down = script("status")
    expect(down.code).toBe(1)
    expect(down.stdout.trim()).toBe("down")

    const first = script("up")
    expect(first.code).toBe(0)
    expect(first.stdout.trim()).toBe(bootstrap)
    const pid = script("status").stdout.match(/pid (\d+)/)?.[1]
    expect(pid).toBeDefined()

    const second = script("up")
    expect(second.code).toBe(0)
    expect(second.stderr).toContain("already running")
    expect(second.stdout.trim()).toBe(bootstrap)
    const status = script("status")
    expect(status.code).toBe(0)
    expect(status.stdout).toBe(`up ${bootstrap} (pid ${pid})\n`)
  }, 120_000)

  itEffect("up --latency 25ms: every connection goes through the proxy, at least 50 ms a round trip", () =>
    Effect.gen(function* () {
      const distant = script("up", "--latency", "25ms")
      expect(distant.stderr).toContain("25 ms each way")
      expect(distant.stdout.trim()).toBe(`127.0.0.1:${port + 2}`)
      // Metadata through the proxy names the proxy's port: clients come back through it.
      const admin = new Kafka({ brokers: [`127.0.0.1:${port + 2}`], logLevel: logLevel.NOTHING }).admin()
      yield* Effect.promise(() => admin.connect())
      const cluster = yield* Effect.promise(() => admin.describeCluster())
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([`127.0.0.1:${port + 2}`])
      const started = performance.now()
      yield* Effect.promise(() => admin.describeCluster())
      expect(performance.now() - started).toBeGreaterThanOrEqual(49)
      yield* Effect.promise(() => admin.disconnect())
      const topic = uniqueTopic("distant")
      yield* Effect.promise(() => createTopic(topic, { partitions: 3, brokers: bootstrap }))
      const config = Result.getOrThrow(KafkaConfig.make({ bootstrapServers: `127.0.0.1:${port + 2}` }))
      const sent = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) }))
      const outcomes = yield* Effect.scoped(
        Effect.flatMap(KafkaProducer.make(config), (producer) =>
          Stream.runCollect(producer.deliver(topic, Stream.fromIterable(sent))),
        ),
      )
      expect(outcomes.every((o) => o._tag === "Delivered")).toBe(true)
      expect(yield* Effect.promise(() => readTopic(topic, bootstrap))).toHaveLength(300)
      expect(Bun.spawnSync(["bash", `${repoRoot}scripts/toxiproxy.sh`, "list"]).stdout.toString()).toContain(
        `kafka-${port}`,
      )
    }),
  )

  test("with KAFKA_BOOTSTRAP_SERVERS set, up starts nothing and prints that cluster", () => {
    const elsewhere = { KAFKA_PORT: String(port + 100), KAFKA_STATE_DIR: join(stateDir, "unused") }
    const explicit = Bun.spawnSync(["bash", `${repoRoot}scripts/kafka.sh`, "up"], {
      env: { ...process.env, ...elsewhere, KAFKA_BOOTSTRAP_SERVERS: "elsewhere:9092" },
    })
    expect(explicit.exitCode).toBe(0)
    expect(explicit.stdout.toString().trim()).toBe("elsewhere:9092")
    expect(explicit.stderr.toString()).toContain("starting nothing")
    expect(brokerScript(["status"], elsewhere).stdout.trim()).toBe("down")
  }, 120_000)

  test("records a month old are kept (retention by size, not time); delete-topics removes only the matching", async () => {
    expect(script("up").code).toBe(0)
    const [old, kept] = [uniqueTopic("backfill"), uniqueTopic("kept")]
    for (const topic of [old, kept]) await createTopic(topic, { partitions: 1, brokers: bootstrap })
    const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const [described] = (
      await admin.describeConfigs({ resources: [{ type: 2, name: old }], includeSynonyms: false })
    ).resources
    const setting = (name: string) => described?.configEntries.find((e) => e.configName === name)?.configValue
    expect(setting("retention.ms")).toBe("-1")
    expect(setting("retention.bytes")).toBe(String(1024 ** 3))

    expect(script("delete-topics", "test-backfill-.*").code).toBe(0)
    await until(async () => !(await admin.listTopics()).includes(old), `${old} deleted`)
    expect(await admin.listTopics()).toContain(kept)
    expect(script("delete-topics").code).toBe(1)
    await admin.disconnect()
  }, 120_000)

  for (const client of KafkaConfig.clients) {
    itEffect(
      `${client}: the producer rides out a broker stop and restart: every batch is retried and delivered, nothing lost`,
      () =>
        Effect.gen(function* () {
          const topic = uniqueTopic("restart")
          yield* Effect.promise(() => createTopic(topic, { partitions: 3, brokers: bootstrap }))
          const config = Result.getOrThrow(
            KafkaConfig.make({
              client,
              bootstrapServers: bootstrap,
              batchMaxRecords: 100,
              lingerMs: 10,
              deliveryTimeoutMs: 90_000,
            }),
          )
          const producer = yield* KafkaProducer.make(config)
          const total = 3000
          let delivered = 0
          let failed = 0
          let retries = 0
          // About 150 records/s, so the stream spans the restart.
          const paced = Stream.range(0, total - 1).pipe(
            Stream.map((i) => ({ key: `k${i % 13}`, value: String(i) })),
            Stream.rechunk(50),
            Stream.throttle({ cost: (c) => c.length, units: 150, duration: "1 second", strategy: "shape" }),
          )
          const run = yield* Effect.forkChild(
            producer.deliver(topic, paced).pipe(
              Stream.runForEach((o) =>
                Effect.sync(() => {
                  retries += o.retries
                  if (o._tag === "Delivered") delivered += o.records.length
                  else failed += o.records.length
                }),
              ),
            ),
          )
          while (delivered < 300) yield* Effect.sleep("50 millis")
          expect(script("down").code).toBe(0)
          yield* Effect.sleep("1 second")
          expect(script("up").code).toBe(0)
          yield* Fiber.join(run)
          expect(failed).toBe(0)
          expect(delivered).toBe(total)
          expect(retries).toBeGreaterThan(0)
          const consumed = yield* Effect.promise(() => readTopic(topic, bootstrap))
          expect(new Set(consumed.map((c) => c.value)).size).toBe(total)
        }),
      "150 seconds",
    )
    itEffect(
      `${client}: a broker that stops answering past the request timeout: the batch is retried by a fresh producer and delivered once it answers`,
      () => {
        const logged: Array<string> = []
        const capture = Logger.make(({ message }) => {
          logged.push(Array.isArray(message) ? message.join(" ") : String(message))
        })
        return Effect.gen(function* () {
          const topic = uniqueTopic("frozen")
          yield* Effect.promise(() => createTopic(topic, { partitions: 3, brokers: bootstrap }))
          const config = Result.getOrThrow(
            KafkaConfig.make({
              client,
              bootstrapServers: bootstrap,
              requestTimeoutMs: 2000,
              connectionTimeoutMs: 2000,
              deliveryTimeoutMs: 60_000,
            }),
          )
          const producer = yield* KafkaProducer.make(config)
          yield* producer.send(topic, [{ key: "k", value: "before the freeze" }])
          const pid = Number(script("status").stdout.match(/pid (\d+)/)?.[1])
          expect(pid).toBeGreaterThan(0)
          const records = Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) }))
          process.kill(pid, "SIGSTOP")
          const outcomes = yield* Effect.gen(function* () {
            const sending = yield* Effect.forkChild(producer.sendBatch(topic, records))
            // Frozen until a send has been given up on for want of an answer.
            while (!logged.some((line) => line.includes("REQUEST_TIMED_OUT")))
              yield* Effect.sleep("50 millis")
            process.kill(pid, "SIGCONT")
            return yield* Fiber.join(sending)
          }).pipe(Effect.ensuring(Effect.sync(() => process.kill(pid, "SIGCONT"))))
          expect(outcomes.map((outcome) => outcome._tag)).toEqual(["Delivered"])
          expect(outcomes[0]!.retries).toBeGreaterThan(0)
          expect(logged.some((line) => line.startsWith("restarted the kafka producer"))).toBe(true)
          // kafkajs cannot hand its producer id to the restarted producer: its resent records are
          // counted as possible duplicates; @platformatic/kafka (patched) carries it on, so none.
          const [outcome] = outcomes
          const possible = outcome?._tag === "Delivered" ? outcome.duplicatesPossible : -1
          if (client === "kafkajs") expect(possible).toBeGreaterThan(0)
          else expect(possible).toBeUndefined()
          const consumed = yield* Effect.promise(() => readTopic(topic, bootstrap))
          const values = new Set(consumed.map((c) => c.value))
          expect(records.every((r) => values.has(r.value))).toBe(true)
        }).pipe(
          Effect.provide(Logger.layer([capture])),
          Effect.provideService(References.MinimumLogLevel, "Debug"),
        )
      },
      "120 seconds",
    )
  }
})
