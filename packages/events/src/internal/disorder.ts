/**
 * What at-least-once, late-arriving upstream systems do to a stream: some events carry an event
 * time earlier than when they are emitted (late), and some are emitted again later (duplicates:
 * the same event, same eventId, same key). Drawn from its own PRNG, so a stream without them is
 * unchanged, and reproducible by seed.
 */
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
  private readonly waiting: Array<{ event: CustomerEvent; after: number }> = []

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

  /** Called for each new event: it may be sent again later. */
  emitted(event: CustomerEvent): void {
    for (const w of this.waiting) w.after--
    if (this.duplicateRate > 0 && this.rng.next() < this.duplicateRate)
      this.waiting.push({ event, after: 1 + Math.floor(this.rng.next() * maxDuplicateDelay) })
  }

  /** A duplicate whose turn has come, if any. */
  dueDuplicate(): CustomerEvent | undefined {
    const i = this.waiting.findIndex((w) => w.after <= 0)
    if (i < 0) return undefined
    return this.waiting.splice(i, 1)[0]!.event
  }
}
