/**
 * Changing reference data: the events agree with the entities valid at their time (checked by an
 * independent replay of the changes), changes come in time order behind the watermark, a stream
 * without changes is unchanged, and orphan-events names deleted entities only inside its episode.
 */
import { describe, expect, test } from "bun:test"
import { ReferenceReplay } from "@customer-events/test-support"
import { Effect, Result } from "effect"
import {
  Anomaly,
  EntityChanges,
  EventClock,
  EventGenerator,
  EventRecord,
  Pacing,
  Reference,
} from "../src/index.js"

const start = Date.parse("2026-11-30T00:00:00.000Z")
const hourMs = 3_600_000
/** High rates: in 2 hours, 1 product in 12 and 1 customer in 12 deleted, many price changes. */
const high: EntityChanges.Rates = {
  priceChanges: 24,
  customerUpdates: 12,
  productDeletes: 1,
  customerDeletes: 1,
}

const generate = (seed: number, options: EventGenerator.Options, hours = 2) => {
  const generator = Effect.runSync(
    EventGenerator.makeSeeded(seed, {
      pacing: Pacing.Pacing.Rate({ perSecond: 20 }),
      clock: EventClock.simulated(start),
      ...options,
    }),
  )
  const batches: Array<EventGenerator.Batch> = []
  do batches.push(generator.take(1000, Number.POSITIVE_INFINITY))
  while (Date.parse(batches.at(-1)!.events.at(-1)!.timestamp) < start + hours * hourMs)
  return { generator, batches }
}

/** The catalog and the pool as first written, then every change of the batches. */
const replayOf = (
  generator: EventGenerator.EventGenerator,
  batches: ReadonlyArray<EventGenerator.Batch>,
  customers = 5000,
) => {
  const replay = new ReferenceReplay()
  for (const p of Reference.products(generator.catalog)) replay.add("product", p.productId, -Infinity, p)
  for (const c of Reference.customers(customers)) replay.add("customer", c.customerId, -Infinity, c)
  for (const batch of batches)
    for (const c of batch.changes ?? []) replay.add(c.entity, c.id, c.atMs, c.value)
  return replay
}

describe("changing reference data", () => {
  for (const mode of EventGenerator.modes)
    test(`${mode}: 2 h at 20/s with every kind at a high rate, late events and duplicates: every event agrees`, () => {
      const late = { rate: 0.1, minMs: 1_000, maxMs: 120_000 }
      const { generator, batches } = generate(7, { mode, entityChanges: high, late, duplicateRate: 0.01 })
      const replay = replayOf(generator, batches)
      const events = batches.flatMap((b) => b.events)
      const violations = events.flatMap((e) => replay.violations(e))
      expect(violations.slice(0, 3)).toEqual([])
      const counts = generator.changes()!
      for (const kind of EntityChanges.kinds) expect(counts[kind]).toBeGreaterThan(30)
      expect(batches.flatMap((b) => b.changes ?? []).length).toBe(
        EntityChanges.kinds.reduce((n, k) => n + counts[k], 0),
      )
      // Prices did change under purchases: some are priced other than the catalog's price.
      const repriced = events.filter(
        (e) =>
          e.eventType === "purchase" &&
          e.metadata.totalAmount !==
            Math.round(generator.catalog.find(e.productId)!.unitPrice * 100 * e.metadata.quantity) / 100,
      )
      expect(repriced.length).toBeGreaterThan(50)
    })

  test("changes come in time order, none before the previous batch's watermark; updates are whole entities", () => {
    const { batches } = generate(11, { entityChanges: high, late: { rate: 0.2, minMs: 0, maxMs: 60_000 } }, 1)
    let last = Number.NEGATIVE_INFINITY
    let watermark = Number.NEGATIVE_INFINITY
    for (const batch of batches) {
      for (const change of batch.changes ?? []) {
        expect(change.atMs).toBeGreaterThanOrEqual(Math.max(last, watermark))
        last = change.atMs
        if (change.value !== null)
          expect(Result.isSuccess(Reference.decode(change.entity, change.value))).toBe(true)
      }
      watermark = batch.watermarkMs
    }
    expect(last).toBeGreaterThan(start)
  })

  test("a pool and a catalog too big for a flag each (a set of the deleted): nothing deleted is drawn again", () => {
    const big = { customers: 1_200_000, products: 1_100_000 }
    const entityChanges = { ...EntityChanges.none, productDeletes: 2, customerDeletes: 2 }
    const { generator, batches } = generate(13, { ...big, entityChanges }, 0.5)
    const replay = replayOf(generator, batches, big.customers)
    const violations = batches.flatMap((b) => b.events).flatMap((e) => replay.violations(e))
    expect(violations.slice(0, 3)).toEqual([])
    // About 2 a day of each entity over half an hour: some tens of thousands of each.
    expect(generator.changes()!.productDeletes).toBeGreaterThan(20_000)
    expect(generator.changes()!.customerDeletes).toBeGreaterThan(20_000)
  }, 60_000)

  test("with the changes off (or all rates 0) a seed's stream is unchanged", () => {
    const plain = generate(5, {}, 0.2).batches.flatMap((b) => b.events)
    const off = generate(5, { entityChanges: EntityChanges.none }, 0.2).batches.flatMap((b) => b.events)
    expect(off).toEqual(plain)
    expect(generate(5, {}, 0.2).batches.every((b) => b.changes === undefined)).toBe(true)
  })

  test("orphan-events: only inside its episode, a view per ten events in a session of its own, naming an entity deleted by then", () => {
    const episode = Result.getOrThrow(Anomaly.parse("orphan-events@60m+30m"))
    const { generator, batches } = generate(3, { entityChanges: high, anomalies: [episode] })
    const replay = replayOf(generator, batches)
    const labelled = batches.flatMap((b) =>
      EventRecord.fromEvents(b.events, b.anomalies).map((r) => ({ event: r.event, kind: r.headers.anomaly })),
    )
    const inEpisode = labelled.filter(({ event }) => {
      const t = Date.parse(event.timestamp) - start
      return t >= hourMs && t < 1.5 * hourMs
    })
    const orphans = labelled.filter((l) => l.kind === "orphan-events")
    expect(orphans.every((o) => inEpisode.includes(o))).toBe(true)
    expect(orphans.length / inEpisode.length).toBeGreaterThan(0.08)
    expect(orphans.length / inEpisode.length).toBeLessThan(0.12)
    for (const { event } of orphans) expect(replay.violations(event).length).toBeGreaterThan(0)
    const sessions = new Map<string, number>()
    for (const { event } of labelled) sessions.set(event.sessionId, (sessions.get(event.sessionId) ?? 0) + 1)
    for (const { event } of orphans) {
      expect(event.eventType).toBe("productView")
      expect(sessions.get(event.sessionId)).toBe(1)
    }
    const others = labelled
      .filter((l) => l.kind !== "orphan-events")
      .flatMap((l) => replay.violations(l.event))
    expect(others).toEqual([])
    expect(generator.episodes()[0]!.events).toBe(orphans.length)
  })
})
