/**
 * The inspector's replay of the reference topics against the real broker: a run with changing
 * reference data is sound; a price version or a delete written behind the producer's back (a
 * pipeline's view of the data then) makes the events that follow it findings, named with their
 * offset and entity; told that prices change, the inspector no longer holds one price per product.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { bootstrap, produceRaw, readTopic, runCommand, uniqueTopic } from "@customer-events/test-support"
import type { Report } from "../src/Inspection.js"

const work = mkdtempSync(join(tmpdir(), "inspector-reference-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap }
const inspect = async (args: ReadonlyArray<string>) => {
  const result = await runCommand(["bun", "run", "apps/inspector", ...args, "--json", "--no-progress"], env)
  return { code: result.code, report: JSON.parse(result.stdout) as Report }
}

describe("the inspector with --reference-topics", () => {
  test("sound on a run whose prices change; a forged price or delete is found, named by offset and id", async () => {
    const topic = uniqueTopic("inspect-reference")
    const summary = join(work, `${topic}.json`)
    const produced = await runCommand(
      ["bun", "run", "apps/producer", "--topic", topic, "--create-topic", "--reference-topics"].concat([
        ...["--price-changes", "48", "--customer-deletes", "2", "--seed", "3", "--summary-file", summary],
        ...["--start-time", "2026-11-30T00:00:00Z", "--duration", "20m", "--rate", "20", "--no-progress"],
      ]),
      env,
    )
    expect(produced.code, produced.stderr).toBe(0)
    expect(JSON.parse(readFileSync(summary, "utf8")).referenceChanges.priceChanges).toBeGreaterThan(100)

    // Told that prices change (the summary), or shown (the topics): one price per product is no rule.
    const told = await inspect(["--topic", topic, "--summary", summary])
    expect([told.code, told.report.violations.inconsistentUnitPrice]).toEqual([0, 0])
    expect(told.report.note).toContain("unit prices are not checked; give --reference-topics")
    const sound = await inspect(["--topic", topic, "--reference-topics"])
    expect(sound.code).toBe(0)
    expect(Object.values(sound.report.violations)).toEqual([0, 0, 0, 0, 0])

    // A price version stamped just before the last purchase, a delete just before another
    // customer's last event: those events are wrong, each named.
    const events = (await readTopic(topic)).map((r) => ({ ...r, event: JSON.parse(r.value!) }))
    const last = events.filter((r) => r.event.eventType === "purchase").at(-1)!
    const other = events.filter((r) => r.event.customerId !== last.event.customerId).at(-1)!
    const before = (r: typeof last) => String(Date.parse(r.event.timestamp) - 1)
    const versions = (await readTopic(`${topic}-products`)).filter((r) => r.key === last.event.productId)
    const current = JSON.parse(versions.filter((r) => r.value !== null).at(-1)!.value!)
    const forged = JSON.stringify({ ...current, unitPrice: current.unitPrice + 1 })
    await produceRaw(`${topic}-products`, [
      { key: current.productId, value: forged, timestamp: before(last) },
    ])
    await produceRaw(`${topic}-customers`, [
      { key: other.event.customerId, value: null, timestamp: before(other) },
    ])
    const { code, report } = await inspect(["--topic", topic, "--reference-topics"])
    expect(code).toBe(1)
    expect(report.violations.orphanEvent).toBeGreaterThanOrEqual(1)
    expect(report.violations.priceNotValidThen).toBeGreaterThanOrEqual(1)
    const examples = report.violationExamples.map((v) => `${v.kind} p${v.partition}@${v.offset} ${v.reason}`)
    expect(examples).toContainEqual(
      expect.stringContaining(
        `orphanEvent p${other.partition}@${other.offset} ${other.event.customerId} was deleted`,
      ),
    )
    expect(examples).toContainEqual(
      expect.stringContaining(`priceNotValidThen p${last.partition}@${last.offset} `),
    )
    expect(examples.join("\n")).toContain(`x ${last.event.productId} at ${last.event.timestamp}`)
  }, 180_000)
})
