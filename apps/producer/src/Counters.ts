/**
 * Delivery accounting, updated once per batch: what was generated, delivered, failed and
 * dead-lettered. Each outcome counts its own records, so `pending = generated - delivered - failed`
 * is what still awaits an answer; the run ends when it is 0 (every record gets one outcome).
 */
import type { CustomerEvent, EventGenerator } from "@customer-events/events"

export interface Summary {
  readonly generated: number
  readonly delivered: number
  readonly failed: number
  readonly deadLettered: number
  readonly retries: number
  /** Generated with an event time before their emission (--late-rate). */
  readonly late: number
  /** Sent again (--duplicate-rate): counted in generated too. */
  readonly duplicatesInjected: number
  readonly elapsedMs: number
  /** Generated events by type. */
  readonly byType: Record<CustomerEvent.EventType, number>
  readonly topic: string
  /** The Kafka client library (absent in a dry run). */
  readonly client?: string
  readonly seed: string
  /** "I/N" for one of several instances (--instance, or a worker of --workers). */
  readonly instance?: string
  /** How many workers ran (--workers), when more than one. */
  readonly workers?: number
  readonly stoppedBy: "count" | "duration" | "signal" | "error" | "forced"
  /** Each anomaly episode (--anomaly): its kind, event-time range and how many events it produced. */
  readonly anomalies: ReadonlyArray<EventGenerator.EpisodeReport>
  readonly error?: string
}

export class Counters {
  generated = 0
  delivered = 0
  failed = 0
  deadLettered = 0
  retries = 0
  late = 0
  duplicatesInjected = 0
  readonly byType: Record<CustomerEvent.EventType, number> = {
    productView: 0,
    addToCart: 0,
    purchase: 0,
    recommendationClick: 0,
  }
  readonly startedAt = performance.now()

  /** Events handed to the target and not answered yet. */
  get pending(): number {
    return this.generated - this.delivered - this.failed
  }

  recordGenerated(events: ReadonlyArray<CustomerEvent.CustomerEvent>, late = 0, duplicates = 0) {
    this.generated += events.length
    this.late += late
    this.duplicatesInjected += duplicates
    for (const event of events) this.byType[event.eventType]++
  }

  recordDelivered(n: number, retries: number) {
    this.delivered += n
    this.retries += retries
  }

  recordDeadLettered(n: number) {
    this.deadLettered += n
  }

  recordFailed(n: number, retries: number) {
    this.failed += n
    this.retries += retries
  }

  elapsedMs() {
    return Math.round(performance.now() - this.startedAt)
  }

  summary(context: {
    topic: string
    client?: string
    seed: string
    instance?: string
    stoppedBy: Summary["stoppedBy"]
    anomalies: Summary["anomalies"]
    error?: string
  }): Summary {
    return {
      generated: this.generated,
      delivered: this.delivered,
      failed: this.failed,
      deadLettered: this.deadLettered,
      retries: this.retries,
      late: this.late,
      duplicatesInjected: this.duplicatesInjected,
      elapsedMs: this.elapsedMs(),
      byType: { ...this.byType },
      ...context,
    }
  }
}
