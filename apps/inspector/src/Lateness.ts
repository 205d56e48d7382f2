/**
 * Lateness as a stream processor sees it: a record is late when its event time is older than the
 * newest already seen in its partition (records of a partition arrive in the order written).
 */
export interface LatenessReport {
  /** Records older than the newest before them in their partition. */
  readonly records: number
  /** By how much, at most and on average (ms); 0 when none. */
  readonly maxMs: number
  readonly meanMs: number
}

export class Lateness {
  private readonly newest = new Map<number, number>()
  private records = 0
  private totalMs = 0
  private maxMs = 0

  add(partition: number, timestamp: string) {
    const t = Date.parse(timestamp)
    const newest = this.newest.get(partition)
    if (newest === undefined || t >= newest) {
      this.newest.set(partition, t)
      return
    }
    const by = newest - t
    this.records++
    this.totalMs += by
    if (by > this.maxMs) this.maxMs = by
  }

  report(): LatenessReport {
    return {
      records: this.records,
      maxMs: this.maxMs,
      meanMs: this.records === 0 ? 0 : Math.round(this.totalMs / this.records),
    }
  }
}
