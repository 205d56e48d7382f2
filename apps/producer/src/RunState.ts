/**
 * A run's state: its figures (what was generated, delivered, failed and dead-lettered), updated once
 * per batch through the few operations below and read by everything that reports them (the summary,
 * the progress line, /metrics, a worker's reports). Each outcome counts its own records, so
 * `pending = generated - delivered - aborted - failed` is what still awaits an answer; the run ends
 * when it is 0 (every record gets one outcome).
 */
import type { CustomerEvent, EventGenerator } from "@customer-events/events"
import type { Outcome } from "./DeliveryTarget.js"
import type * as ReferenceChanges from "./ReferenceChanges.js"

/** The figures of a run (or of several: a --workers parent's are its workers' added up). */
export interface Figures {
  readonly generated: number
  readonly delivered: number
  readonly failed: number
  readonly deadLettered: number
  readonly retries: number
  /** Generated with an event time before their emission (--late-rate). */
  readonly late: number
  /** Sent again (--duplicate-rate): counted in generated too. */
  readonly duplicatesInjected: number
  /**
   * Delivered records sent again under a new producer id after a request of theirs went unanswered
   * (kafkajs cannot carry its producer id over a restart): each may be in the topic twice.
   */
  readonly duplicatesPossible: number
  /** Acknowledged in transactions aborted on purpose (--abort-rate): not delivered, not failed. */
  readonly aborted: number
  /** Transactions (--transactional-id) by how they ended. */
  readonly transactions: Readonly<Record<TransactionEnd, number>>
  /** Generated events by type. */
  readonly byType: Readonly<Record<CustomerEvent.EventType, number>>
}

export type TransactionEnd = "committed" | "aborted" | "failed"

export const zero: Figures = {
  generated: 0,
  delivered: 0,
  failed: 0,
  deadLettered: 0,
  retries: 0,
  late: 0,
  duplicatesInjected: 0,
  duplicatesPossible: 0,
  aborted: 0,
  transactions: { committed: 0, aborted: 0, failed: 0 },
  byType: { productView: 0, addToCart: 0, purchase: 0, recommendationClick: 0 },
}

type Count = Exclude<keyof Figures, "byType" | "transactions">
/** The figures as the state writes them. */
type Tally = { -readonly [K in Count]: number } & {
  byType: Record<CustomerEvent.EventType, number>
  transactions: Record<TransactionEnd, number>
}

const fresh = (figures: Figures): Tally => ({
  ...figures,
  byType: { ...figures.byType },
  transactions: { ...figures.transactions },
})
const counts: ReadonlyArray<Count> = [
  "generated",
  "delivered",
  "failed",
  "deadLettered",
  "retries",
  "late",
  "duplicatesInjected",
  "duplicatesPossible",
  "aborted",
]

/** Several runs' figures added up. */
export const sum = (all: ReadonlyArray<Figures>): Figures => {
  const total = fresh(zero)
  for (const figures of all) {
    for (const count of counts) total[count] += figures[count]
    for (const type of Object.keys(total.byType) as Array<CustomerEvent.EventType>)
      total.byType[type] += figures.byType[type]
    for (const end of Object.keys(total.transactions) as Array<TransactionEnd>)
      total.transactions[end] += figures.transactions[end]
  }
  return total
}

/** The end of a run: its figures, and what it was. */
export interface Summary extends Figures {
  readonly elapsedMs: number
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
  /** With changing reference data: the changes by kind, and how many were written or failed. */
  readonly referenceChanges?: Readonly<ReferenceChanges.Figures>
  readonly error?: string
}

export class RunState {
  private current = fresh(zero)
  private readonly startedAt = performance.now()

  /** The figures now (a copy: the state goes on changing). */
  get figures(): Figures {
    return fresh(this.current)
  }

  /** Events handed to the target and not answered yet. */
  get pending(): number {
    const f = this.current
    return f.generated - f.delivered - f.aborted - f.failed
  }

  /** A batch generated, with how many of its events are late or repeated. */
  generated(batch: Pick<EventGenerator.Batch, "events" | "late" | "duplicates">): void {
    const f = this.current
    f.generated += batch.events.length
    f.late += batch.late
    f.duplicatesInjected += batch.duplicates
    for (const event of batch.events) f.byType[event.eventType]++
  }

  /** A batch's outcome: its records delivered or failed, and its retries. */
  answered(outcome: Outcome): void {
    const f = this.current
    if (outcome._tag === "Failed") f.failed += outcome.records.length
    else if (outcome.transaction === "aborted") f.aborted += outcome.records.length
    else {
      f.delivered += outcome.records.length
      f.duplicatesPossible += outcome.duplicatesPossible ?? 0
    }
    if (outcome.transaction !== undefined) f.transactions[outcome.transaction]++
    f.retries += outcome.retries
  }

  deadLettered(n: number): void {
    this.current.deadLettered += n
  }

  /** A --workers parent's figures are its workers' latest reports added up. */
  adopt(figures: Figures): void {
    this.current = fresh(figures)
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt)
  }

  summary(context: Omit<Summary, keyof Figures | "elapsedMs">): Summary {
    return { ...this.figures, elapsedMs: this.elapsedMs(), ...context }
  }
}
