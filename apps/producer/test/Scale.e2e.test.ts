/**
 * Scaling out, as users run it: --instance I/N shards (disjoint customers, the count and rate
 * split, each reproducible) and --workers N against the real broker with each client (the topic
 * holds exactly what the one summary says, Ctrl-C drains every worker).
 */
import { describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KafkaConfig } from "@customer-events/kafka"
import {
  bootstrap,
  readTopic,
  recordCount,
  runCommand,
  startInGroup,
  uniqueTopic,
  until,
} from "@customer-events/test-support"

const work = mkdtempSync(join(tmpdir(), "scale-e2e-"))
const producer = ["bun", "run", "apps/producer"]
const customerIndex = (id: string) => Number(id.slice(5)) - 1

describe("--instance I/N", () => {
  const dryRun = (instance: string) =>
    runCommand([
      ...producer,
      "--dry-run",
      "--seed",
      "4",
      "--count",
      "3000",
      "--customers",
      "900",
      "--start-time",
      "2026-11-30T00:00:00Z",
      "--instance",
      instance,
    ])

  test("each instance: its share of the count, only its own customers, the same events for the same seed", async () => {
    const [first, second, again] = await Promise.all([dryRun("1/3"), dryRun("2/3"), dryRun("2/3")])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toBe(again.stdout)
    const events = (out: string) =>
      out
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line))
    for (const [run, offset] of [
      [first, 0],
      [second, 1],
    ] as const) {
      const list = events(run.stdout)
      expect(list).toHaveLength(1000)
      for (const e of list) expect(customerIndex(e.customerId) % 3).toBe(offset)
    }
    const ids = new Set([...events(first.stdout), ...events(second.stdout)].map((e) => e.eventId))
    expect(ids.size).toBe(2000)
    expect(second.stderr).toContain("instance 2/3")
  }, 60_000)
})

for (const client of KafkaConfig.clients)
  describe(`--workers (${client}) against the local broker`, () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap, KAFKA_CLIENT: client }

    test("two workers: one summary that adds up to what the topic holds, each worker an instance", async () => {
      const topic = uniqueTopic(`workers-${client}`)
      const summaryFile = join(work, `${topic}.json`)
      const run = await runCommand(
        [
          ...producer,
          "--topic",
          topic,
          "--create-topic",
          "--rate",
          "max",
          "--count",
          "20000",
          "--customers",
          "1000",
          "--workers",
          "2",
          "--summary-file",
          summaryFile,
        ],
        env,
      )
      expect(run.code, run.stderr).toBe(0)
      const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
      expect([summary.generated, summary.delivered, summary.failed, summary.workers]).toEqual([
        20_000, 20_000, 0, 2,
      ])
      const records = await readTopic(topic)
      expect(records).toHaveLength(20_000)
      const byInstance = new Map<string, Set<number>>()
      for (const r of records) {
        const instance = r.headers.instance!
        if (!byInstance.has(instance)) byInstance.set(instance, new Set())
        byInstance.get(instance)!.add(customerIndex(r.key!))
      }
      expect([...byInstance.keys()].sort()).toEqual(["1/2", "2/2"])
      for (const [instance, customers] of byInstance)
        for (const c of customers) expect(c % 2).toBe(Number(instance[0]) - 1)
    }, 120_000)

    test("Ctrl-C drains every worker: the summary is the topic's count, exit 0", async () => {
      const topic = uniqueTopic(`workers-stop-${client}`)
      const summaryFile = join(work, `${topic}.json`)
      const run = startInGroup(
        [
          ...producer,
          "--topic",
          topic,
          "--create-topic",
          "--rate",
          "1500",
          "--workers",
          "2",
          "--summary-file",
          summaryFile,
        ],
        env,
      )
      await until(async () => (await recordCount(topic)) > 1000, "the workers to deliver")
      run.interrupt()
      const finished = await run.finished
      expect(finished.code, finished.stderr).toBe(0)
      const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
      expect(summary.stoppedBy).toBe("signal")
      expect(summary.delivered).toBe(summary.generated)
      expect(await recordCount(topic)).toBe(summary.delivered)
    }, 120_000)
  })
