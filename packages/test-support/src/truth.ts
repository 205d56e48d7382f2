/**
 * The ground truth of a list of events, computed the plain way, apart from the code under test
 * (packages/events Truth): the figures a pipeline reading these events should arrive at, per
 * epoch-aligned window of event time, every window from the first to the last included.
 */

// The contract's closed sets, written out again here on purpose.
const eventTypes = ["productView", "addToCart", "purchase", "recommendationClick"]
const categories = ["electronics", "books", "clothing", "home", "beauty", "sports", "toys", "grocery"]

interface Event {
  readonly eventId: string
  readonly eventType: string
  readonly customerId: string
  readonly productId: string
  readonly timestamp: string
  readonly metadata: object
}

const zeros = (keys: ReadonlyArray<string>) => Object.fromEntries(keys.map((k) => [k, 0]))

export const expectedTruth = (
  events: Iterable<Event>,
  windowMs: number,
  categoryOf: (productId: string) => string,
): Array<Record<string, unknown>> => {
  const seen = new Set<string>()
  const windows = new Map<
    number,
    {
      events: Record<string, number>
      purchases: Record<string, number>
      cents: Record<string, number>
      customers: Set<string>
      duplicates: number
    }
  >()
  for (const event of events) {
    const index = Math.floor(Date.parse(event.timestamp) / windowMs)
    if (!windows.has(index))
      windows.set(index, {
        events: zeros(eventTypes),
        purchases: zeros(categories),
        cents: zeros(categories),
        customers: new Set(),
        duplicates: 0,
      })
    const w = windows.get(index)!
    if (seen.has(event.eventId)) {
      w.duplicates++
      continue
    }
    seen.add(event.eventId)
    w.events[event.eventType]!++
    w.customers.add(event.customerId)
    if (event.eventType === "purchase") {
      const category = categoryOf(event.productId)
      w.purchases[category]!++
      w.cents[category]! += Math.round((event.metadata as { totalAmount: number }).totalAmount * 100)
    }
  }
  if (windows.size === 0) return []
  const indices = [...windows.keys()]
  const out: Array<Record<string, unknown>> = []
  for (let i = Math.min(...indices); i <= Math.max(...indices); i++) {
    const w = windows.get(i)
    out.push({
      windowStart: new Date(i * windowMs).toISOString(),
      windowEnd: new Date((i + 1) * windowMs).toISOString(),
      events: w?.events ?? zeros(eventTypes),
      purchases: w?.purchases ?? zeros(categories),
      revenue: Object.fromEntries(categories.map((c) => [c, (w?.cents[c] ?? 0) / 100])),
      customers: w?.customers.size ?? 0,
      duplicates: w?.duplicates ?? 0,
    })
  }
  return out
}

/** The lines of a truth file, parsed. */
export const truthLines = (text: string): Array<Record<string, unknown>> =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line))

const isEmpty = (w: Record<string, unknown>) =>
  Object.values(w.events as Record<string, number>).every((n) => n === 0) && w.duplicates === 0

/**
 * Without the windows at either end that hold no delivered event: the truth covers every window of
 * generated event time, the topic only those where something arrived.
 */
export const withoutEmptyEnds = (windows: Array<Record<string, unknown>>) => {
  let from = 0
  let to = windows.length
  while (from < to && isEmpty(windows[from]!)) from++
  while (to > from && isEmpty(windows[to - 1]!)) to--
  return windows.slice(from, to)
}
