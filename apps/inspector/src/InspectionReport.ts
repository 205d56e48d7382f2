/** What the inspector finds and reports: the shapes its checks fill and its readers print. */
import type { CustomerEvent } from "@customer-events/events"
import type { LatenessReport } from "./Lateness.js"
import type { ReferenceReport } from "./ReferenceCheck.js"
import type { TransactionsExpected, TransactionsReport } from "./TransactionCheck.js"
import type { TruthResult } from "./TruthCheck.js"

export type Mode = "auto" | "sessions" | "independent"

export interface Finding {
  readonly partition: number
  readonly offset: string
  /** Where in the record: key, headers.<name>, timestamp, or a path in the event (metadata.quantity). */
  readonly path: string
  readonly reason: string
}

export const violationKinds = [
  "purchaseWithoutAddToCart",
  "inconsistentUnitPrice",
  "timeBackwards",
  "orphanEvent",
  "priceNotValidThen",
] as const
export type ViolationKind = (typeof violationKinds)[number]

/** What the producer's summary says it injected (--late-rate, --duplicate-rate): expected, not findings. */
export interface Expected {
  readonly late: number
  readonly duplicatesInjected: number
  /** Records the producer resent under a new producer id: up to that many more duplicates. */
  readonly duplicatesPossible: number
  /** The run's anomaly episodes: labelled records are expected, glitched prices not violations. */
  readonly anomalies: ReadonlyArray<{ readonly kind: string; readonly events: number }>
  /** A run in transactions: its committed and aborted events. */
  readonly transactions?: TransactionsExpected
  /** The run changed prices (its summary's referenceChanges): one unit price per product no longer holds. */
  readonly priceChanges?: number
}

export interface Report {
  readonly topic: string
  /**
   * What a bounded read covered: per partition, from its start offset up to the high watermark seen at the
   * start.
   */
  readonly ranges: ReadonlyArray<{ readonly partition: number; readonly from: string; readonly to: string }>
  readonly mode: "sessions" | "independent"
  readonly modeDetected: boolean
  /** Session invariants apply to the producer's sessions mode only. */
  readonly sessionChecks: boolean
  readonly note?: string
  readonly records: number
  readonly valid: number
  readonly byType: Record<CustomerEvent.EventType, number>
  readonly invalid: number
  /** The first invalid records, in full. */
  readonly invalidRecords: ReadonlyArray<Finding>
  readonly violations: Record<ViolationKind, number>
  /** The first violations, in full. */
  readonly violationExamples: ReadonlyArray<Finding & { readonly kind: ViolationKind }>
  readonly duplicates: number
  readonly duplicateExamples: ReadonlyArray<Finding>
  /** Records older than the newest before them in their partition. */
  readonly lateness: LatenessReport
  /** The registry schemas the values were written with, by id: version of the topic's subject, records. */
  readonly schemas?: ReadonlyArray<{
    readonly id: number
    readonly format: string
    readonly version?: number
    readonly records: number
  }>
  /** Events carrying the `anomaly` header, by kind (a duplicate's copies not counted again). */
  readonly anomalies: Readonly<Record<string, number>>
  /** The producer's injected disorder, when told (--summary): duplicates must equal it. */
  readonly expected?: Expected
  /** --truth: the producer's ground truth against the topic's aggregates. */
  readonly truth?: TruthResult
  /** --reference-topics: the versions read, the changes among them. */
  readonly reference?: ReferenceReport
  /** The isolation level read with, committed and aborted records, against the summary's. */
  readonly transactions: TransactionsReport
  readonly eventTime: { readonly first: string; readonly last: string } | null
  /** Valid events per second of event time. */
  readonly eventsPerSecond: number | null
  readonly sound: boolean
}
