/**
 * Ground truth and reference topics against the real broker, with each client: the truth file
 * equals the aggregates computed independently from what the topic holds, in a run with late
 * events, duplicates and a price glitch, in a run stopped by Ctrl-C, and in a run whose broker
 * stopped under it; the reference topics are compacted, complete and consistent with the events.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Catalog } from "@customer-events/events"
import { KafkaConfig } from "@customer-events/kafka"
import {
  bootstrap,
  brokerScript,
  expectedTruth,
  readTopic,
  recordCount,
  runCommand,
  startInGroup,
  topicConfig,
  truthLines,
  uniqueTopic,
  until,
  withoutEmptyEnds,
} from "@customer-events/test-support"

const work = mkdtempSync(join(tmpdir(), "truth-e2e-"))
const producer = ["bun", "run", "apps/producer"]

const lineCount = (file: string) => {
  try {
    return readFileSync(file, "utf8").split("\n").length - 1
  } catch {
    return 0
  }
}

const eventsOf = async (topic: string, brokers = bootstrap) =>
  (await readTopic(topic, brokers)).map((r) => ({ ...JSON.parse(r.value!), anomaly: r.headers.anomaly }))

const categoryOf = (id: string) => Catalog.productOf(id)!.category

/** The truth file against the topic: equal, window by window, and adding up to the delivered count. */
const expectTruthOfTopic = async (
  topic: string,
  truthFile: string,
  windowMs: number,
  delivered: number,
  brokers = bootstrap,
) => {
  const events = await eventsOf(topic, brokers)
  expect(events.length).toBe(delivered)
  const lines = truthLines(readFileSync(truthFile, "utf8"))
  expect(withoutEmptyEnds(lines)).toEqual(expectedTruth(events, windowMs, categoryOf))
  const total = lines.reduce(
    (n, w) => n + Object.values(w.events as object).reduce((a, b) => a + b, 0) + (w.duplicates as number),
    0,
  )
  expect(total).toBe(delivered)
}

afterAll(() => rmSync(work, { recursive: true, force: true }))

for (const client of KafkaConfig.clients)
  describe(`truth and reference topics (${client})`, () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap, KAFKA_CLIENT: client }

    test("a run with late events, duplicates and a price glitch: its truth is the topic's; the reference topics join every event", async () => {
      const topic = uniqueTopic(`truth-${client}`)
      const truth = join(work, `${topic}.ndjson`)
      const summaryFile = join(work, `${topic}.json`)
      const run = await runCommand(
        [
          ...producer,
          "--topic",
          topic,
          "--create-topic",
          "--reference-topics",
          "--truth",
          truth,
          "--summary-file",
          summaryFile,
          "--start-time",
          "2026-11-30T00:00:00Z",
          "--rate",
          "50",
          "--count",
          "20000",
          "--seed",
          "11",
          "--late-rate",
          "0.02",
          "--late-by",
          "10s..2m",
          "--duplicate-rate",
          "0.03",
          "--anomaly",
          "price-glitch@2m+1m",
          "--no-progress",
        ],
        env,
      )
      expect(run.code, run.stderr).toBe(0)
      const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
      expect(summary.duplicatesInjected).toBeGreaterThan(300)
      await expectTruthOfTopic(topic, truth, 60_000, 20_000)

      // Reference topics: compacted, one record per id, every id of the events there, prices agree.
      const products = new Map(
        (await readTopic(`${topic}-products`)).map((r) => [r.key!, JSON.parse(r.value!)]),
      )
      const customers = new Map(
        (await readTopic(`${topic}-customers`)).map((r) => [r.key!, JSON.parse(r.value!)]),
      )
      expect([products.size, customers.size]).toEqual([500, 5000])
      for (const t of [`${topic}-products`, `${topic}-customers`])
        expect((await topicConfig(t))["cleanup.policy"]).toBe("compact")
      let glitched = 0
      for (const event of await eventsOf(topic)) {
        expect(customers.has(event.customerId), event.customerId).toBe(true)
        expect(products.has(event.productId), event.productId).toBe(true)
        if (event.eventType === "recommendationClick")
          expect(products.has(event.metadata.recommendedProductId)).toBe(true)
        if (event.eventType !== "purchase") continue
        const expected =
          Math.round(products.get(event.productId).unitPrice * 100 * event.metadata.quantity) / 100
        if (event.anomaly === "price-glitch") glitched++
        else expect(event.metadata.totalAmount).toBe(expected)
      }
      expect(glitched).toBeGreaterThan(0)

      // The inspector recomputes the truth from the topic: it matches; a changed figure is named.
      const inspect = (file: string) =>
        runCommand(
          [
            "bun",
            "run",
            "apps/inspector",
            "--topic",
            topic,
            "--truth",
            file,
            "--summary",
            summaryFile,
            "--no-progress",
          ],
          env,
        )
      const ok = await inspect(truth)
      expect(ok.code, ok.stdout + ok.stderr).toBe(0)
      expect(ok.stdout).toContain(`truth: matches the topic in all ${lineCount(truth)} windows`)
      const lines = truthLines(readFileSync(truth, "utf8"))
      const changed = lines.map((w, i) => (i === 2 ? { ...w, customers: (w.customers as number) + 1 } : w))
      const tampered = join(work, `${topic}-tampered.ndjson`)
      writeFileSync(tampered, changed.map((w) => JSON.stringify(w)).join("\n"))
      const bad = await inspect(tampered)
      expect(bad.code).toBe(1)
      expect(bad.stdout).toContain(
        `truth: DIFFERS: window ${lines[2]!.windowStart}: customers is ${(lines[2]!.customers as number) + 1} in the truth, ${lines[2]!.customers} in the topic`,
      )
    }, 180_000)

    test("Ctrl-C: windows are written while the run goes, and the rest at the end", async () => {
      const topic = uniqueTopic(`truth-ctrlc-${client}`)
      const truth = join(work, `${topic}.ndjson`)
      const summaryFile = join(work, `${topic}.json`)
      const run = startInGroup(
        [
          ...producer,
          "--topic",
          topic,
          "--create-topic",
          "--truth",
          truth,
          "--truth-window",
          "1s",
          "--rate",
          "400",
          "--duplicate-rate",
          "0.02",
          "--summary-file",
          summaryFile,
          "--no-progress",
        ],
        env,
      )
      await until(() => lineCount(truth) >= 3, "three windows written while the run goes")
      run.interrupt()
      const finished = await run.finished
      expect(finished.code, finished.stderr).toBe(0)
      const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
      expect(summary.stoppedBy).toBe("signal")
      await expectTruthOfTopic(topic, truth, 1000, summary.delivered)
    }, 120_000)
  })

describe("truth when the broker stops under the run", () => {
  const port = 25092 + (process.pid % 500) * 2
  const brokers = `127.0.0.1:${port}`
  const stateDir = mkdtempSync(join(tmpdir(), "truth-broker-"))
  const brokerEnv = { KAFKA_PORT: String(port), KAFKA_STATE_DIR: stateDir }
  afterAll(() => {
    brokerScript(["down"], brokerEnv)
    rmSync(stateDir, { recursive: true, force: true })
  })

  for (const client of KafkaConfig.clients)
    test(`(${client}) events that failed are not in the truth; the truth is what the topic holds`, async () => {
      expect(brokerScript(["up"], brokerEnv).code).toBe(0)
      const topic = uniqueTopic(`truth-down-${client}`)
      const truth = join(work, `${topic}.ndjson`)
      const summaryFile = join(work, `${topic}.json`)
      const deadLetters = join(work, `${topic}.dead.ndjson`)
      const run = startInGroup(
        [
          ...producer,
          "--topic",
          topic,
          "--create-topic",
          "--truth",
          truth,
          "--truth-window",
          "1s",
          "--rate",
          "300",
          "--delivery-timeout",
          "15s",
          "--drain-timeout",
          "2s",
          "--dead-letter-file",
          deadLetters,
          "--summary-file",
          summaryFile,
          "--no-progress",
        ],
        { KAFKA_BOOTSTRAP_SERVERS: brokers, KAFKA_CLIENT: client },
      )
      await until(() => lineCount(truth) >= 2, "two windows written")
      // Frozen, the producer has nothing in flight that the broker has not answered: stopping the
      // broker then leaves no batch written but unacknowledged. The freeze stays well within the
      // delivery timeout, so a batch answered while frozen is read as delivered, not timed out.
      process.kill(run.child.pid!, "SIGSTOP")
      let last = -1
      await until(async () => {
        const now = await recordCount(topic, brokers)
        const stable = now === last
        last = now
        await Bun.sleep(300)
        return stable
      }, "the topic to stop growing")
      expect(brokerScript(["down"], brokerEnv).code).toBe(0)
      process.kill(run.child.pid!, "SIGCONT")
      await until(() => lineCount(deadLetters) > 0, "events failing while the broker is down")
      run.interrupt()
      const finished = await run.finished
      expect(finished.code, finished.stderr).toBe(1)
      const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
      expect(summary.failed).toBeGreaterThan(0)
      expect(summary.delivered + summary.failed).toBe(summary.generated)
      expect(brokerScript(["up"], brokerEnv).code).toBe(0)
      await expectTruthOfTopic(topic, truth, 1000, summary.delivered, brokers)
    }, 180_000)
})
