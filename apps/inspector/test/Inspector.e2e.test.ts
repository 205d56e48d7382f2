/** The inspector against the real broker: the producer's output is sound; hand-made bad records are each found. */
import { describe, expect, test } from "bun:test"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CustomerEvent, EventClock, EventGenerator, EventRecord } from "@customer-events/events"
import {
  bootstrap,
  createTopic,
  produceRaw,
  recordCount,
  repoRoot,
  runCommand,
  uniqueTopic,
} from "@customer-events/test-support"
import { Effect } from "effect"
import type { Report } from "../src/Inspection.js"

const run = (app: "producer" | "inspector", args: ReadonlyArray<string>) =>
  runCommand(["bun", "run", `apps/${app}`, ...args], { KAFKA_BOOTSTRAP_SERVERS: bootstrap })

const inspect = async (args: ReadonlyArray<string>) => {
  const result = await run("inspector", [...args, "--json", "--no-progress"])
  return { ...result, report: result.code === 2 ? undefined : (JSON.parse(result.stdout) as Report) }
}

const noViolations = {
  purchaseWithoutAddToCart: 0,
  inconsistentUnitPrice: 0,
  timeBackwards: 0,
  orphanEvent: 0,
  priceNotValidThen: 0,
}

describe("the inspector", () => {
  for (const [seed, mode] of [
    [1, "sessions"],
    [2, "sessions"],
    [3, "independent"],
  ] as const)
    test(`finds the producer's output sound (seed ${seed}, ${mode} mode)`, async () => {
      const topic = uniqueTopic(`sound-${mode}`)
      const produced = await run("producer", [
        "--count",
        "4000",
        "--rate",
        "max",
        "--seed",
        String(seed),
        "--mode",
        mode,
        "--topic",
        topic,
        "--create-topic",
      ])
      expect(produced.code).toBe(0)
      const { code, report } = await inspect(["--topic", topic])
      expect(report).toMatchObject({
        records: 4000,
        valid: 4000,
        invalid: 0,
        duplicates: 0,
        violations: noViolations,
        sound: true,
        mode,
      })
      expect(code).toBe(0)
      if (mode === "independent") {
        expect(report!.sessionChecks).toBe(false)
        expect(report!.note).toContain("independent mode")
      } else expect(report!.sessionChecks).toBe(true)
    }, 120_000)

  test("finds each hand-made bad record, with its partition, offset and reason", async () => {
    const topic = uniqueTopic("bad")
    await createTopic(topic, { partitions: 1 })
    const generator = Effect.runSync(
      EventGenerator.makeSeeded(5, { clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00.000Z")) }),
    )
    const good = EventRecord.fromEvents(generator.next(50).events)
    const template = good[0]!
    const event = JSON.parse(String(template.value)) as CustomerEvent.CustomerEvent
    const offContract = {
      ...event,
      eventId: "11111111-1111-4111-8111-111111111111",
      eventType: "addToCart",
      metadata: { quantity: 0 },
    }
    const orphanPurchase = {
      ...event,
      eventId: "22222222-2222-4222-8222-222222222222",
      sessionId: "sess-orphan",
      eventType: "purchase",
      metadata: { quantity: 1, totalAmount: 9.99, paymentMethod: "paypal" },
    }
    const headersOf = (e: { eventId: string; eventType: string }) => ({
      "event-type": e.eventType,
      "event-id": e.eventId,
      "content-type": "application/json",
      "schema-version": CustomerEvent.schemaVersion,
    })
    await produceRaw(topic, [
      ...good,
      {
        key: event.customerId,
        value: JSON.stringify(offContract),
        headers: headersOf(offContract),
        timestamp: template.timestamp,
      }, // 50
      { ...template, key: "someone-else" }, // 51
      {
        key: event.customerId,
        value: JSON.stringify(orphanPurchase),
        headers: headersOf(orphanPurchase),
        timestamp: template.timestamp,
      }, // 52
      good[10]!, // 53: a duplicate eventId
      { key: "x", value: Buffer.from([0xff, 0x00, 0x7b]) }, // 54
    ])
    const { code, report } = await inspect(["--topic", topic, "--mode", "sessions"])
    expect(code).toBe(1)
    expect(report!.sound).toBe(false)
    expect(report!.records).toBe(55)
    expect(report!.invalid).toBe(3)
    expect(report!.invalidRecords).toEqual([
      { partition: 0, offset: "50", path: "metadata.quantity", reason: "expected an integer >= 1, got 0" },
      {
        partition: 0,
        offset: "51",
        path: "key",
        reason: `expected the customerId "${event.customerId}", got "someone-else"`,
      },
      expect.objectContaining({
        partition: 0,
        offset: "54",
        path: "value",
        reason: expect.stringContaining("not JSON"),
      }),
    ])
    expect(report!.violations.purchaseWithoutAddToCart).toBe(1)
    expect(report!.violationExamples).toContainEqual(
      expect.objectContaining({
        partition: 0,
        offset: "52",
        kind: "purchaseWithoutAddToCart",
        path: "metadata.quantity",
      }),
    )
    expect(report!.duplicates).toBe(1)
    expect(report!.duplicateExamples).toEqual([
      {
        partition: 0,
        offset: "53",
        path: "eventId",
        reason: `duplicate of an earlier event ${JSON.parse(String(good[10]!.value)).eventId}`,
      },
    ])
  }, 60_000)

  test("a bounded read ends by itself on a topic still being written, at the watermarks seen at its start", async () => {
    const topic = uniqueTopic("moving")
    const producer: ChildProcess = spawn(
      "bun",
      ["run", "apps/producer", "--rate", "2000", "--topic", topic, "--create-topic"],
      {
        cwd: repoRoot,
        stdio: "ignore",
        env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: bootstrap },
      },
    )
    try {
      while ((await recordCount(topic)) < 2000) await Bun.sleep(100)
      const { code, report } = await inspect(["--topic", topic])
      expect(code).toBe(0)
      const covered = report!.ranges.reduce((n, r) => n + Number(r.to) - Number(r.from), 0)
      expect(covered).toBeGreaterThanOrEqual(2000)
      expect(report!.records).toBe(covered)
      expect(await recordCount(topic)).toBeGreaterThan(covered)
    } finally {
      producer.kill("SIGINT")
    }
  }, 120_000)

  test("bad usage and a missing topic exit 2", async () => {
    const badFlag = await run("inspector", ["--max", "zero"])
    expect(badFlag.code).toBe(2)
    expect(badFlag.stderr).toContain("error: --max: expected a whole number from 1 up")
    const missing = await run("inspector", ["--topic", uniqueTopic("absent")])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("does not exist")
  }, 60_000)

  test("a shaped run with late events, duplicates and anomaly episodes: the report matches the summary exactly", async () => {
    const topic = uniqueTopic("disorder")
    const summaryFile = join(mkdtempSync(join(tmpdir(), "inspector-")), "summary.json")
    const produced = await run("producer", [
      ...[
        "--rate",
        "20",
        "--profile",
        "diurnal",
        "--start-time",
        "2026-11-02T18:00:00Z",
        "--duration",
        "30m",
      ],
      ...["--seed", "5", "--topic", topic, "--create-topic", "--summary-file", summaryFile],
      ...["--late-rate", "0.05", "--late-by", "30s..10m", "--duplicate-rate", "0.02"],
      ...[
        "--anomaly",
        "bot-surge@5m+1m",
        "--anomaly",
        "price-glitch@10m+10m",
        "--anomaly",
        "checkout-outage@22m+5m",
      ],
    ])
    expect(produced.code, produced.stderr).toBe(0)
    const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
    expect(summary.delivered).toBe(summary.generated)
    expect(summary.late).toBeGreaterThan(500)
    expect(summary.duplicatesInjected).toBeGreaterThan(200)
    const episodes = Object.fromEntries(
      summary.anomalies.map((e: { kind: string; events: number }) => [e.kind, e.events]),
    )
    expect(episodes["bot-surge"]).toBeGreaterThan(10_000)
    expect(episodes["price-glitch"]).toBeGreaterThan(100)

    const untold = await inspect(["--topic", topic])
    expect(untold.code).toBe(1)
    expect(untold.report!.violations.timeBackwards).toBeGreaterThan(0)
    expect(untold.report!.violations.inconsistentUnitPrice).toBeGreaterThan(0)

    const told = await inspect(["--topic", topic, "--summary", summaryFile])
    expect(told.code, told.stderr).toBe(0)
    const report = told.report!
    expect(report.records).toBe(summary.generated)
    expect(report.duplicates).toBe(summary.duplicatesInjected)
    expect(report.anomalies).toEqual({
      "bot-surge": episodes["bot-surge"],
      "price-glitch": episodes["price-glitch"],
    })
    expect(report.violations).toEqual(noViolations)
    // Late events and duplicates are older than the newest before them, except a partition's first record.
    expect(report.lateness.records).toBeGreaterThanOrEqual(summary.late - 3)
    expect(report.lateness.records).toBeLessThanOrEqual(summary.late + summary.duplicatesInjected)
    expect(report.sound).toBe(true)
  }, 180_000)
})
