/**
 * The truth file from the run's side, without Kafka: batches generated with late events and
 * duplicates, outcomes answered out of order with some failed. Windows are written as soon as they
 * are complete, never rewritten, and at the end equal the aggregates of the delivered events.
 */
import { describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Catalog, EventClock, EventGenerator, EventRecord } from "@customer-events/events"
import { KafkaProducer } from "@customer-events/kafka"
import { expectedTruth, truthLines, withoutEmptyEnds } from "@customer-events/test-support"
import { Effect } from "effect"
import type { Outcome } from "../src/DeliveryTarget.js"
import { TruthLog } from "../src/TruthLog.js"

const work = mkdtempSync(join(tmpdir(), "truth-log-"))
const windowMs = 60_000

const outcome = (records: Array<EventRecord.Encoded>, delivered: boolean): Outcome =>
  delivered
    ? { _tag: "Delivered", records, metadata: [], retries: 0, latencyMs: 1 }
    : {
        _tag: "Failed",
        records,
        error: new KafkaProducer.DeliveryAbandoned({ stop: "forced" }),
        retries: 0,
        latencyMs: 1,
      }

/** Generates `batches` batches; each is answered two batches later, every fifth one failed. */
const play = (file: string, options: EventGenerator.Options, batches: number) => {
  const generator = Effect.runSync(
    EventGenerator.makeSeeded(3, {
      pacing: { _tag: "Rate", perSecond: 20 },
      clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00.000Z")),
      ...options,
    }),
  )
  const truth = new TruthLog(file, windowMs, (id) => generator.catalog.find(id)?.category)
  const waiting: Array<Array<EventRecord.Encoded>> = []
  const delivered: Array<EventRecord.Encoded> = []
  const linesSeen: Array<number> = []
  let answered = 0
  const answer = () => {
    const records = waiting.shift()!
    const ok = answered++ % 5 !== 4
    if (ok) delivered.push(...records)
    Effect.runSync(truth.consumer(outcome(records, ok)))
  }
  for (let i = 0; i < batches; i++) {
    const batch = generator.take(200, Number.POSITIVE_INFINITY)
    const records = EventRecord.fromEvents(batch.events, batch.anomalies)
    truth.generated(batch, records)
    waiting.push(records)
    if (waiting.length > 2) answer()
    linesSeen.push(readFileSync(file, "utf8").split("\n").length - 1)
  }
  const beforeEnd = readFileSync(file, "utf8")
  while (waiting.length > 0) answer()
  truth.finish()
  return { delivered: delivered.map((r) => r.event), beforeEnd, after: readFileSync(file, "utf8"), linesSeen }
}

const categoryOf = (id: string) => Catalog.productOf(id)!.category

describe("TruthLog", () => {
  test("with late events and duplicates: windows of delivered events only, each copy apart, written as they complete", () => {
    const file = join(work, "late.ndjson")
    const run = play(file, { late: { rate: 0.05, minMs: 1000, maxMs: 120_000 }, duplicateRate: 0.05 }, 150)
    const lines = truthLines(run.after)
    expect(lines).toEqual(expectedTruth(run.delivered, windowMs, categoryOf))
    expect(lines.reduce((n, w) => n + (w.duplicates as number), 0)).toBeGreaterThan(50)
    // Written while the run went on, in order, and never rewritten.
    expect(run.linesSeen.filter((n, i) => i > 0 && n > run.linesSeen[i - 1]!).length).toBeGreaterThan(5)
    expect(run.after.startsWith(run.beforeEnd)).toBe(true)
    expect(truthLines(run.beforeEnd).length).toBeGreaterThan(lines.length - 4)
  })

  test("a window waits for the late events that can still fall in it", () => {
    const file = join(work, "very-late.ndjson")
    // Up to 10 minutes late: the last 10 windows cannot be complete before the end.
    const run = play(file, { late: { rate: 0.2, minMs: 1000, maxMs: 600_000 } }, 150)
    const all = truthLines(run.after)
    expect(all).toEqual(expectedTruth(run.delivered, windowMs, categoryOf))
    expect(truthLines(run.beforeEnd).length).toBeLessThanOrEqual(all.length - 10)
  })

  test("windows without events between others are written with zeros", () => {
    const file = join(work, "gaps.ndjson")
    // One event every 20 s on average, in 1-minute windows: some windows get none.
    const run = play(file, { pacing: { _tag: "Rate", perSecond: 0.05 } }, 6)
    const lines = withoutEmptyEnds(truthLines(run.after))
    expect(lines).toEqual(expectedTruth(run.delivered, windowMs, categoryOf))
    expect(lines.some((w) => Object.values(w.events as object).every((n) => n === 0))).toBe(true)
  })
})
