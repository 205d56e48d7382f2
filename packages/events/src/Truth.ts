/**
 * Ground truth: what a pipeline should compute from the topic, per tumbling window of event time
 * (README "Check your pipeline against the truth"). One NDJSON line per window, a contract with its
 * own JSON Schema. The producer tallies what Kafka acknowledged; the inspector tallies the topic;
 * both go through `Tally`, and `firstDifference` compares them window by window.
 */
import { Result, Schema } from "effect"
import {
  type Category,
  CategorySchema,
  type CustomerEvent,
  categories,
  type EventType,
  eventTypes,
  Timestamp,
} from "./CustomerEvent.js"
import * as EntityChanges from "./EntityChanges.js"
import { draft7 } from "./internal/draft7.js"
import { issueText } from "./internal/issueText.js"

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0, { expected: "a count >= 0" }))
const Money = Schema.Finite.annotate({ description: "a sum with two decimals at most" }).check(
  Schema.isGreaterThanOrEqualTo(0, { expected: "a sum >= 0" }),
)
const EventTypeSchema = Schema.Literals(eventTypes)

export const TruthWindow = Schema.Struct({
  windowStart: Timestamp,
  windowEnd: Timestamp,
  events: Schema.Record(EventTypeSchema, Count),
  purchases: Schema.Record(CategorySchema, Count),
  revenue: Schema.Record(CategorySchema, Money),
  customers: Count,
  duplicates: Count,
  changes: Schema.optionalKey(
    Schema.Record(Schema.Literals(EntityChanges.kinds), Count).annotate({
      description: "With changing reference data: the changes in the window, by kind.",
    }),
  ),
}).annotate({
  identifier: "TruthWindow",
  title: "Ground truth of one window",
  description:
    "Aggregates of the events delivered with an event time in [windowStart, windowEnd): distinct " +
    "events by type, purchases and revenue (sum of totalAmount) by category, distinct customers, and " +
    "the extra copies of injected duplicates.",
})
export type TruthWindow = typeof TruthWindow.Type

const zeros = <K extends string>(keys: ReadonlyArray<K>): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>

/** The window an event time falls in: windows are aligned on the epoch (1m windows start on the minute). */
export const windowIndex = (ms: number, windowMs: number): number => Math.floor(ms / windowMs)

/** One window's running aggregates. Revenue is summed in cents, so it is exact. */
export class Tally {
  readonly events = zeros(eventTypes)
  readonly purchases = zeros(categories)
  readonly revenueCents = zeros(categories)
  readonly customers = new Set<string>()
  duplicates = 0
  /** With changing reference data: the window's changes by kind (a truth line has them then). */
  changes: EntityChanges.Counts | undefined

  /** Counts a distinct event; `category` is the purchased product's (purchases only). */
  add(event: CustomerEvent, categoryOf: (productId: string) => Category | undefined): void {
    this.events[event.eventType]++
    this.customers.add(event.customerId)
    if (event.eventType !== "purchase") return
    const category = categoryOf(event.productId)
    if (category === undefined) return
    this.purchases[category]++
    this.revenueCents[category] += Math.round(event.metadata.totalAmount * 100)
  }

  window(index: number, windowMs: number): TruthWindow {
    const revenue = zeros(categories)
    for (const c of categories) revenue[c] = this.revenueCents[c] / 100
    return {
      windowStart: new Date(index * windowMs).toISOString(),
      windowEnd: new Date((index + 1) * windowMs).toISOString(),
      events: { ...this.events },
      purchases: { ...this.purchases },
      revenue,
      customers: this.customers.size,
      duplicates: this.duplicates,
      ...(this.changes === undefined ? {} : { changes: { ...this.changes } }),
    }
  }
}

const decodeWindow = Schema.decodeUnknownResult(Schema.fromJsonString(TruthWindow), {
  onExcessProperty: "error",
  reportInput: true,
})

/** Reads a truth file's text: its windows, or the first bad line named. */
export const parse = (text: string): Result.Result<Array<TruthWindow>, string> => {
  const windows: Array<TruthWindow> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue
    const decoded = decodeWindow(lines[i]!)
    if (Result.isFailure(decoded)) return Result.fail(`line ${i + 1}: ${issueText(decoded.failure.issue)}`)
    windows.push(decoded.success)
  }
  return Result.succeed(windows)
}

const cents = (n: number) => Math.round(n * 100)

/**
 * Several truth files (one per instance) as one: figures of the same window are summed. Instances
 * own disjoint customers, so their distinct-customer counts add up too.
 */
export const combine = (files: ReadonlyArray<ReadonlyArray<TruthWindow>>): Array<TruthWindow> => {
  const byStart = new Map<string, TruthWindow>()
  for (const window of files.flat()) {
    const known = byStart.get(window.windowStart)
    if (known === undefined) {
      byStart.set(window.windowStart, window)
      continue
    }
    const sum = <K extends string>(a: Record<K, number>, b: Record<K, number>, money = false) =>
      Object.fromEntries(
        Object.keys(a).map((k) => [
          k,
          money ? (cents(a[k as K]) + cents(b[k as K])) / 100 : a[k as K] + b[k as K],
        ]),
      ) as Record<K, number>
    byStart.set(window.windowStart, {
      ...known,
      events: sum(known.events, window.events),
      purchases: sum(known.purchases, window.purchases),
      revenue: sum(known.revenue, window.revenue, true),
      customers: known.customers + window.customers,
      duplicates: known.duplicates + window.duplicates,
      ...(known.changes === undefined || window.changes === undefined
        ? {}
        : { changes: sum(known.changes, window.changes) }),
    })
  }
  return [...byStart.values()].sort((a, b) => (a.windowStart < b.windowStart ? -1 : 1))
}

/**
 * Every figure of a window, by name (events.purchase, revenue.books, customers, ...): those a reader
 * of the event topic can check (a window's changes are in the reference topics).
 */
const figures = (w: TruthWindow): Array<readonly [string, number]> => [
  ...eventTypes.map((t: EventType) => [`events.${t}`, w.events[t]] as const),
  ...categories.map((c) => [`purchases.${c}`, w.purchases[c]] as const),
  ...categories.map((c) => [`revenue.${c}`, w.revenue[c]] as const),
  ["customers", w.customers],
  ["duplicates", w.duplicates],
]

/** The first window and figure where the topic differs from the truth, in time order; undefined if none. */
export const firstDifference = (
  truth: ReadonlyArray<TruthWindow>,
  topic: ReadonlyArray<TruthWindow>,
): string | undefined => {
  const fromTopic = new Map(topic.map((w) => [w.windowStart, w]))
  const fromTruth = new Map(truth.map((w) => [w.windowStart, w]))
  const starts = [...new Set([...fromTruth.keys(), ...fromTopic.keys()])].sort()
  for (const start of starts) {
    const expected = fromTruth.get(start)
    const actual = fromTopic.get(start)
    const name = `window ${start}`
    if (expected === undefined) return `${name}: the topic has events there, the truth has no such window`
    if (actual === undefined) {
      if (figures(expected).every(([, n]) => n === 0)) continue
      return `${name}: the truth has events there, the topic none`
    }
    const got = new Map(figures(actual))
    for (const [figure, n] of figures(expected))
      if (cents(got.get(figure)!) !== cents(n))
        return `${name}: ${figure} is ${n} in the truth, ${got.get(figure)} in the topic`
  }
  return undefined
}

/** The JSON Schema (Draft 7) of a truth line, printed by `schema --entity truth`. */
export const jsonSchema = (): Record<string, unknown> =>
  draft7(TruthWindow, "urn:customer-events:schema:truth-window:1")
