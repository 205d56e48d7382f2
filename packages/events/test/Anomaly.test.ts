/** Anomaly episodes: each appears only inside its episode, does what it says, and is counted. */
import { describe, expect, test } from "bun:test"
import { Effect, Result } from "effect"
import { Anomaly, type CustomerEvent, EventClock, EventGenerator, EventRecord, Pacing } from "../src/index.js"

const start = Date.parse("2026-11-30T00:00:00.000Z")
const minute = 60_000
const episodes = ["bot-surge@10m+5m", "price-glitch@20m+10m", "checkout-outage@35m+10m"].map((text) =>
  Result.getOrThrow(Anomaly.parse(text)),
)

/** An hour at 20/s in simulated time, sessions or independent, with the three episodes. */
const hour = (seed: number, mode: EventGenerator.Mode) => {
  const generator = Effect.runSync(
    EventGenerator.makeSeeded(seed, {
      mode,
      pacing: Pacing.Pacing.Rate({ perSecond: 20 }),
      clock: EventClock.simulated(start),
      anomalies: episodes,
    }),
  )
  const out: Array<{ event: CustomerEvent.CustomerEvent; kind: Anomaly.Kind | undefined }> = []
  for (;;) {
    const batch = generator.take(1000, Number.POSITIVE_INFINITY)
    const records = EventRecord.fromEvents(batch.events, batch.anomalies)
    batch.events.forEach((event, i) => {
      out.push({ event, kind: records[i]!.headers[Anomaly.headerName] as Anomaly.Kind | undefined })
    })
    if (Date.parse(batch.events.at(-1)!.timestamp) >= start + 60 * minute) break
  }
  return { out, reports: generator.episodes(), catalog: generator.catalog }
}

const within = (event: CustomerEvent.CustomerEvent, fromMinute: number, toMinute: number) => {
  const t = Date.parse(event.timestamp)
  return t >= start + fromMinute * minute && t < start + toMinute * minute
}

describe("anomaly episodes", () => {
  for (const [seed, mode] of [
    [1, "sessions"],
    [2, "independent"],
  ] as const)
    test(`seed ${seed}, ${mode}: each episode only inside its window, doing what it says, counted exactly`, () => {
      const { out, reports, catalog } = hour(seed, mode)
      const bots = out.filter((e) => e.kind === "bot-surge")
      const glitched = out.filter((e) => e.kind === "price-glitch")
      for (const { event } of bots) expect(within(event, 10, 15)).toBe(true)
      expect(new Set(bots.map((b) => b.event.customerId)).size).toBe(1)
      const others = out.filter((e) => e.kind === undefined && within(e.event, 10, 15)).length
      expect(bots.length).toBe(20 * others)
      for (const { event } of glitched) {
        expect(within(event, 20, 30)).toBe(true)
        if (event.eventType !== "purchase") throw new Error("only purchases are glitched")
        const unit = catalog.find(event.productId)!.unitPrice
        expect(event.metadata.totalAmount).toBe(
          Math.max(0.01, Math.round(unit * event.metadata.quantity) / 100),
        )
      }
      const purchases = out.filter((e) => e.event.eventType === "purchase")
      expect(purchases.filter((e) => within(e.event, 20, 30) && e.kind === undefined)).toHaveLength(0)
      expect(purchases.filter((e) => within(e.event, 35, 45))).toHaveLength(0)
      expect(purchases.filter((e) => within(e.event, 45, 60)).length).toBeGreaterThan(50)
      expect(
        out.filter((e) => within(e.event, 35, 45) && e.event.eventType === "addToCart").length,
      ).toBeGreaterThan(100)
      expect(reports.map((r) => [r.kind, r.start, r.end])).toEqual([
        ["bot-surge", "2026-11-30T00:10:00.000Z", "2026-11-30T00:15:00.000Z"],
        ["price-glitch", "2026-11-30T00:20:00.000Z", "2026-11-30T00:30:00.000Z"],
        ["checkout-outage", "2026-11-30T00:35:00.000Z", "2026-11-30T00:45:00.000Z"],
      ])
      expect(reports[0]!.events).toBe(bots.length)
      expect(reports[1]!.events).toBe(glitched.length)
      expect(reports[2]!.events).toBe(out.filter((e) => within(e.event, 35, 45)).length)
    })

  test("KIND@START+DURATION, each mistake named", () => {
    expect(Result.getOrThrow(Anomaly.parse("checkout-outage@30m+10m"))).toEqual({
      kind: "checkout-outage",
      startOffsetMs: 30 * minute,
      durationMs: 10 * minute,
    })
    expect(Result.getOrThrow(Anomaly.parse("bot-surge@0+1m")).startOffsetMs).toBe(0)
    const error = (text: string) => Result.flip(Anomaly.parse(text)).pipe(Result.getOrThrow)
    expect(error("outage")).toStartWith("expected KIND@START+DURATION")
    expect(error("flood@1m+1m")).toBe(
      'expected a kind among bot-surge, price-glitch, checkout-outage, orphan-events, got "flood"',
    )
    expect(error("bot-surge@soon+1m")).toStartWith("expected durations such as 30m+10m")
  })
})

test("a duplicate of a labelled event carries its label, and the episode counts the event once", () => {
  const generator = Effect.runSync(
    EventGenerator.makeSeeded(4, {
      pacing: Pacing.Pacing.Rate({ perSecond: 20 }),
      clock: EventClock.simulated(start),
      anomalies: [Result.getOrThrow(Anomaly.parse("price-glitch@0m+30m"))],
      duplicateRate: 0.2,
    }),
  )
  const labels = new Map<string, Array<string | undefined>>()
  for (let i = 0; i < 20; i++) {
    const batch = generator.take(1000, Number.POSITIVE_INFINITY)
    for (const record of EventRecord.fromEvents(batch.events, batch.anomalies))
      labels.set(record.event.eventId, [...(labels.get(record.event.eventId) ?? []), record.headers.anomaly])
  }
  const repeatedGlitches = [...labels.values()].filter((l) => l.length > 1 && l[0] === "price-glitch")
  expect(repeatedGlitches.length).toBeGreaterThan(20)
  for (const l of labels.values()) expect(new Set(l).size).toBe(1)
  const labelled = [...labels.values()].filter((l) => l[0] === "price-glitch").length
  expect(generator.episodes()[0]!.events).toBe(labelled)
})
