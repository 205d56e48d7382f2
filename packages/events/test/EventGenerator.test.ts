import { describe, expect, test } from "bun:test"
import { Effect, Result } from "effect"
import fc from "fast-check"
import { Catalog, CustomerEvent, EventClock, EventGenerator, EventRecord, Pacing } from "../src/index.js"

const start = Date.parse("2026-11-30T00:00:00.000Z")

const generate = (seed: number | string, n: number, options: EventGenerator.Options = {}) =>
  Effect.runSync(EventGenerator.makeSeeded(seed, { clock: EventClock.simulated(start), ...options })).next(n)

const ndjson = (events: ReadonlyArray<CustomerEvent.CustomerEvent>) =>
  events.map(CustomerEvent.encodeJson).join("\n")

const bySession = (events: ReadonlyArray<CustomerEvent.CustomerEvent>) => {
  const sessions = new Map<string, Array<CustomerEvent.CustomerEvent>>()
  for (const event of events) {
    const list = sessions.get(event.sessionId)
    if (list) list.push(event)
    else sessions.set(event.sessionId, [event])
  }
  return sessions
}

describe("EventGenerator", () => {
  // A seed's stream is part of the contract (reproducible runs, across versions): these digests of
  // 20,000 events of seed 11 change only when the generated data is meant to change.
  for (const [mode, digest] of [
    ["sessions", "eb6e7f48a2045bbb2e89e1ef314c791980403e15690b45f388bed24590f18944"],
    ["independent", "c0669b59e5b1f40578d139968bdfc0003fceace5d01f03022507b8e70c867b51"],
  ] as const)
    test(`seed 11 gives the same ${mode} stream as before`, () => {
      const text = ndjson(generate(11, 20_000, { mode }).events)
      expect(new Bun.CryptoHasher("sha256").update(text).digest("hex")).toBe(digest)
    })

  test("every event of many seeds, both modes, decodes and its JSON round-trips", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom<EventGenerator.Mode>("sessions", "independent"),
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 1, max: 300 }),
        (seed, mode, products, customers) => {
          const { events } = generate(seed, 300, { mode, products, customers })
          for (const event of events) {
            const json = CustomerEvent.encodeJson(event)
            const decoded = CustomerEvent.decodeJson(json)
            if (Result.isFailure(decoded)) throw new Error(`${decoded.failure.message} in ${json}`)
            expect(CustomerEvent.encodeJson(decoded.success)).toBe(json)
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  test("the same seed gives byte-identical NDJSON, eventIds included; another seed differs", () => {
    for (const mode of EventGenerator.modes) {
      const a = ndjson(generate("alpha", 2000, { mode }).events)
      const b = ndjson(generate("alpha", 2000, { mode }).events)
      const c = ndjson(generate("beta", 2000, { mode }).events)
      expect(a).toBe(b)
      expect(c).not.toBe(a)
    }
  })

  test("batch size does not change the stream", () => {
    const whole = generate(7, 1000).events
    const gen = Effect.runSync(EventGenerator.makeSeeded(7, { clock: EventClock.simulated(start) }))
    const pieces = [...gen.next(1).events, ...gen.next(499).events, ...gen.next(500).events]
    expect(ndjson(pieces)).toBe(ndjson(whole))
  })

  test("session invariants hold over 50,000 events", () => {
    const { events } = generate(11, 50_000)
    const catalog = Catalog.makeCatalog()
    const unitPrice = new Map<string, number>()
    let purchases = 0
    let followedClicks = 0
    let clicks = 0
    for (const [sessionId, list] of bySession(events)) {
      const carted = new Map<string, number>()
      let previous = ""
      list.forEach((event, i) => {
        expect(event.timestamp >= previous).toBe(true)
        previous = event.timestamp
        expect(new Set(list.map((e) => e.customerId)).size).toBe(1)
        switch (event.eventType) {
          case "addToCart":
            carted.set(event.productId, event.metadata.quantity)
            break
          case "purchase": {
            purchases++
            if (carted.get(event.productId) !== event.metadata.quantity)
              throw new Error(`purchase without matching addToCart in ${sessionId}`)
            const price = event.metadata.totalAmount / event.metadata.quantity
            const seen = unitPrice.get(event.productId)
            if (seen !== undefined) expect(Math.abs(seen - price)).toBeLessThan(0.006)
            unitPrice.set(event.productId, price)
            expect(event.metadata.totalAmount).toBe(
              Catalog.totalAmount(catalog.find(event.productId)!, event.metadata.quantity),
            )
            break
          }
          case "recommendationClick": {
            clicks++
            expect(event.metadata.recommendedProductId).not.toBe(event.productId)
            const next = list[i + 1]
            if (next?.eventType === "productView" && next.productId === event.metadata.recommendedProductId)
              followedClicks++
            break
          }
          case "productView":
            expect(event.metadata.category).toBe(catalog.find(event.productId)!.category)
        }
      })
    }
    expect(purchases).toBeGreaterThan(1000)
    // "usually followed": sessions still running at the end of the sample may miss their view.
    expect(followedClicks / clicks).toBeGreaterThan(0.85)
  })

  test("sessions interleave in time", () => {
    const { events } = generate(3, 200)
    const firstTen = new Set(events.slice(0, 10).map((e) => e.sessionId))
    expect(firstTen.size).toBeGreaterThan(5)
  })

  test("the type mix of 100,000 events stays within the stated bounds", () => {
    for (const seed of [1, 2, 3]) {
      const { events } = generate(seed, 100_000)
      const counts = new Map<string, number>()
      for (const e of events) counts.set(e.eventType, (counts.get(e.eventType) ?? 0) + 1)
      for (const [type, [low, high]] of Object.entries(EventGenerator.sessionMixBounds)) {
        const share = (counts.get(type) ?? 0) / events.length
        expect(share).toBeGreaterThanOrEqual(low)
        expect(share).toBeLessThanOrEqual(high)
      }
    }
  })

  test("independent mode is uniform over the four types and keeps amounts consistent", () => {
    const { events } = generate(5, 40_000, { mode: "independent" })
    const catalog = Catalog.makeCatalog()
    const counts = new Map<string, number>()
    for (const e of events) {
      counts.set(e.eventType, (counts.get(e.eventType) ?? 0) + 1)
      if (e.eventType === "purchase")
        expect(e.metadata.totalAmount).toBe(
          Catalog.totalAmount(catalog.find(e.productId)!, e.metadata.quantity),
        )
    }
    for (const type of CustomerEvent.eventTypes) {
      const share = (counts.get(type) ?? 0) / events.length
      expect(Math.abs(share - 0.25)).toBeLessThan(0.015)
    }
  })

  test("popularity is skewed: the top 10% of products take most views", () => {
    const { events } = generate(9, 50_000)
    const views = events.filter((e) => e.eventType === "productView")
    const top = views.filter((e) => Number(e.productId.slice(5)) <= 50).length
    expect(top / views.length).toBeGreaterThan(0.5)
  })

  test("the catalog is fixed by its size, and prices have 2 decimals in range", () => {
    const a = Catalog.makeCatalog(300)
    const b = Catalog.makeCatalog(600)
    expect(b.popular.slice(0, 300)).toEqual(a.popular as never)
    for (const p of b.popular) {
      expect(p.unitPrice).toBeGreaterThan(0)
      expect(Math.round(p.unitPrice * 100) / 100).toBe(p.unitPrice)
    }
    expect(() => Catalog.makeCatalog(1)).toThrow("products must be an integer >= 2")
  })

  test("simulated time advances by the drawn pauses; pauses follow the pacing", () => {
    const uniform = generate(1, 20_000, { pacing: Pacing.Pacing.Interval({ minMs: 100, maxMs: 1000 }) })
    const pauses = Array.from(uniform.pausesMs)
    expect(Math.min(...pauses)).toBeGreaterThanOrEqual(100)
    expect(Math.max(...pauses)).toBeLessThanOrEqual(1000)
    const mean = pauses.reduce((a, b) => a + b, 0) / pauses.length
    expect(Math.abs(mean - 550)).toBeLessThan(10)
    const last = uniform.events[uniform.events.length - 1]!
    const elapsed = Date.parse(last.timestamp) - start
    const drawn = pauses.slice(0, -1).reduce((a, b) => a + b, 0)
    expect(Math.abs(elapsed - drawn)).toBeLessThanOrEqual(1)

    const poisson = generate(2, 50_000, { pacing: Pacing.Pacing.Rate({ perSecond: 500 }) })
    const total = Array.from(poisson.pausesMs).reduce((a, b) => a + b, 0)
    expect(Math.abs(50_000 / (total / 1000) - 500) / 500).toBeLessThan(0.02)

    const max = generate(3, 100, { pacing: Pacing.Pacing.Max() })
    expect(Array.from(max.pausesMs).every((p) => p === 0)).toBe(true)
  })

  test("a record carries key = customerId, the headers and the event time", () => {
    const [event] = generate(4, 1).events
    const record = EventRecord.fromEvent(event!)
    expect(record.key).toBe(event!.customerId)
    expect(record.value).toBe(JSON.stringify(event))
    expect(record.timestamp).toBe(String(Date.parse(event!.timestamp)))
    expect(record.headers).toEqual({
      "event-type": event!.eventType,
      "event-id": event!.eventId,
      "content-type": "application/json",
      "schema-version": CustomerEvent.schemaVersion,
    })
  })
})

describe("EventGenerator.take", () => {
  test("takes the events due within a time budget, always at least one, never past the maximum", () => {
    const gen = Effect.runSync(
      EventGenerator.makeSeeded(8, {
        clock: EventClock.simulated(start),
        pacing: Pacing.Pacing.Interval({ minMs: 10, maxMs: 10 }),
      }),
    )
    // Events at 0, 10, 20, 30 ms are due within 35 ms; the next one is due at 40 ms.
    const batch = gen.take(100, 35)
    expect(batch.events).toHaveLength(4)
    expect(batch.spanMs).toBe(40)
    expect(gen.take(100, 0).events).toHaveLength(1)
    expect(gen.take(3, 1000).events).toHaveLength(3)
  })

  test("the stream is the same however it is taken", () => {
    const a = Effect.runSync(EventGenerator.makeSeeded(9, { clock: EventClock.simulated(start) }))
    const b = Effect.runSync(EventGenerator.makeSeeded(9, { clock: EventClock.simulated(start) }))
    const taken = [...a.take(10, 2000).events, ...a.take(500, 100_000).events]
    expect(ndjson(b.next(taken.length).events)).toBe(ndjson(taken))
  })
})
