/**
 * Changing reference data against the real broker, with each client: 2 hours of event time at 20
 * events/s with every kind of change at a high rate and an orphan-events episode. An independent
 * replay of the compacted topics (read with kafkajs) agrees with every event; the truth file's
 * windows are the topic's, its change counts the reference topics'; the inspector finds 0 violations.
 * In a registry format the changes are encoded like the snapshot, and deletes are tombstones.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Catalog } from "@customer-events/events"
import { KafkaConfig } from "@customer-events/kafka"
import {
  bootstrap,
  expectedTruth,
  ReferenceReplay,
  readTopic,
  recordCount,
  registryUrl,
  repoRoot,
  runCommand,
  topicConfig,
  truthLines,
  uniqueTopic,
  withoutEmptyEnds,
} from "@customer-events/test-support"

const work = mkdtempSync(join(tmpdir(), "entity-changes-e2e-"))
const producer = ["bun", "run", "apps/producer"]
const inspector = ["bun", "run", "apps/inspector"]
const kinds = ["priceChanges", "customerUpdates", "productDeletes", "customerDeletes"] as const
const highRates = ["--price-changes", "24", "--customer-updates", "12", "--product-deletes", "1"].concat([
  "--customer-deletes",
  "1",
])

afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Change records of the reference topics by kind (header `change`) and by window of their time. */
const changesOf = (records: ReadonlyArray<{ headers: Record<string, string>; timestamp: string }>) => {
  const byKind: Record<string, number> = Object.fromEntries(kinds.map((k) => [k, 0]))
  const byWindow = new Map<string, Record<string, number>>()
  for (const r of records) {
    const kind = r.headers.change
    if (kind === undefined) continue
    byKind[kind]!++
    const start = new Date(Math.floor(Number(r.timestamp) / 60_000) * 60_000).toISOString()
    const window = byWindow.get(start) ?? Object.fromEntries(kinds.map((k) => [k, 0]))
    window[kind]!++
    byWindow.set(start, window)
  }
  return { byKind, byWindow }
}

for (const client of KafkaConfig.clients)
  describe(`changing reference data (${client})`, () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap, KAFKA_CLIENT: client }

    test("2 h at 20/s, every kind of change at a high rate: every event agrees with the data valid at its time", async () => {
      const topic = uniqueTopic(`changes-${client}`)
      const [truth, summaryFile] = [join(work, `${topic}.ndjson`), join(work, `${topic}.json`)]
      const run = await runCommand(
        [...producer, "--topic", topic, "--create-topic", "--reference-topics", ...highRates].concat([
          ...["--anomaly", "orphan-events@60m+10m", "--truth", truth, "--summary-file", summaryFile],
          ...["--start-time", "2026-11-30T00:00:00Z", "--duration", "2h", "--rate", "20", "--seed", "17"],
          ...["--late-rate", "0.02", "--late-by", "10s..2m", "--no-progress"],
        ]),
        env,
      )
      expect(run.code, run.stderr).toBe(0)
      const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
      for (const kind of kinds) expect(summary.referenceChanges[kind]).toBeGreaterThan(30)
      expect(summary.referenceChanges.failed).toBe(0)

      // The independent replay: the snapshot and every change, read with kafkajs.
      const replay = new ReferenceReplay()
      const products = await readTopic(`${topic}-products`)
      const customers = await readTopic(`${topic}-customers`)
      for (const r of products) replay.addRecord("product", r)
      for (const r of customers) replay.addRecord("customer", r)
      const records = await readTopic(topic)
      expect(records.length).toBe(summary.delivered)
      const events = records.map((r) => ({ ...JSON.parse(r.value!), anomaly: r.headers.anomaly }))
      const orphans = events.filter((e) => e.anomaly === "orphan-events")
      expect(orphans.length).toBe(summary.anomalies[0].events)
      expect(orphans.length).toBeGreaterThan(500)
      for (const e of orphans) expect(replay.violations(e).length).toBeGreaterThan(0)
      expect(events.filter((e) => e.anomaly === undefined).flatMap((e) => replay.violations(e))).toEqual([])
      const deleted = [...products, ...customers].filter((r) => r.value === null)
      expect(deleted.length).toBe(
        summary.referenceChanges.productDeletes + summary.referenceChanges.customerDeletes,
      )

      // The summary's changes are the topics', window by window the truth's.
      const { byKind, byWindow } = changesOf([...products, ...customers])
      expect(byKind).toEqual(Object.fromEntries(kinds.map((k) => [k, summary.referenceChanges[k]])))
      const lines = truthLines(readFileSync(truth, "utf8"))
      for (const line of lines) {
        const zero = Object.fromEntries(kinds.map((k) => [k, 0]))
        expect(line.changes, line.windowStart as string).toEqual(
          byWindow.get(line.windowStart as string) ?? zero,
        )
      }
      const categoryOf = (id: string) => Catalog.productOf(id)!.category
      expect(withoutEmptyEnds(lines.map(({ changes: _, ...w }) => w))).toEqual(
        expectedTruth(events, 60_000, categoryOf),
      )
      for (const t of [`${topic}-products`, `${topic}-customers`])
        expect((await topicConfig(t))["min.compaction.lag.ms"]).toBe("604800000")

      // The inspector replays the topics too: no violation, the orphans expected, the truth matched.
      const inspect = await runCommand(
        [...inspector, "--topic", topic, "--reference-topics", "--summary", summaryFile].concat([
          ...["--truth", truth, "--json", "--no-progress"],
        ]),
        { KAFKA_BOOTSTRAP_SERVERS: bootstrap },
      )
      expect(inspect.code, inspect.stdout + inspect.stderr).toBe(0)
      const report = JSON.parse(inspect.stdout)
      expect(Object.values(report.violations)).toEqual([0, 0, 0, 0, 0])
      expect(report.anomalies["orphan-events"]).toBe(orphans.length)
      expect(report.reference.changes).toEqual(byKind)
    }, 300_000)
  })

describe("changing reference data, the README's recipe", () => {
  test("word for word (its topic renamed): the inspector finds the run sound and the truth matched", async () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8")
    const section = readme.slice(readme.indexOf("## Reference data that changes"))
    const script = section
      .match(/```sh\n([\s\S]*?)```/)![1]!
      .replaceAll("--topic shop", `--topic ${uniqueTopic("readme-changes")}`)
    const dir = mkdtempSync(join(work, "readme-"))
    const run = Bun.spawnSync(
      ["bash", "-e", "-c", script.replaceAll("bun run apps/", `bun run ${repoRoot}apps/`)],
      {
        cwd: dir,
        env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: bootstrap },
      },
    )
    const out = run.stdout.toString()
    expect(run.exitCode, run.stderr.toString().slice(-2000)).toBe(0)
    expect(out).toContain("SOUND: ")
    expect(out).toMatch(/truth: matches the topic in all 12\d windows/)
    expect(out).toMatch(/changes: priceChanges [1-9]/)
  }, 120_000)
})

describe("changing reference data, refused", () => {
  test("with a transactional id: exit 2 naming --transactional-id, no event written", async () => {
    const topic = uniqueTopic("changes-transactional")
    const run = await runCommand(
      [
        ...producer,
        "--topic",
        topic,
        "--create-topic",
        "--reference-topics",
        "--entity-changes",
        "realistic",
      ].concat(["--transactional-id", `${topic}-tx`, "--rate", "max", "--count", "100", "--no-progress"]),
      { KAFKA_BOOTSTRAP_SERVERS: bootstrap },
    )
    expect(run.stderr).toContain(
      "error: --transactional-id: changing reference data is written outside transactions",
    )
    expect(run.code).toBe(2)
    expect(await recordCount(topic)).toBe(0)
  }, 60_000)
})

describe("changing reference data in a registry format", () => {
  test("avro: changes encoded like the snapshot (one schema id per entity), deletes as tombstones", async () => {
    const topic = uniqueTopic("changes-avro")
    const summaryFile = join(work, `${topic}.json`)
    const run = await runCommand(
      [...producer, "--topic", topic, "--create-topic", "--reference-topics", ...highRates].concat([
        ...["--format", "avro", "--start-time", "2026-11-30T00:00:00Z", "--duration", "30m", "--rate", "20"],
        ...["--summary-file", summaryFile, "--no-progress"],
      ]),
      { KAFKA_BOOTSTRAP_SERVERS: bootstrap, SCHEMA_REGISTRY_URL: registryUrl },
    )
    expect(run.code, run.stderr).toBe(0)
    const changes = JSON.parse(readFileSync(summaryFile, "utf8")).referenceChanges
    for (const [entity, deletes, updates] of [
      ["products", changes.productDeletes, changes.priceChanges],
      ["customers", changes.customerDeletes, changes.customerUpdates],
    ] as const) {
      const records = await readTopic(`${topic}-${entity}`)
      // Read as text: the first five bytes (below 0x80) come through unchanged.
      const values = records.filter((r) => r.value !== null).map((r) => Buffer.from(r.value!))
      expect(records.length - values.length).toBe(deletes)
      expect(records.filter((r) => r.headers.change !== undefined).length).toBe(deletes + updates)
      // Confluent's wire format: magic byte 0, then one schema id for the snapshot and the changes.
      expect(values.every((v) => v[0] === 0)).toBe(true)
      expect(new Set(values.map((v) => v.readInt32BE(1))).size).toBe(1)
    }
  }, 120_000)
})
