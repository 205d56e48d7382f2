/** The truth contract (one window's aggregates) and the reference entities, without Kafka. */
import { describe, expect, test } from "bun:test"
import { expectedTruth } from "@customer-events/test-support"
import Ajv from "ajv"
import addFormats from "ajv-formats"
import { Effect, Result, Schema } from "effect"
import { Catalog, EventClock, EventGenerator, Reference, Truth } from "../src/index.js"

const ajv = new Ajv({ allErrors: true, strict: true })
addFormats(ajv)

const events = (seed: number, n: number, options: EventGenerator.Options = {}) =>
  Effect.runSync(
    EventGenerator.makeSeeded(seed, {
      pacing: { _tag: "Rate", perSecond: 20 },
      clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00.000Z")),
      ...options,
    }),
  ).next(n).events

/** Tallies events the way both apps do: the first of an eventId counted, the others as duplicates. */
const tally = (list: ReturnType<typeof events>, windowMs: number) => {
  const tallies = new Map<number, Truth.Tally>()
  const seen = new Set<string>()
  for (const event of list) {
    const index = Truth.windowIndex(Date.parse(event.timestamp), windowMs)
    if (!tallies.has(index)) tallies.set(index, new Truth.Tally())
    const t = tallies.get(index)!
    if (seen.has(event.eventId)) t.duplicates++
    else t.add(event, (id) => Catalog.productOf(id)?.category)
    seen.add(event.eventId)
  }
  return [...tallies].sort(([a], [b]) => a - b).map(([i, t]) => t.window(i, windowMs))
}

const categoryOf = (id: string) => Catalog.productOf(id)!.category

describe("truth windows", () => {
  const list = events(1, 20_000, { late: { rate: 0.05, minMs: 1000, maxMs: 90_000 }, duplicateRate: 0.05 })
  const windows = tally(list, 60_000)

  test("a tally equals the aggregates computed the plain way, late events and duplicates included", () => {
    expect(windows.length).toBeGreaterThan(10)
    expect(windows).toEqual(expectedTruth(list, 60_000, categoryOf) as never)
    expect(windows.reduce((n, w) => n + w.duplicates, 0)).toBeGreaterThan(500)
  })

  test("every window is valid by the published JSON Schema and by the decoder", () => {
    const validate = ajv.compile(Truth.jsonSchema())
    for (const w of windows)
      expect(validate(JSON.parse(JSON.stringify(w))), JSON.stringify(validate.errors)).toBe(true)
    const text = windows.map((w) => JSON.stringify(w)).join("\n")
    expect(Result.getOrThrow(Truth.parse(text))).toEqual(windows)
    expect(validate({ ...windows[0]!, customers: -1 })).toBe(false)
  })

  test("a bad line is named with its field", () => {
    const line = JSON.stringify({ ...windows[0]!, events: { ...windows[0]!.events, purchase: "x" } })
    expect(Truth.parse(`${JSON.stringify(windows[0])}\n${line}\n`)).toEqual(
      Result.fail(expect.stringContaining("line 2: events.purchase")) as never,
    )
    expect(Result.isFailure(Truth.parse("not json"))).toBe(true)
  })

  test("the first difference names the window and the figure; equal lists have none", () => {
    expect(Truth.firstDifference(windows, windows)).toBeUndefined()
    const changed = windows.map((w, i) =>
      i === 3 ? { ...w, revenue: { ...w.revenue, books: w.revenue.books + 0.01 } } : w,
    )
    expect(Truth.firstDifference(windows, changed)).toBe(
      `window ${windows[3]!.windowStart}: revenue.books is ${windows[3]!.revenue.books} in the truth, ${changed[3]!.revenue.books} in the topic`,
    )
    expect(Truth.firstDifference(windows, windows.slice(1))).toContain(
      `window ${windows[0]!.windowStart}: the truth has events`,
    )
    expect(Truth.firstDifference(windows.slice(0, -1), windows)).toContain("the truth has no such window")
  })

  test("files of several instances combine into the figures of all their events", () => {
    const half = Math.floor(list.length / 2)
    // Duplicates are counted within each file: the split keeps each eventId in one half.
    const ids = new Set(list.slice(0, half).map((e) => e.eventId))
    const first = list.filter((e) => ids.has(e.eventId))
    const second = list.filter((e) => !ids.has(e.eventId))
    expect(
      Truth.combine([tally(first, 60_000), tally(second, 60_000)]).map((w) => ({ ...w, customers: 0 })),
    ).toEqual(windows.map((w) => ({ ...w, customers: 0 })))
  })
})

describe("reference entities", () => {
  const catalog = Catalog.makeCatalog(2000)

  test("a product's entity carries the catalog's category and unit price; each validates", () => {
    const validate = ajv.compile(Reference.jsonSchema("product"))
    const decode = Schema.decodeUnknownResult(Reference.ProductEntity)
    for (const entity of Reference.products(catalog)) {
      const product = catalog.find(entity.productId)!
      expect([entity.category, entity.unitPrice]).toEqual([product.category, product.unitPrice])
      expect(validate(entity), JSON.stringify(validate.errors)).toBe(true)
      expect(Result.isSuccess(decode(entity))).toBe(true)
    }
    expect(new Set([...Reference.products(catalog)].map((p) => p.name)).size).toBeGreaterThan(100)
  })

  test("customers validate, spread over regions and tiers, and are the same in every call", () => {
    const validate = ajv.compile(Reference.jsonSchema("customer"))
    const all = [...Reference.customers(5000)]
    for (const c of all) expect(validate(c), JSON.stringify(validate.errors)).toBe(true)
    expect(all[41]).toEqual(Reference.customer(41))
    expect(all[41]!.customerId).toBe("cust-000042")
    expect(new Set(all.map((c) => c.region)).size).toBe(Reference.regions.length)
    expect(new Set(all.map((c) => c.tier)).size).toBe(Reference.tiers.length)
    expect(all.filter((c) => c.tier === "platinum").length).toBeLessThan(
      all.filter((c) => c.tier === "standard").length,
    )
    expect(validate({ ...all[0]!, signupDate: "yesterday" })).toBe(false)
  })

  test("a product id gives the same product in a catalog of any size; ids no catalog makes give none", () => {
    for (const id of ["prod-00001", "prod-00500", "prod-01999"])
      expect(Catalog.productOf(id)).toEqual(catalog.find(id)!)
    for (const id of ["prod-1", "prod-00000", "x", "prod-0001a"])
      expect(Catalog.productOf(id)).toBeUndefined()
  })

  test("every purchase's totalAmount is its quantity times the reference unit price", () => {
    for (const event of events(2, 50_000)) {
      if (event.eventType !== "purchase") continue
      const product = Reference.product(Catalog.productOf(event.productId)!)
      expect(event.metadata.totalAmount).toBe(
        Math.round(product.unitPrice * 100 * event.metadata.quantity) / 100,
      )
    }
  })
})
