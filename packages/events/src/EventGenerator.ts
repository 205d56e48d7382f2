/**
 * Seeded, realistic event generators. `sessions` mode walks customer visits (views, recommendation
 * clicks, carts, purchases) with many sessions interleaved; `independent` mode draws each event on
 * its own, as the original script did. State is drawn from Effect's Random once, then the hot path is
 * plain synchronous code that yields events in batches, each with the pause before the next one.
 */
import { Effect, Random } from "effect"
import type { Episode } from "./Anomaly.js"
import { type Catalog, defaultCustomers, defaultProducts, makeCatalog } from "./Catalog.js"
import type { EventType } from "./CustomerEvent.js"
import * as EntityChanges from "./EntityChanges.js"
import type { EventClock } from "./EventClock.js"
import * as EventClocks from "./EventClock.js"
import { Anomalies, type EpisodeReport } from "./internal/anomalies.js"
import { withDeviceTypes } from "./internal/deviceTypes.js"
import { Disorder, type Lateness } from "./internal/disorder.js"
import { EntityChanges as Changes } from "./internal/entityChanges.js"
import { independentEvents } from "./internal/independentEvents.js"
import { makeIsoFormatter, Prng } from "./internal/Prng.js"
import { RateCurve } from "./internal/rateCurve.js"
import { Shop } from "./internal/Shop.js"
import { seedWords } from "./internal/seedWords.js"
import { SessionEvents } from "./internal/sessionEvents.js"
import { type Batch, type Source, takeAltered, takeInOrder, takeWithChanges } from "./internal/take.js"
import { defaultPacing, drawPauseMs, type Pacing } from "./Pacing.js"
import type { TrafficProfile } from "./TrafficProfile.js"

export type { EpisodeReport } from "./internal/anomalies.js"
export type { Lateness } from "./internal/disorder.js"
export type Mode = "sessions" | "independent"
export const modes: ReadonlyArray<Mode> = ["sessions", "independent"]

/** One of `of` instances (1-based `index`): customers with index mod `of` = `index` - 1 are its own. */
export interface Instance {
  readonly index: number
  readonly of: number
}

export interface Options {
  readonly mode?: Mode
  readonly customers?: number
  readonly products?: number
  /** One of several instances: it draws only its own share of the customers. */
  readonly instance?: Instance
  readonly pacing?: Pacing
  /** Stamps events; default the wall clock. */
  readonly clock?: EventClock
  /** Sessions in progress at once, interleaved (sessions mode). */
  readonly concurrentSessions?: number
  /** With `Rate` pacing: the rate follows this profile over event time (the rate is its weekly mean). */
  readonly profile?: TrafficProfile
  /** The profile's clock: "UTC" (default), "+02:00", or an IANA name. */
  readonly timeZone?: string
  /** That fraction of events carry an event time earlier than their emission, by MIN..MAX ms. */
  readonly late?: Lateness
  /** That fraction of events are emitted again later (same event): at-least-once upstream. */
  readonly duplicateRate?: number
  /** Labelled anomaly episodes, placed from the first event time on. */
  readonly anomalies?: ReadonlyArray<Episode>
  /** Schema version 2: each event carries its session's deviceType (nothing else changes). */
  readonly deviceTypes?: boolean
  /** Reference data that changes over event time (rates per entity per day); none by default. */
  readonly entityChanges?: EntityChanges.Rates
}

export type { Batch } from "./internal/take.js"

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
  /** The anomaly episodes so far: their event-time ranges and how many events each produced. */
  readonly episodes: () => ReadonlyArray<EpisodeReport>
  /** With changing reference data: the changes so far, by kind. */
  readonly changes: () => EntityChanges.Counts | undefined
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

/** Timestamps: no Date per event (the prefix is cached per minute), and one string per millisecond. */
const makeIso = () => {
  const format = makeIsoFormatter()
  let lastMs = Number.NaN
  let lastIso = ""
  return (ms: number): string => {
    if (ms !== lastMs) {
      lastMs = ms
      lastIso = format(ms)
    }
    return lastIso
  }
}

/** The pause after each event: flat by the pacing, or shaped by the profile over event time. */
const pauseDrawer = (rng: Prng, pacing: Pacing, options: Options): ((nowMs: number, u: number) => number) => {
  const profile = options.profile
  if (profile === undefined || pacing._tag !== "Rate") return (_, u) => drawPauseMs(pacing, u)
  // Bursts are timed by their own PRNG, seeded from this one: the events' draws stay as they are.
  const burstRng =
    profile.bursts === undefined
      ? undefined
      : new Prng(rng.nextU32(), rng.nextU32(), rng.nextU32(), rng.nextU32())
  const curve = new RateCurve(pacing.perSecond, profile, options.timeZone ?? "UTC", burstRng)
  return (nowMs, u) => curve.pauseAfter(nowMs, u)
}

/** Late events and duplicates, from their own PRNG, when asked for. */
const disorderOf = (rng: Prng, options: Options): Disorder | undefined =>
  options.late === undefined && (options.duplicateRate ?? 0) === 0
    ? undefined
    : new Disorder(
        new Prng(rng.nextU32(), rng.nextU32(), rng.nextU32(), rng.nextU32()),
        options.late,
        options.duplicateRate ?? 0,
      )

/** Builds the synchronous core from an explicit PRNG (`make` draws its seed words from Effect's Random). */
const makeWithPrng = (rng: Prng, options: Options = {}): EventGenerator => {
  const mode = options.mode ?? "sessions"
  const catalog = makeCatalog(options.products ?? defaultProducts)
  const customers = options.customers ?? defaultCustomers
  const instance = options.instance ?? { index: 1, of: 1 }
  if (!Number.isInteger(customers) || customers < instance.of)
    throw new RangeError(
      `customers must be an integer >= ${instance.of} (one per instance), got ${customers}`,
    )
  const shop = new Shop(rng, catalog, { size: customers, instance: instance.index, of: instance.of })
  const pacing = options.pacing ?? defaultPacing
  const clock = options.clock ?? EventClocks.wall()
  const iso = makeIso()
  const concurrentSessions = Math.max(
    1,
    Math.min(options.concurrentSessions ?? 64, Math.floor(customers / instance.of)),
  )
  // Built in both modes: its sessions are the first draws of the PRNG, so a seed gives the same
  // independent-mode stream as it always has.
  const conditions = { checkoutOpen: true }
  const sessions = new SessionEvents(rng, shop, concurrentSessions, conditions)
  const nextEvent = mode === "sessions" ? sessions.next : independentEvents(rng, shop, conditions)

  const drawPause = pauseDrawer(rng, pacing, options)

  const disorder = disorderOf(rng, options)

  const changes = changesOf(rng, options, shop)
  const anomalies =
    (options.anomalies ?? []).length === 0
      ? undefined
      : new Anomalies(
          options.anomalies!,
          new Prng(rng.nextU32(), rng.nextU32(), rng.nextU32(), rng.nextU32()),
          shop,
          conditions,
          changes,
        )

  const source: Source = {
    nextEvent,
    iso,
    clock,
    drawPause,
    rng,
    ...(changes === undefined ? {} : { changes }),
  }
  const take = taker(source, disorder, anomalies, options.deviceTypes === true)

  return {
    mode,
    catalog,
    next: (n) => take(n, Number.POSITIVE_INFINITY),
    take,
    episodes: () => anomalies?.report(iso) ?? [],
    changes: () => (changes === undefined ? undefined : { ...changes.counts }),
  }
}

/**
 * Changing reference data, drawn from its own PRNG (seeded from the generator's; nothing is drawn
 * without changes, so such a stream is as it always was); the shop stops drawing what is deleted.
 */
const changesOf = (rng: Prng, options: Options, shop: Shop): Changes | undefined => {
  if (!EntityChanges.isOn(options.entityChanges)) return undefined
  const instance = options.instance ?? { index: 1, of: 1 }
  const changes = new Changes(
    new Prng(rng.nextU32(), rng.nextU32(), rng.nextU32(), rng.nextU32()),
    options.entityChanges,
    shop.catalog,
    { size: options.customers ?? defaultCustomers, instance: instance.index, of: instance.of },
    options.late?.maxMs ?? 0,
  )
  // Only deletes make the shop check what it draws: prices and updates leave its draws as they are.
  if (options.entityChanges.productDeletes > 0 || options.entityChanges.customerDeletes > 0)
    shop.gone = changes
  return changes
}

/** How batches are taken: in order, or altered (disorder, anomalies); with deviceTypes for version 2. */
const taker = (
  source: Source,
  disorder: Disorder | undefined,
  anomalies: Anomalies | undefined,
  deviceTypes: boolean,
) => {
  const altered = disorder !== undefined || anomalies !== undefined
  const changes = source.changes
  const take = (maxEvents: number, withinMs: number): Batch =>
    altered
      ? takeAltered(source, disorder, anomalies, maxEvents, withinMs)
      : changes === undefined
        ? takeInOrder(source, maxEvents, withinMs)
        : takeWithChanges(source, changes, maxEvents, withinMs)
  return deviceTypes
    ? (maxEvents: number, withinMs: number) => withDeviceTypes(take(maxEvents, withinMs))
    : take
}

/** A generator whose state is drawn from Effect's Random service (unseeded: a new stream each run). */
export const make = (options: Options = {}): Effect.Effect<EventGenerator> =>
  Effect.gen(function* () {
    const words: Array<number> = []
    for (let i = 0; i < 4; i++) words.push(yield* Random.nextIntBetween(0, 2 ** 32))
    return makeWithPrng(new Prng(words[0]!, words[1]!, words[2]!, words[3]!), options)
  })

/**
 * Reproducible by seed: the same seed and options give the same events. One of several instances
 * draws from (seed, instance), so instances differ from each other and each is reproducible alone.
 */
export const makeSeeded = (seed: string | number, options: Options = {}): Effect.Effect<EventGenerator> => {
  const instance = options.instance
  const drawnFrom =
    instance === undefined || instance.of === 1 ? seed : `${seed}#${instance.index}/${instance.of}`
  return Effect.sync(() => makeWithPrng(new Prng(...seedWords(drawnFrom)), options))
}
