/**
 * Pools that cost nothing and instances that share them: Zipf ranks drawn without a table follow
 * the same law as the table draw; a shop of 100 million customers and 10 million products has the
 * same mix and popularity skew as the default one; instances own disjoint customers.
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { Catalog, type CustomerEvent, EventClock, EventGenerator } from "../src/index.js"
import { Prng } from "../src/internal/Prng.js"
import { ZipfSampler } from "../src/internal/zipf.js"

const start = Date.parse("2026-11-30T00:00:00.000Z")
const generate = (seed: number | string, n: number, options: EventGenerator.Options = {}) =>
  Effect.runSync(EventGenerator.makeSeeded(seed, { clock: EventClock.simulated(start), ...options })).next(n)
    .events

/** P(rank k) of Zipf(n, s), for k = 1..count. */
const zipfProbabilities = (n: number, s: number, count: number) => {
  let norm = 0
  for (let k = n; k >= 1; k--) norm += k ** -s
  return Array.from({ length: count }, (_, i) => (i + 1) ** -s / norm)
}

const shares = (events: ReadonlyArray<CustomerEvent.CustomerEvent>) => {
  const counts = new Map<string, number>()
  for (const e of events) counts.set(e.eventType, (counts.get(e.eventType) ?? 0) + 1)
  return counts
}

const expectMixWithinBounds = (events: ReadonlyArray<CustomerEvent.CustomerEvent>) => {
  const counts = shares(events)
  for (const [type, [low, high]] of Object.entries(EventGenerator.sessionMixBounds)) {
    const share = (counts.get(type) ?? 0) / events.length
    expect(share, type).toBeGreaterThanOrEqual(low)
    expect(share, type).toBeLessThanOrEqual(high)
  }
}

describe("Zipf ranks without a table", () => {
  for (const n of [500, 10_000_000])
    test(`n = ${n.toLocaleString("en-US")}: the first ranks' frequencies are the law's, within 4 standard errors`, () => {
      const sampler = new ZipfSampler(n, Catalog.zipfExponent)
      const rng = Prng.fromNumber(n)
      const draws = 400_000
      const counts = new Array<number>(11).fill(0)
      for (let i = 0; i < draws; i++) {
        const k = sampler.sample(rng)
        expect(k >= 1 && k <= n).toBe(true)
        if (k <= 10) counts[k]!++
      }
      zipfProbabilities(n, Catalog.zipfExponent, 10).forEach((p, i) => {
        const error = Math.sqrt((p * (1 - p)) / draws)
        expect(Math.abs(counts[i + 1]! / draws - p)).toBeLessThan(4 * error + 1e-4)
      })
    })
})

describe("big pools", () => {
  const big = { customers: 100_000_000, products: 10_000_000 }

  test("the same mix; every id inside the pools; popularity skewed by the same law", () => {
    const small = generate(5, 100_000)
    const events = generate(5, 100_000, big)
    expectMixWithinBounds(events)
    const customers = new Set(events.map((e) => e.customerId))
    expect(customers.size).toBeGreaterThan(5000)
    for (const e of events) {
      expect(Number(e.customerId.slice(5))).toBeLessThanOrEqual(big.customers)
      expect(Number(e.productId.slice(5))).toBeLessThanOrEqual(big.products)
    }
    // Views of the top product over its law's probability: the same in both shops (same process).
    const topShare = (list: typeof events, n: number) => {
      const views = list.filter((e) => e.eventType === "productView")
      return (
        views.filter((e) => e.productId === "prod-00001").length /
        views.length /
        zipfProbabilities(n, Catalog.zipfExponent, 1)[0]!
      )
    }
    expect(Math.abs(topShare(events, big.products) / topShare(small, 500) - 1)).toBeLessThan(0.15)
  })

  test("products past the held ones are the catalog's products, prices included", () => {
    const catalog = Catalog.makeCatalog(big.products)
    expect(catalog.popular.length).toBe(Catalog.heldProducts)
    const far = catalog.at(9_999_999)
    expect(far.id).toBe("prod-10000000")
    expect(catalog.find("prod-10000000")).toEqual(far)
    expect(catalog.find("prod-10000001")).toBeUndefined()
    for (const e of generate(6, 20_000, big))
      if (e.eventType === "purchase")
        expect(e.metadata.totalAmount).toBe(
          Catalog.totalAmount(catalog.find(e.productId)!, e.metadata.quantity),
        )
  })
})

describe("instances", () => {
  const of = 4
  const instances = [1, 2, 3, 4].map((index) =>
    generate("s", 25_000, { customers: 5000, instance: { index, of } }),
  )

  test("own disjoint customers, and never share an event id", () => {
    const owners = new Map<string, number>()
    const ids = new Set<string>()
    instances.forEach((events, i) => {
      for (const e of events) {
        expect(owners.get(e.customerId) ?? i).toBe(i)
        owners.set(e.customerId, i)
        ids.add(e.eventId)
      }
    })
    expect(ids.size).toBe(100_000)
    expect(owners.size).toBeGreaterThan(4000)
  })

  test("together, the mix of one; each is reproducible on its own; one of one is the plain stream", () => {
    expectMixWithinBounds(instances.flat())
    const again = generate("s", 25_000, { customers: 5000, instance: { index: 3, of } })
    expect(JSON.stringify(again)).toBe(JSON.stringify(instances[2]))
    expect(JSON.stringify(generate("s", 2000, { instance: { index: 1, of: 1 } }))).toBe(
      JSON.stringify(generate("s", 2000)),
    )
  })
})
