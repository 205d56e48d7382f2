/**
 * Seeded, realistic event generators. `sessions` mode walks customer visits (views, recommendation
 * clicks, carts, purchases) with many sessions interleaved; `independent` mode draws each event on
 * its own, as the original script did. State is drawn from Effect's Random once, then the hot path is
 * plain synchronous code that yields events in batches, each with the pause before the next one.
 */
import { Effect, Random, Stream } from "effect"
import {
  type Catalog,
  defaultCustomers,
  defaultProducts,
  makeCatalog,
  makeCustomerPool,
  type Product,
  totalAmount,
} from "./Catalog.js"
import type {
  Algorithm,
  CustomerEvent,
  EventType,
  PaymentMethod,
  ProductView,
  RecommendationClick,
  ViewSource,
} from "./CustomerEvent.js"
import type { EventClock } from "./EventClock.js"
import * as EventClocks from "./EventClock.js"
import { makeIsoFormatter, Prng, pickCumulative, shortId, uuidV4, weighted } from "./internal/Prng.js"
import { defaultPacing, drawPauseMs, type Pacing } from "./Pacing.js"

export type Mode = "sessions" | "independent"
export const modes: ReadonlyArray<Mode> = ["sessions", "independent"]

export interface Options {
  readonly mode?: Mode
  readonly customers?: number
  readonly products?: number
  readonly pacing?: Pacing
  /** Stamps events; default the wall clock. */
  readonly clock?: EventClock
  /** Sessions in progress at once, interleaved (sessions mode). */
  readonly concurrentSessions?: number
}

/** A batch of events, each with the pause (ms) to wait after it, before the next event. */
export interface Batch {
  readonly events: Array<CustomerEvent>
  readonly pausesMs: ReadonlyArray<number>
  /** The sum of the pauses: from the first event of the batch to the event after the last one. */
  readonly spanMs: number
}

export interface EventGenerator {
  readonly mode: Mode
  readonly catalog: Catalog
  /** The next n events. Synchronous and allocation-light: call it once per batch. */
  readonly next: (n: number) => Batch
  /**
   * The events due within `withinMs` of the first one (which is always included), at most
   * `maxEvents`: a pacer releases what is due since its last tick in one call.
   */
  readonly take: (maxEvents: number, withinMs: number) => Batch
}

/**
 * Expected shares of each type in sessions mode with the defaults, as measured over 1M events
 * (README "Event mix"); the tests check that 100,000 events stay within these bounds.
 */
export const sessionMixBounds: Record<EventType, readonly [number, number]> = {
  productView: [0.68, 0.77],
  recommendationClick: [0.105, 0.145],
  addToCart: [0.075, 0.115],
  purchase: [0.035, 0.065],
}

const entrySource = weighted<ViewSource>([
  ["search", 0.4],
  ["direct", 0.2],
  ["ad", 0.15],
  ["social", 0.13],
  ["email", 0.12],
])
const browseSource = weighted<ViewSource>([
  ["search", 0.55],
  ["direct", 0.25],
  ["ad", 0.08],
  ["social", 0.05],
  ["email", 0.07],
])
const anySource = weighted<ViewSource>([
  ["search", 0.4],
  ["direct", 0.2],
  ["recommendation", 0.15],
  ["ad", 0.1],
  ["social", 0.08],
  ["email", 0.07],
])
const quantity = weighted<number>([
  [1, 0.7],
  [2, 0.18],
  [3, 0.07],
  [4, 0.03],
  [5, 0.02],
])
const paymentMethod = weighted<PaymentMethod>([
  ["credit_card", 0.45],
  ["debit_card", 0.2],
  ["paypal", 0.15],
  ["apple_pay", 0.1],
  ["google_pay", 0.07],
  ["gift_card", 0.03],
])
const algorithm = weighted<Algorithm>([
  ["collaborative_filtering", 0.35],
  ["content_based", 0.25],
  ["trending", 0.15],
  ["frequently_bought_together", 0.15],
  ["recently_viewed", 0.1],
])

/** Per-view chances in a session: click a recommendation, or put the viewed product in the cart. */
const recommendationClickChance = 0.15
const addToCartChance = 0.13
/** A recommendation click is usually followed by a view of the recommended product. */
const followRecommendationChance = 0.9
/** A session with a cart ends with a checkout (one purchase per carted product) this often. */
const checkoutChance = 0.55
/** Views per session: 1 + geometric, mean about 6. */
const moreViewsChance = 0.83

interface Session {
  id: string
  customerId: string
  viewed: Product | undefined
  pendingRecommendation: Product | undefined
  cart: Array<{ readonly product: Product; readonly quantity: number }>
  /** Index of the next purchase during checkout, -1 before it. */
  checkout: number
  paymentMethod: PaymentMethod
  viewsLeft: number
}

/** Builds the synchronous core from an explicit PRNG: used by `make`, and by tests and benchmarks. */
export const makeWithPrng = (rng: Prng, options: Options = {}): EventGenerator => {
  const mode = options.mode ?? "sessions"
  const catalog = makeCatalog(options.products ?? defaultProducts)
  const customers = makeCustomerPool(options.customers ?? defaultCustomers)
  const pacing = options.pacing ?? defaultPacing
  const clock = options.clock ?? EventClocks.wall()

  const pickProduct = (): Product => catalog.products[pickCumulative(rng, catalog.cumulativePopularity)]!
  const pickCustomer = (): string => customers[rng.int(customers.length)]!

  // Most recommendations stay in the viewed product's category; never the viewed product itself.
  const recommend = (viewed: Product): Product => {
    const sameCategory = catalog.byCategory.get(viewed.category)!
    for (let attempt = 0; attempt < 4; attempt++) {
      const candidate =
        sameCategory.length > 1 && rng.next() < 0.7
          ? sameCategory[Math.floor(sameCategory.length * rng.next() ** 2)]!
          : pickProduct()
      if (candidate.id !== viewed.id) return candidate
    }
    const index = catalog.products.indexOf(viewed)
    return catalog.products[(index + 1) % catalog.products.length]!
  }

  // Timestamps: no Date per event (the prefix is cached per minute), and one string per millisecond.
  const format = makeIsoFormatter()
  let lastMs = Number.NaN
  let lastIso = ""
  const iso = (ms: number): string => {
    if (ms !== lastMs) {
      lastMs = ms
      lastIso = format(ms)
    }
    return lastIso
  }

  const view = (s: Session, product: Product, source: ViewSource, timestamp: string): ProductView => ({
    eventId: uuidV4(rng),
    eventType: "productView",
    customerId: s.customerId,
    productId: product.id,
    sessionId: s.id,
    timestamp,
    metadata: { category: product.category, source },
  })

  const recommendationClick = (
    s: Session,
    viewed: Product,
    recommended: Product,
    timestamp: string,
  ): RecommendationClick => ({
    eventId: uuidV4(rng),
    eventType: "recommendationClick",
    customerId: s.customerId,
    productId: viewed.id,
    sessionId: s.id,
    timestamp,
    metadata: { recommendedProductId: recommended.id, algorithm: algorithm(rng) },
  })

  const newSession = (): Session => ({
    id: `sess-${shortId(rng)}`,
    customerId: pickCustomer(),
    viewed: undefined,
    pendingRecommendation: undefined,
    cart: [],
    checkout: -1,
    paymentMethod: paymentMethod(rng),
    viewsLeft: 0,
  })

  /** One step of a session's walk: its next event, or undefined when the session is over. */
  const step = (s: Session, timestamp: string): CustomerEvent | undefined => {
    if (s.checkout >= 0) {
      const line = s.cart[s.checkout++]
      if (line === undefined) return undefined
      return {
        eventId: uuidV4(rng),
        eventType: "purchase",
        customerId: s.customerId,
        productId: line.product.id,
        sessionId: s.id,
        timestamp,
        metadata: {
          quantity: line.quantity,
          totalAmount: totalAmount(line.product, line.quantity),
          paymentMethod: s.paymentMethod,
        },
      }
    }
    if (s.pendingRecommendation !== undefined) {
      const recommended = s.pendingRecommendation
      s.pendingRecommendation = undefined
      s.viewed = recommended
      return view(s, recommended, "recommendation", timestamp)
    }
    const viewed = s.viewed
    if (viewed === undefined) {
      s.viewed = pickProduct()
      s.viewsLeft = 0
      while (rng.next() < moreViewsChance) s.viewsLeft++
      return view(s, s.viewed, entrySource(rng), timestamp)
    }
    const u = rng.next()
    if (u < recommendationClickChance) {
      const recommended = recommend(viewed)
      if (rng.next() < followRecommendationChance) s.pendingRecommendation = recommended
      return recommendationClick(s, viewed, recommended, timestamp)
    }
    if (u < recommendationClickChance + addToCartChance && !s.cart.some((l) => l.product === viewed)) {
      const q = quantity(rng)
      s.cart.push({ product: viewed, quantity: q })
      return {
        eventId: uuidV4(rng),
        eventType: "addToCart",
        customerId: s.customerId,
        productId: viewed.id,
        sessionId: s.id,
        timestamp,
        metadata: { quantity: q },
      }
    }
    if (s.viewsLeft > 0) {
      s.viewsLeft--
      s.viewed = pickProduct()
      return view(s, s.viewed, browseSource(rng), timestamp)
    }
    if (s.cart.length > 0 && rng.next() < checkoutChance) {
      s.checkout = 0
      return step(s, timestamp)
    }
    return undefined
  }

  const sessions: Array<Session> = Array.from(
    { length: Math.max(1, Math.min(options.concurrentSessions ?? 64, customers.length)) },
    newSession,
  )

  const nextSessionEvent = (timestamp: string): CustomerEvent => {
    const slot = rng.int(sessions.length)
    for (;;) {
      const event = step(sessions[slot]!, timestamp)
      if (event !== undefined) return event
      sessions[slot] = newSession()
    }
  }

  const independentTypes: ReadonlyArray<EventType> = [
    "productView",
    "addToCart",
    "purchase",
    "recommendationClick",
  ]

  // Each event on its own: a fresh session id, a customer and a product, nothing remembered.
  const nextIndependentEvent = (timestamp: string): CustomerEvent => {
    const type = independentTypes[rng.int(4)]!
    const customerId = pickCustomer()
    const sessionId = `sess-${shortId(rng)}`
    const product = pickProduct()
    const eventId = uuidV4(rng)
    switch (type) {
      case "productView":
        return {
          eventId,
          eventType: "productView",
          customerId,
          productId: product.id,
          sessionId,
          timestamp,
          metadata: { category: product.category, source: anySource(rng) },
        }
      case "addToCart":
        return {
          eventId,
          eventType: "addToCart",
          customerId,
          productId: product.id,
          sessionId,
          timestamp,
          metadata: { quantity: quantity(rng) },
        }
      case "purchase": {
        const q = quantity(rng)
        return {
          eventId,
          eventType: "purchase",
          customerId,
          productId: product.id,
          sessionId,
          timestamp,
          metadata: { quantity: q, totalAmount: totalAmount(product, q), paymentMethod: paymentMethod(rng) },
        }
      }
      case "recommendationClick":
        return {
          eventId,
          eventType: "recommendationClick",
          customerId,
          productId: product.id,
          sessionId,
          timestamp,
          metadata: { recommendedProductId: recommend(product).id, algorithm: algorithm(rng) },
        }
    }
  }

  const nextEvent = mode === "sessions" ? nextSessionEvent : nextIndependentEvent

  const take = (maxEvents: number, withinMs: number): Batch => {
    const events: Array<CustomerEvent> = []
    const pauses: Array<number> = []
    let spanMs = 0
    do {
      events.push(nextEvent(iso(clock.now())))
      const pause = drawPauseMs(pacing, rng.next())
      pauses.push(pause)
      clock.advance(pause)
      spanMs += pause
    } while (events.length < maxEvents && spanMs <= withinMs)
    return { events, pausesMs: pauses, spanMs }
  }

  return { mode, catalog, next: (n) => take(n, Number.POSITIVE_INFINITY), take }
}

/**
 * A generator whose state is drawn from Effect's Random service: run it under
 * `Effect.withRandom(Random.make(seed))` for a reproducible stream.
 */
export const make = (options: Options = {}): Effect.Effect<EventGenerator> =>
  Effect.gen(function* () {
    const words: Array<number> = []
    for (let i = 0; i < 4; i++) words.push(yield* Random.nextIntBetween(0, 2 ** 32))
    return makeWithPrng(new Prng(words[0]!, words[1]!, words[2]!, words[3]!), options)
  })

/** Reproducible by seed: the same seed and options give the same events. */
export const makeSeeded = (seed: string | number, options: Options = {}): Effect.Effect<EventGenerator> =>
  make(options).pipe(Effect.withRandom(Random.make(seed)))

/** An endless stream of batches of `batchSize` events (no pacing applied: the caller paces). */
export const stream = (generator: EventGenerator, batchSize = 1024): Stream.Stream<Batch> =>
  Stream.repeatEffect(Effect.sync(() => generator.next(batchSize)))
