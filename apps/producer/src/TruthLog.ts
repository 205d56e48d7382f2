/**
 * --truth FILE: the run's ground truth (packages/events Truth), tallied from the events Kafka
 * acknowledged, one NDJSON line per window of event time. A window is written once it is complete:
 * no event still to be generated can fall in it (the generator's watermark has passed its end: late
 * events and pending duplicates hold it back) and every event generated in it has its outcome. So a
 * long run can be checked while it runs; the end of the run writes the rest, Ctrl-C included.
 */
import { closeSync, openSync, writeSync } from "node:fs"
import {
  type CustomerEvent,
  EntityChanges,
  type EventGenerator,
  type EventRecord,
  Truth,
} from "@customer-events/events"
import { Effect } from "effect"
import type { Outcome } from "./DeliveryTarget.js"

interface OpenWindow {
  readonly tally: Truth.Tally
  /** Events generated in the window still waiting for their outcome. */
  pending: number
  /** The window's events that are sent more than once, and the ids already delivered among them. */
  readonly repeated: Set<CustomerEvent.CustomerEvent>
  readonly delivered: Set<string>
}

export class TruthLog {
  private readonly open = new Map<number, OpenWindow>()
  private watermarkMs = Number.NEGATIVE_INFINITY
  /** The next window to write: the ones before it are in the file. */
  private next: number | undefined
  private readonly fd: number
  /** Lines written so far. */
  windows = 0

  constructor(
    readonly path: string,
    private readonly windowMs: number,
    private readonly categoryOf: (productId: string) => CustomerEvent.Category | undefined,
    /** With changing reference data: each line counts its window's changes. */
    private readonly changes = false,
  ) {
    this.fd = openSync(path, "w")
  }

  /** A batch the generator produced, with its records: each event now awaits its outcome. */
  readonly generated = (batch: EventGenerator.Batch, records: ReadonlyArray<EventRecord.Encoded>): void => {
    for (const record of records) {
      const window = this.windowAt(Number(record.timestamp))
      window.pending++
      if (batch.repeated?.has(record.event) === true) window.repeated.add(record.event)
    }
    // A batch's changes all lie after the previous batch's watermark: their windows are still open.
    for (const change of batch.changes ?? []) this.windowAt(change.atMs).tally.changes![change.kind]++
    this.watermarkMs = batch.watermarkMs
    this.writeComplete(false)
  }

  /**
   * The outcome consumer: delivered events are tallied (a repeated event once, its copies apart);
   * those of a transaction aborted on purpose are not (read_committed readers never see them).
   */
  readonly consumer = (outcome: Outcome): Effect.Effect<void> =>
    Effect.sync(() => {
      for (const record of outcome.records) {
        const window = this.windowAt(Number(record.timestamp))
        window.pending--
        if (outcome._tag !== "Delivered" || outcome.transaction === "aborted") continue
        const event = record.event
        if (window.repeated.has(event)) {
          if (window.delivered.has(event.eventId)) {
            window.tally.duplicates++
            continue
          }
          window.delivered.add(event.eventId)
        }
        window.tally.add(event, this.categoryOf)
      }
      this.writeComplete(false)
    })

  /** At the end of the run, when every event has its outcome: the remaining windows, then close. */
  finish(): void {
    this.writeComplete(true)
    closeSync(this.fd)
  }

  private windowAt(ms: number): OpenWindow {
    const index = Truth.windowIndex(ms, this.windowMs)
    let window = this.open.get(index)
    if (window === undefined) {
      window = { tally: this.tally(), pending: 0, repeated: new Set(), delivered: new Set() }
      this.open.set(index, window)
    }
    return window
  }

  /** Writes the complete windows (all of them at the end), in time order, empty windows between included. */
  private writeComplete(all: boolean): void {
    let text = ""
    while (this.open.size > 0) {
      // Few windows are open at once: a scan finds the oldest.
      let first = Number.POSITIVE_INFINITY
      for (const index of this.open.keys()) if (index < first) first = index
      const window = this.open.get(first)!
      if (!all && (window.pending > 0 || (first + 1) * this.windowMs > this.watermarkMs)) break
      for (let i = this.next ?? first; i < first; i++) text += this.line(this.tally(), i)
      text += this.line(window.tally, first)
      this.open.delete(first)
      this.next = first + 1
    }
    if (text !== "") writeSync(this.fd, text)
  }

  private tally(): Truth.Tally {
    const tally = new Truth.Tally()
    if (this.changes) tally.changes = EntityChanges.zeroCounts()
    return tally
  }

  private line(tally: Truth.Tally, index: number): string {
    this.windows++
    return `${JSON.stringify(tally.window(index, this.windowMs))}\n`
  }
}
