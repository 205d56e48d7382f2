/**
 * --truth FILE (repeatable): the producer's ground truth, compared with the same aggregates
 * recomputed from the topic, window by window (packages/events Truth). Several files (one per
 * instance) are summed into one truth first. Windows after the truth's last one are not compared:
 * a run still going has not written them yet.
 */
import { readFileSync } from "node:fs"
import { Flags } from "@customer-events/cli"
import { Catalog, type CustomerEvent, Truth } from "@customer-events/events"
import { Result } from "effect"

export interface TruthResult {
  /** The truth's windows compared with the topic's. */
  readonly windows: number
  /** The topic's windows after the truth's last one, left out. */
  readonly later: number
  /** The first window and figure that differ; absent when the topic matches the truth. */
  readonly difference?: string
}

export class TruthCheck {
  private readonly tallies = new Map<number, Truth.Tally>()
  private readonly categories = new Map<string, CustomerEvent.Category | undefined>()

  constructor(
    private readonly truth: ReadonlyArray<Truth.TruthWindow>,
    private readonly windowMs: number,
  ) {}

  /** Reads and combines the files; a file that is not a truth file is a usage error naming it. */
  static load(paths: ReadonlyArray<string>): TruthCheck {
    const files = paths.map((path) => {
      let text: string
      try {
        text = readFileSync(path, "utf8")
      } catch (error) {
        const reason =
          (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message
        return Flags.fail("--truth", `cannot read ${path}: ${reason}`)
      }
      return Result.getOrElse(Truth.parse(text), (reason) => Flags.fail("--truth", `${path}: ${reason}`))
    })
    const windows = Truth.combine(files)
    if (windows.length === 0) return Flags.fail("--truth", `${paths.join(", ")}: no windows`)
    const lengths = new Set(windows.map((w) => Date.parse(w.windowEnd) - Date.parse(w.windowStart)))
    if (lengths.size > 1)
      return Flags.fail("--truth", "the files' windows differ in length: use one --truth-window")
    return new TruthCheck(windows, [...lengths][0]!)
  }

  /** A valid event of the topic; `duplicate`: its eventId came before. */
  add(event: CustomerEvent.CustomerEvent, duplicate: boolean): void {
    const index = Truth.windowIndex(Date.parse(event.timestamp), this.windowMs)
    let tally = this.tallies.get(index)
    if (tally === undefined) {
      tally = new Truth.Tally()
      this.tallies.set(index, tally)
    }
    if (duplicate) tally.duplicates++
    else tally.add(event, this.categoryOf)
  }

  private readonly categoryOf = (productId: string) => {
    if (!this.categories.has(productId))
      this.categories.set(productId, Catalog.productOf(productId)?.category)
    return this.categories.get(productId)
  }

  result(): TruthResult {
    const lastEnd = Date.parse(this.truth[this.truth.length - 1]!.windowEnd)
    const topic: Array<Truth.TruthWindow> = []
    let later = 0
    for (const [index, tally] of this.tallies) {
      if ((index + 1) * this.windowMs > lastEnd) later++
      else topic.push(tally.window(index, this.windowMs))
    }
    const difference = Truth.firstDifference(this.truth, topic)
    return { windows: this.truth.length, later, ...(difference === undefined ? {} : { difference }) }
  }
}
