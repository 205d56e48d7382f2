/**
 * The checks, record by record, in the order the records come (which, per partition, is the order
 * they were written): each value against the event contract, the record against the event (key,
 * headers, timestamp), and the stream's invariants per session. Memory: one entry per session in
 * progress (the oldest are forgotten past a bound) and one per eventId, for duplicates.
 */
import { Anomaly, CustomerEvent } from "@customer-events/events"
import { KafkaConsumer } from "@customer-events/kafka"
import { Either } from "effect"
import { Lateness, type LatenessReport } from "./Lateness.js"
import { checkRecord } from "./RecordCheck.js"
import type { TruthCheck, TruthResult } from "./TruthCheck.js"

export type Mode = "auto" | "sessions" | "independent"

export interface Finding {
  readonly partition: number
  readonly offset: string
  /** Where in the record: key, headers.<name>, timestamp, or a path in the event (metadata.quantity). */
  readonly path: string
  readonly reason: string
}

export const violationKinds = ["purchaseWithoutAddToCart", "inconsistentUnitPrice", "timeBackwards"] as const
export type ViolationKind = (typeof violationKinds)[number]

/** What the producer's summary says it injected (--late-rate, --duplicate-rate): expected, not findings. */
export interface Expected {
  readonly late: number
  readonly duplicatesInjected: number
  /** The run's anomaly episodes: labelled records are expected, glitched prices not violations. */
  readonly anomalies: ReadonlyArray<{ readonly kind: string; readonly events: number }>
}

export interface Report {
  readonly topic: string
  /** What a bounded read covered: per partition, from its start offset up to the high watermark seen at the start. */
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
  /** Events carrying the `anomaly` header, by kind (a duplicate's copies not counted again). */
  readonly anomalies: Readonly<Record<string, number>>
  /** The producer's injected disorder, when told (--summary): duplicates must equal it. */
  readonly expected?: Expected
  /** --truth: the producer's ground truth against the topic's aggregates. */
  readonly truth?: TruthResult
  readonly eventTime: { readonly first: string; readonly last: string } | null
  /** Valid events per second of event time. */
  readonly eventsPerSecond: number | null
  readonly sound: boolean
}

const listed = 20
const maxSessions = 200_000

interface SessionState {
  lastTimestamp: string
  readonly carted: Map<string, number>
}

export interface InspectionOptions {
  readonly topic: string
  readonly mode: Mode
  /** Where the read starts: each partition's beginning, or a point in time. */
  readonly start: "beginning" | "time"
  /** The producer's summary: what it injected on purpose (--summary). */
  readonly expected?: Expected | undefined
  readonly truth?: TruthCheck | undefined
}

export class Inspection {
  private records = 0
  private valid = 0
  private invalid = 0
  private readonly invalidRecords: Array<Finding> = []
  private readonly byType: Record<CustomerEvent.EventType, number> = {
    productView: 0,
    addToCart: 0,
    purchase: 0,
    recommendationClick: 0,
  }
  private readonly violations: Record<ViolationKind, number> = {
    purchaseWithoutAddToCart: 0,
    inconsistentUnitPrice: 0,
    timeBackwards: 0,
  }
  private readonly violationExamples: Array<Finding & { kind: ViolationKind }> = []
  private readonly sessions = new Map<string, SessionState>()
  private sessionsSeen = 0
  private readonly unitPrices = new Map<string, number>()
  private readonly eventIds = new Set<string>()
  private duplicates = 0
  private readonly duplicateExamples: Array<Finding> = []
  private first = ""
  private last = ""
  private readonly lateness = new Lateness()
  private readonly anomalies: Record<string, number> = {}

  readonly topic: string
  readonly mode: Mode
  /** Not when reading from a point in time: sessions cut by the start would show purchases without their carts. */
  readonly checkCarts: boolean
  readonly expected: Expected | undefined
  readonly truth: TruthCheck | undefined

  constructor(options: InspectionOptions) {
    this.topic = options.topic
    this.mode = options.mode
    this.checkCarts = options.start === "beginning"
    this.expected = options.expected
    this.truth = options.truth
  }

  get count() {
    return this.records
  }

  get findings() {
    return this.invalid + this.duplicates + Object.values(this.violations).reduce((a, b) => a + b, 0)
  }

  add(record: KafkaConsumer.ConsumedRecord): void {
    this.records++
    const at = { partition: record.partition, offset: record.offset }
    const value = KafkaConsumer.text(record.value)
    if (value === null) {
      this.reject({ ...at, path: "value", reason: "missing (a tombstone)" })
      return
    }
    const decoded = CustomerEvent.decodeJson(value)
    if (Either.isLeft(decoded)) {
      const issue = decoded.left.issues[0]!
      this.reject({ ...at, path: issue.path === "" ? "value" : issue.path, reason: issue.message })
      return
    }
    const event = decoded.right
    const recordProblem = checkRecord(record, event)
    if (recordProblem !== undefined) {
      this.reject({ ...at, ...recordProblem })
      return
    }

    this.valid++
    this.byType[event.eventType]++
    this.lateness.add(record.partition, event.timestamp)
    const anomaly = record.headers[Anomaly.headerName]
    if (this.first === "" || event.timestamp < this.first) this.first = event.timestamp
    if (event.timestamp > this.last) this.last = event.timestamp
    // A duplicate is the same event again: counted as such, not checked against its session twice.
    const duplicate = this.eventIds.has(event.eventId)
    this.truth?.add(event, duplicate)
    if (duplicate) {
      this.duplicates++
      if (this.duplicateExamples.length < listed)
        this.duplicateExamples.push({
          ...at,
          path: "eventId",
          reason: `duplicate of an earlier event ${event.eventId}`,
        })
      return
    }
    this.eventIds.add(event.eventId)
    // Labelled events, each once: a duplicate carries its original's label.
    if (anomaly !== undefined) this.anomalies[anomaly] = (this.anomalies[anomaly] ?? 0) + 1
    this.checkSession(event, at, anomaly)
  }

  private reject(finding: Finding) {
    this.invalid++
    if (this.invalidRecords.length < listed) this.invalidRecords.push(finding)
  }

  private violation(kind: ViolationKind, finding: Finding) {
    this.violations[kind]++
    if (this.violationExamples.length < listed) this.violationExamples.push({ ...finding, kind })
  }

  private checkSession(
    event: CustomerEvent.CustomerEvent,
    at: { partition: number; offset: string },
    anomaly: string | undefined,
  ) {
    let session = this.sessions.get(event.sessionId)
    if (session === undefined) {
      this.sessionsSeen++
      session = { lastTimestamp: event.timestamp, carted: new Map() }
      this.sessions.set(event.sessionId, session)
      // Forget the oldest sessions: a long --follow must not grow without bound.
      if (this.sessions.size > maxSessions) this.sessions.delete(this.sessions.keys().next().value!)
    }
    if (event.timestamp < session.lastTimestamp)
      this.violation("timeBackwards", {
        ...at,
        path: "timestamp",
        reason: `session ${event.sessionId} went back from ${session.lastTimestamp} to ${event.timestamp}`,
      })
    else session.lastTimestamp = event.timestamp
    if (event.eventType === "addToCart") session.carted.set(event.productId, event.metadata.quantity)
    if (event.eventType !== "purchase") return
    const { quantity, totalAmount } = event.metadata
    if (this.checkCarts && session.carted.get(event.productId) !== quantity)
      this.violation("purchaseWithoutAddToCart", {
        ...at,
        path: "metadata.quantity",
        reason: `no earlier addToCart of ${event.productId} with quantity ${quantity} in session ${event.sessionId}`,
      })
    // A price glitch the run says it injected is the point of the episode, not a finding.
    if (anomaly === "price-glitch" && this.expected !== undefined) return
    const unitPrice = totalAmount / quantity
    const known = this.unitPrices.get(event.productId)
    if (known === undefined) this.unitPrices.set(event.productId, unitPrice)
    else if (Math.abs(known - unitPrice) >= 0.01)
      this.violation("inconsistentUnitPrice", {
        ...at,
        path: "metadata.totalAmount",
        reason: `${event.productId} costs ${unitPrice.toFixed(2)} a unit here, ${known.toFixed(2)} earlier`,
      })
  }

  private notes(sessionChecks: boolean): Array<string> {
    return [
      ...(sessionChecks
        ? []
        : [
            "independent mode: per-record checks, unit prices and duplicates only; session invariants do not apply",
          ]),
      ...(sessionChecks && !this.checkCarts
        ? ["read from a point in time: purchases are not checked against earlier carts"]
        : []),
      ...(this.expected === undefined
        ? []
        : [
            `told the run injected ${this.expected.late} late events and ${this.expected.duplicatesInjected} duplicates: those are expected`,
          ]),
    ]
  }

  report(ranges: Report["ranges"] = []): Report {
    // Independent mode draws every event on its own: about one event per session.
    const detected =
      this.sessionsSeen > 0 && this.valid / this.sessionsSeen < 1.5 ? "independent" : "sessions"
    const mode = this.mode === "auto" ? detected : this.mode
    const sessionChecks = mode === "sessions"
    const notes = this.notes(sessionChecks)
    // Injected late events make sessions go back in time: that is the lateness asked for.
    const lateExpected = (this.expected?.late ?? 0) > 0
    const violations = {
      purchaseWithoutAddToCart: sessionChecks ? this.violations.purchaseWithoutAddToCart : 0,
      inconsistentUnitPrice: this.violations.inconsistentUnitPrice,
      timeBackwards: sessionChecks && !lateExpected ? this.violations.timeBackwards : 0,
    }
    const spanMs = this.first === "" ? 0 : Date.parse(this.last) - Date.parse(this.first)
    const unexpectedDuplicates =
      this.expected === undefined
        ? this.duplicates
        : Math.abs(this.duplicates - this.expected.duplicatesInjected)
    const findings =
      this.invalid + unexpectedDuplicates + Object.values(violations).reduce((a, b) => a + b, 0)
    const truth = this.truth?.result()
    return {
      topic: this.topic,
      ranges,
      mode,
      modeDetected: this.mode === "auto",
      sessionChecks,
      ...(notes.length === 0 ? {} : { note: notes.join("; ") }),
      records: this.records,
      valid: this.valid,
      byType: { ...this.byType },
      invalid: this.invalid,
      invalidRecords: [...this.invalidRecords],
      violations,
      violationExamples: this.violationExamples.filter((v) => violations[v.kind] > 0),
      duplicates: this.duplicates,
      duplicateExamples: [...this.duplicateExamples],
      lateness: this.lateness.report(),
      anomalies: { ...this.anomalies },
      ...(this.expected === undefined ? {} : { expected: this.expected }),
      ...(truth === undefined ? {} : { truth }),
      eventTime: this.first === "" ? null : { first: this.first, last: this.last },
      eventsPerSecond: spanMs > 0 ? this.valid / (spanMs / 1000) : null,
      sound: findings === 0 && truth?.difference === undefined,
    }
  }
}
