/**
 * What at-least-once, late-arriving upstream systems do to a stream: some events carry an event
 * time earlier than when they are emitted (late), and some are emitted again later (duplicates:
 * the same event, same eventId, same key). Drawn from its own PRNG, so a stream without them is
 * unchanged, and reproducible by seed.
 */
import type { Kind } from "../Anomaly.js"
import type { CustomerEvent } from "../CustomerEvent.js"
import type { Prng } from "./Prng.js"

export interface Lateness {
  /** The fraction of events that are late. */
  readonly rate: number
  readonly minMs: number
  readonly maxMs: number
}

/** How many events later a duplicate is sent again, at most. */
const maxDuplicateDelay = 500

export class Disorder {
  /** Duplicates waiting: the event, and how many more events go out before it. */
  private readonly waiting: Array<{ event: CustomerEvent; kind: Kind | undefined; after: number }> = []

  constructor(
    private readonly rng: Prng,
    private readonly late: Lateness | undefined,
    private readonly duplicateRate: number,
  ) {}

  /** The event time of the next event emitted at nowMs: earlier when it is late. */
  eventTime(nowMs: number): number {
    if (this.late === undefined || this.rng.next() >= this.late.rate) return nowMs
    return nowMs - (this.late.minMs + (this.late.maxMs - this.late.minMs) * this.rng.next())
  }

  /**
   * Called for each new event, with the anomaly it is labelled with: it may be sent again later,
   * with the same label (true when it will be).
   */
  emitted(event: CustomerEvent, kind: Kind | undefined): boolean {
    for (const w of this.waiting) w.after--
    if (!(this.duplicateRate > 0 && this.rng.next() < this.duplicateRate)) return false
    this.waiting.push({ event, kind, after: 1 + Math.floor(this.rng.next() * maxDuplicateDelay) })
    return true
  }

  /** How much earlier than its emission an event can be stamped. */
  get maxLateMs(): number {
    return this.late?.maxMs ?? 0
  }

  /** The earliest event time of the duplicates still to be sent. */
  earliestWaitingMs(): number | undefined {
    let earliest: number | undefined
    for (const w of this.waiting) {
      const ms = Date.parse(w.event.timestamp)
      if (earliest === undefined || ms < earliest) earliest = ms
    }
    return earliest
  }

  /** A duplicate whose turn has come, with its label, if any. */
  dueDuplicate(): { readonly event: CustomerEvent; readonly kind: Kind | undefined } | undefined {
    const i = this.waiting.findIndex((w) => w.after <= 0)
    if (i < 0) return undefined
    return this.waiting.splice(i, 1)[0]!
  }
}
