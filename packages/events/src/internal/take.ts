/**
 * Taking a batch of events from the generator: in order (the hot path), or altered by late events,
 * duplicates and anomaly episodes.
 */
import type { Kind } from "../Anomaly.js"
import type { CustomerEvent } from "../CustomerEvent.js"
import type { Change } from "../EntityChanges.js"
import type { EventClock } from "../EventClock.js"
import type { Anomalies } from "./anomalies.js"
import type { Disorder } from "./disorder.js"
import type { EntityChanges } from "./entityChanges.js"
import type { Prng } from "./Prng.js"

/** A batch of events, each with the pause (ms) to wait after it, before the next event. */
export interface Batch {
  readonly events: Array<CustomerEvent>
  readonly pausesMs: ReadonlyArray<number>
  /** The sum of the pauses: from the first event of the batch to the event after the last one. */
  readonly spanMs: number
  /** How many of the events are late (an event time before their emission), and how many are duplicates. */
  readonly late: number
  readonly duplicates: number
  /** With anomaly episodes: the kind each event is labelled with, if any (parallel to events). */
  readonly anomalies?: ReadonlyArray<Kind | undefined>
  /**
   * The earliest event time (epoch ms) any event after this batch can carry: windows before it are complete.
   */
  readonly watermarkMs: number
  /** With duplicates: the events of this batch that are sent more than once (originals and copies). */
  readonly repeated?: ReadonlySet<CustomerEvent>
  /**
   * With changing reference data: the changes up to the next event's time, in time order (none
   * later than the watermark can come in a later batch).
   */
  readonly changes?: ReadonlyArray<Change>
}

/** What taking a batch needs from the generator. */
export interface Source {
  readonly nextEvent: (timestamp: string) => CustomerEvent
  readonly iso: (ms: number) => string
  readonly clock: EventClock
  readonly drawPause: (nowMs: number, u: number) => number
  readonly rng: Prng
  /** Changing reference data: applied up to each event's emission; purchases priced at their time. */
  readonly changes?: EntityChanges
}

/** The events due within `withinMs` of the first, at most `maxEvents`, in order: the hot path. */
export const takeInOrder = (s: Source, maxEvents: number, withinMs: number): Batch => {
  const events: Array<CustomerEvent> = []
  const pauses: Array<number> = []
  let spanMs = 0
  do {
    events.push(s.nextEvent(s.iso(s.clock.now())))
    const pause = s.drawPause(s.clock.now(), s.rng.next())
    pauses.push(pause)
    s.clock.advance(pause)
    spanMs += pause
  } while (events.length < maxEvents && spanMs <= withinMs)
  return { events, pausesMs: pauses, spanMs, late: 0, duplicates: 0, watermarkMs: s.clock.now() }
}

/**
 * As `takeInOrder`, with changing reference data and nothing else altered: the changes up to each
 * event applied first, purchases priced at their time (the same draws as `takeAltered` would make).
 */
export const takeWithChanges = (
  s: Source,
  changes: EntityChanges,
  maxEvents: number,
  withinMs: number,
): Batch => {
  const events: Array<CustomerEvent> = []
  const pauses: Array<number> = []
  let spanMs = 0
  do {
    const now = s.clock.now()
    changes.advanceTo(now)
    const event = s.nextEvent(s.iso(now))
    events.push(event.eventType === "purchase" ? changes.priced(event, now) : event)
    const pause = s.drawPause(now, s.rng.next())
    pauses.push(pause)
    s.clock.advance(pause)
    spanMs += pause
  } while (events.length < maxEvents && spanMs <= withinMs)
  const watermarkMs = s.clock.now()
  changes.advanceTo(watermarkMs)
  return { events, pausesMs: pauses, spanMs, late: 0, duplicates: 0, watermarkMs, changes: changes.drain() }
}

/** The earliest event time still to come: a late event, a duplicate waiting, a queued bot view. */
const watermark = (s: Source, d: Disorder | undefined, a: Anomalies | undefined): number =>
  Math.min(
    Math.floor(s.clock.now() - (d?.maxLateMs ?? 0)),
    d?.earliestWaitingMs() ?? Number.POSITIVE_INFINITY,
    a?.earliestQueuedMs() ?? Number.POSITIVE_INFINITY,
  )

/**
 * As `takeInOrder`, with late events, duplicates (sent with no pause of their own) and anomaly
 * episodes (a glitched purchase, the bot's views after an event, no checkouts in an outage).
 */
export const takeAltered = (
  s: Source,
  d: Disorder | undefined,
  a: Anomalies | undefined,
  maxEvents: number,
  withinMs: number,
): Batch => {
  const events: Array<CustomerEvent> = []
  const labels: Array<Kind | undefined> = []
  const pauses: Array<number> = []
  let spanMs = 0
  let late = 0
  let duplicates = 0
  const repeated = new Set<CustomerEvent>()
  do {
    const queued = a?.nextQueued()
    if (queued !== undefined) {
      events.push(queued.view)
      labels.push(queued.kind)
      pauses.push(queued.pause)
      spanMs += queued.pause
      continue
    }
    const duplicate = d?.dueDuplicate()
    if (duplicate !== undefined) {
      events.push(duplicate.event)
      repeated.add(duplicate.event)
      labels.push(duplicate.kind)
      pauses.push(0)
      duplicates++
      continue
    }
    const now = s.clock.now()
    s.changes?.advanceTo(now)
    a?.at(now)
    const at = d === undefined ? now : d.eventTime(now)
    if (at < now) late++
    const timestamp = s.iso(Math.floor(at))
    const drawn = s.nextEvent(timestamp)
    const event = s.changes === undefined ? drawn : s.changes.priced(drawn, Math.floor(at))
    const altered = a === undefined ? { event, kind: undefined } : a.apply(event, now)
    if (d?.emitted(altered.event, altered.kind) === true) repeated.add(altered.event)
    events.push(altered.event)
    labels.push(altered.kind)
    const pause = s.drawPause(now, s.rng.next())
    // Queued views go out right after the event, at its emission time: the pause comes after them.
    const botsFollow = a?.queueViews(now, s.iso(now), pause) === true
    pauses.push(botsFollow ? 0 : pause)
    s.clock.advance(pause)
    if (!botsFollow) spanMs += pause
  } while (events.length < maxEvents && spanMs <= withinMs)
  s.changes?.advanceTo(s.clock.now())
  const batch = { events, pausesMs: pauses, spanMs, late, duplicates, watermarkMs: watermark(s, d, a) }
  return {
    ...batch,
    ...(s.changes === undefined ? {} : { changes: s.changes.drain() }),
    ...(a === undefined ? {} : { anomalies: labels }),
    ...(repeated.size === 0 ? {} : { repeated }),
  }
}
