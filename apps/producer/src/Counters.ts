/**
 * Delivery accounting, updated once per batch: what was generated, delivered, failed and
 * dead-lettered, the records still awaiting an answer, and recent batch latencies. The invariant
 * `generated = delivered + failed + pending` holds after every update, so at the end (pending = 0)
 * generated = delivered + failed.
 */
import type { CustomerEvent, EventRecord } from "@customer-events/events"

export interface Summary {
  readonly generated: number
  readonly delivered: number
  readonly failed: number
  readonly deadLettered: number
  readonly retries: number
  readonly elapsedMs: number
  /** Generated events by type. */
  readonly byType: Record<CustomerEvent.EventType, number>
  readonly topic: string
  /** The Kafka client library (absent in a dry run). */
  readonly client?: string
  readonly seed: string
  readonly stoppedBy: "count" | "duration" | "signal" | "error" | "forced"
  readonly error?: string
}

/** Records handed to the producer and not yet answered, oldest first. Outcomes arrive in order. */
class PendingQueue {
  private readonly chunks: Array<ReadonlyArray<EventRecord.EventRecord>> = []
  private head = 0
  size = 0

  push(records: ReadonlyArray<EventRecord.EventRecord>) {
    if (records.length === 0) return
    this.chunks.push(records)
    this.size += records.length
  }

  /** Forgets the n oldest records (their batch was answered). */
  drop(n: number) {
    this.size -= n
    while (n > 0) {
      const first = this.chunks[0]!
      const left = first.length - this.head
      if (n < left) {
        this.head += n
        return
      }
      n -= left
      this.chunks.shift()
      this.head = 0
    }
  }

  /** Takes every unanswered record, e.g. when a forced stop gives up on them. */
  takeAll(): Array<EventRecord.EventRecord> {
    const out: Array<EventRecord.EventRecord> = []
    this.chunks.forEach((chunk, i) => {
      for (let j = i === 0 ? this.head : 0; j < chunk.length; j++) out.push(chunk[j]!)
    })
    this.chunks.length = 0
    this.head = 0
    this.size = 0
    return out
  }
}

/** The latencies of the last batches, for p50/p99 on the progress line. */
class LatencyWindow {
  private readonly values: Float64Array
  private count = 0

  constructor(size: number) {
    this.values = new Float64Array(size)
  }

  add(ms: number) {
    this.values[this.count % this.values.length] = ms
    this.count++
  }

  percentile(p: number): number | undefined {
    const n = Math.min(this.count, this.values.length)
    if (n === 0) return undefined
    const sorted = this.values.slice(0, n).sort()
    return sorted[Math.min(n - 1, Math.floor(p * n))]
  }
}

export class Counters {
  generated = 0
  delivered = 0
  failed = 0
  deadLettered = 0
  retries = 0
  readonly byType: Record<CustomerEvent.EventType, number> = {
    productView: 0,
    addToCart: 0,
    purchase: 0,
    recommendationClick: 0,
  }
  readonly pending = new PendingQueue()
  readonly latencies = new LatencyWindow(512)
  readonly startedAt = performance.now()

  recordGenerated(
    events: ReadonlyArray<CustomerEvent.CustomerEvent>,
    records: ReadonlyArray<EventRecord.EventRecord>,
  ) {
    this.generated += events.length
    for (const event of events) this.byType[event.eventType]++
    this.pending.push(records)
  }

  recordDelivered(n: number, retries: number, latencyMs: number) {
    this.delivered += n
    this.retries += retries
    this.latencies.add(latencyMs)
    this.pending.drop(n)
  }

  recordFailed(n: number, retries: number) {
    this.failed += n
    this.retries += retries
    this.pending.drop(n)
  }

  /** Gives up on every record still awaiting an answer: they count as failed. */
  abandonPending(): Array<EventRecord.EventRecord> {
    const records = this.pending.takeAll()
    this.failed += records.length
    return records
  }

  elapsedMs() {
    return Math.round(performance.now() - this.startedAt)
  }

  summary(context: {
    topic: string
    client?: string
    seed: string
    stoppedBy: Summary["stoppedBy"]
    error?: string
  }): Summary {
    return {
      generated: this.generated,
      delivered: this.delivered,
      failed: this.failed,
      deadLettered: this.deadLettered,
      retries: this.retries,
      elapsedMs: this.elapsedMs(),
      byType: { ...this.byType },
      ...context,
    }
  }
}
