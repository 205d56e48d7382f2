/** Late events and duplicates, over seeds: their share, their range, their exact counts. */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { EventClock, EventGenerator, Pacing } from "../src/index.js"

const start = Date.parse("2026-11-30T00:00:00.000Z")

/** 50,000 events at 100/s in simulated time, with the emission time of each. */
const run = (seed: number, options: EventGenerator.Options) => {
  let now = start
  const clock = EventClock.simulated(start)
  const observed: EventClock.EventClock = {
    now: () => {
      now = clock.now()
      return now
    },
    advance: clock.advance,
  }
  const generator = Effect.runSync(
    EventGenerator.makeSeeded(seed, {
      pacing: Pacing.Pacing.Rate({ perSecond: 100 }),
      clock: observed,
      ...options,
    }),
  )
  const emitted: Array<{ eventId: string; eventMs: number }> = []
  let late = 0
  let duplicates = 0
  while (emitted.length < 50_000) {
    const batch = generator.take(1000, Number.POSITIVE_INFINITY)
    late += batch.late
    duplicates += batch.duplicates
    for (const event of batch.events)
      emitted.push({ eventId: event.eventId, eventMs: Date.parse(event.timestamp) })
  }
  return { emitted, late, duplicates }
}

describe("late events and duplicates", () => {
  for (const seed of [1, 2, 3])
    test(`seed ${seed}: 5% late by 30s..10m, 2% duplicated: shares, ranges and counts hold`, () => {
      const { emitted, late, duplicates } = run(seed, {
        late: { rate: 0.05, minMs: 30_000, maxMs: 600_000 },
        duplicateRate: 0.02,
      })
      const seen = new Set<string>()
      let repeated = 0
      for (const e of emitted) {
        if (seen.has(e.eventId)) repeated++
        seen.add(e.eventId)
      }
      expect(repeated).toBe(duplicates)
      const originals = emitted.length - duplicates
      expect(Math.abs(duplicates / originals / 0.02 - 1)).toBeLessThan(0.2)
      expect(Math.abs(late / originals / 0.05 - 1)).toBeLessThan(0.1)
      // Each late event is older than the newest event before it (emitted on time) by at most MAX
      // plus the pauses since; a duplicate, by at most its delay of up to 500 events (5 s at 100/s).
      let newest = 0
      let olderThanNewest = 0
      for (const e of emitted) {
        if (e.eventMs < newest) {
          olderThanNewest++
          expect(newest - e.eventMs).toBeLessThan(600_000 + 60_000)
        } else newest = e.eventMs
      }
      expect(olderThanNewest).toBeGreaterThanOrEqual(late)
    })

  test("without them, nothing is late or repeated, and the stream is the flat one", () => {
    const plain = run(4, {})
    expect(plain.late + plain.duplicates).toBe(0)
    expect(new Set(plain.emitted.map((e) => e.eventId)).size).toBe(plain.emitted.length)
    expect(run(4, { duplicateRate: 0 }).emitted).toEqual(plain.emitted)
  })
})
