/**
 * The apps under Deno (the pinned one, scripts/runtimes.sh), from this checkout, as docs/deno.md
 * says: the same seed's --dry-run output byte for byte as under Bun, events to the
 * real broker with each client read back by the inspector under Deno, Ctrl-C draining, --workers,
 * and the same usage errors.
 */
import { describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KafkaConfig } from "@customer-events/kafka"
import {
  bootstrap,
  readWithConfluentPython,
  recordCount,
  registryUrl,
  runCommand,
  startInGroup,
  uniqueTopic,
  until,
} from "@customer-events/test-support"

const work = mkdtempSync(join(tmpdir(), "deno-e2e-"))
const deno = {
  producer: ["deno", "run", "-A", "apps/producer/src/main.ts"],
  inspector: ["deno", "run", "-A", "apps/inspector/src/main.ts"],
}
const bun = ["bun", "run", "apps/producer"]
const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap }

describe("under Deno", () => {
  const start = ["--start-time", "2026-11-30T00:00:00Z", "--seed", "7"]
  for (const args of [
    ["--dry-run", "--count", "20000", ...start],
    ["--dry-run", "--count", "20000", "--mode", "independent", ...start],
    [
      "--dry-run",
      "--count",
      "20000",
      "--rate",
      "20",
      "--profile",
      "diurnal",
      "--late-rate",
      "0.05",
      "--duplicate-rate",
      "0.02",
      "--anomaly",
      "price-glitch@2m+5m",
      ...start,
    ],
  ])
    test(`${args.slice(0, 6).join(" ")} ...: byte for byte what Bun writes`, async () => {
      const [underBun, underDeno] = await Promise.all([
        runCommand([...bun, ...args]),
        runCommand([...deno.producer, ...args]),
      ])
      expect(underDeno.code, underDeno.stderr).toBe(0)
      expect(underDeno.stdout.length).toBeGreaterThan(1_000_000)
      expect(underDeno.stdout).toBe(underBun.stdout)
    }, 120_000)

  for (const client of KafkaConfig.clients)
    test(`(${client}) 5,000 events reach the broker; the inspector, under Deno too, says they are sound`, async () => {
      const topic = uniqueTopic(`deno-${client}`)
      const produced = await runCommand(
        [
          ...deno.producer,
          "--topic",
          topic,
          "--create-topic",
          "--rate",
          "max",
          "--count",
          "5000",
          "--client",
          client,
        ],
        env,
      )
      expect(produced.code, produced.stderr).toBe(0)
      expect(produced.stderr).toContain(`5,000 delivered, 0 failed`)
      const inspected = await runCommand(
        [...deno.inspector, "--topic", topic, "--json", "--no-progress"],
        env,
      )
      expect(inspected.code, inspected.stderr).toBe(0)
      const report = JSON.parse(inspected.stdout)
      expect([report.records, report.valid, report.sound]).toEqual([5000, 5000, true])
    }, 120_000)

  test("Ctrl-C drains and exits 0: the summary is what the topic holds", async () => {
    const topic = uniqueTopic("deno-ctrlc")
    const summaryFile = join(work, `${topic}.json`)
    const run = startInGroup(
      [...deno.producer, "--topic", topic, "--create-topic", "--rate", "1000", "--summary-file", summaryFile],
      env,
    )
    await until(async () => (await recordCount(topic)) > 500, "events in the topic")
    run.interrupt()
    const finished = await run.finished
    expect(finished.code, finished.stderr).toBe(0)
    const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
    expect(summary.stoppedBy).toBe("signal")
    expect(summary.delivered).toBe(summary.generated)
    expect(await recordCount(topic)).toBe(summary.delivered)
  }, 120_000)

  test("--workers runs its workers under Deno too", async () => {
    const topic = uniqueTopic("deno-workers")
    const run = await runCommand(
      [
        ...deno.producer,
        "--topic",
        topic,
        "--create-topic",
        "--rate",
        "max",
        "--count",
        "4000",
        "--workers",
        "2",
      ],
      env,
    )
    expect(run.code, run.stderr).toBe(0)
    expect(await recordCount(topic)).toBe(4000)
  }, 120_000)

  test("--format avro under Deno: Confluent's deserializer reads the events of Bun's dry run", async () => {
    const topic = uniqueTopic("deno-avro")
    const stream = ["--seed", "3", "--start-time", "2026-11-30T00:00:00Z", "--rate", "max", "--count", "2000"]
    const produced = await runCommand(
      [...deno.producer, "--topic", topic, "--create-topic", "--format", "avro", ...stream],
      { ...env, SCHEMA_REGISTRY_URL: registryUrl },
    )
    expect(produced.code).toBe(0)
    const dry = await runCommand([...bun, "--dry-run", ...stream])
    const expected = new Map(
      dry.stdout
        .trim()
        .split("\n")
        .map((line) => [JSON.parse(line).eventId as string, JSON.parse(line)]),
    )
    const read = await readWithConfluentPython(topic, 2000, "avro")
    for (const record of read) expect(record.value).toEqual(expected.get(record.value.eventId as string))
    expect(new Set(read.map((r) => r.value.eventId)).size).toBe(2000)
  }, 120_000)

  test("a bad flag: the same message and exit code as under Bun", async () => {
    const args = ["--rate", "-5"]
    const [underBun, underDeno] = await Promise.all([
      runCommand([...bun, ...args]),
      runCommand([...deno.producer, ...args]),
    ])
    expect(underDeno.code).toBe(2)
    expect(underDeno.stderr).toBe(underBun.stderr)
  }, 60_000)
})
