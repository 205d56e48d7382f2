/**
 * The checks, record by record, in the order the records come (which, per partition, is the order
 * they were written): each value against the event contract, the record against the event (key,
 * headers, timestamp), and the stream's invariants per session. Memory: one entry per session in
 * progress (the oldest are forgotten past a bound) and one per eventId, for duplicates.
 */
import { Anomaly, type CustomerEvent } from "@customer-events/events"
import type { KafkaConsumer } from "@customer-events/kafka"
import type { Expected, Finding, Mode, Report, ViolationKind } from "./InspectionReport.js"
import { notesOf, priceChange, reportedViolations, unexpectedOf, zeroViolations } from "./InspectionRules.js"
import { Lateness } from "./Lateness.js"
import { checkRecord } from "./RecordCheck.js"
import type { ReferenceCheck } from "./ReferenceCheck.js"
import { TransactionCheck } from "./TransactionCheck.js"
import type { TruthCheck } from "./TruthCheck.js"
import type { ValueDecoder } from "./ValueDecoder.js"

export type { Expected, Finding, Mode, Report, ViolationKind } from "./InspectionReport.js"
export { violationKinds } from "./InspectionReport.js"

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
  /** How values are read: JSON, and the registry formats when a registry is given. */
  readonly decoder: ValueDecoder
  /** The isolation level the records were read with. */
  readonly isolation: KafkaConsumer.Isolation
  /** --reference-topics: the entities' histories, each event checked against them. */
  readonly reference?: ReferenceCheck | undefined
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
  private readonly violations = zeroViolations()
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
  /** Not when reading from a point in time: sessions cut by the start would lack their carts. */
  readonly checkCarts: boolean
  readonly expected: Expected | undefined
  readonly truth: TruthCheck | undefined
  readonly decoder: ValueDecoder
  readonly transactions: TransactionCheck
  readonly reference: ReferenceCheck | undefined
  /** Prices that change (the summary says so) are checked by time, against the reference topics. */
  readonly onePricePerProduct: boolean

  constructor(options: InspectionOptions) {
    this.reference = options.reference
    this.onePricePerProduct = options.reference === undefined && (options.expected?.priceChanges ?? 0) === 0
    this.decoder = options.decoder
    this.topic = options.topic
    this.mode = options.mode
    // A cart in an aborted transaction is gone, its session's purchase not.
    this.checkCarts = options.start === "beginning" && (options.expected?.transactions?.aborted ?? 0) === 0
    this.expected = options.expected
    this.truth = options.truth
    this.transactions = new TransactionCheck(options.isolation, options.expected?.transactions)
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
    if (record.value === null) {
      this.reject({ ...at, path: "value", reason: "missing (a tombstone)" })
      return
    }
    const decoded = this.decoder.decode(record.value)
    if (decoded._tag === "Invalid") {
      this.reject({ ...at, path: decoded.path, reason: decoded.reason })
      return
    }
    const event = decoded.event
    const recordProblem = checkRecord(record, event, decoded.contentType)
    if (recordProblem !== undefined) {
      this.reject({ ...at, ...recordProblem })
      return
    }

    this.valid++
    this.byType[event.eventType]++
    if (this.transactions.add(record.headers)) return // aborted: in no truth, duplicate or session
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
    const finding = this.reference?.check(event, anomaly, this.expected !== undefined)
    if (finding !== undefined)
      this.violation(finding.kind, { ...at, path: finding.path, reason: finding.reason })
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
        reason:
          `no earlier addToCart of ${event.productId} with quantity ${quantity} in session ` +
          `${event.sessionId}`,
      })
    // A price glitch the run says it injected is the point of the episode, not a finding.
    if (anomaly === "price-glitch" && this.expected !== undefined) return
    if (!this.onePricePerProduct) return
    const price = priceChange(this.unitPrices, event.productId, totalAmount / quantity)
    if (price !== undefined) this.violation("inconsistentUnitPrice", { ...at, ...price })
  }

  report(ranges: Report["ranges"] = []): Report {
    // Independent mode draws every event on its own: about one event per session.
    const detected =
      this.sessionsSeen > 0 && this.valid / this.sessionsSeen < 1.5 ? "independent" : "sessions"
    const mode = this.mode === "auto" ? detected : this.mode
    const sessionChecks = mode === "sessions"
    const notes = notesOf(sessionChecks, this.checkCarts, this.expected, this.reference !== undefined)
    const lateExpected = (this.expected?.late ?? 0) > 0
    const violations = reportedViolations(this.violations, { sessionChecks, lateExpected })
    const spanMs = this.first === "" ? 0 : Date.parse(this.last) - Date.parse(this.first)
    const unexpectedDuplicates =
      this.expected === undefined ? this.duplicates : unexpectedOf(this.duplicates, this.expected)
    const findings =
      this.invalid + unexpectedDuplicates + Object.values(violations).reduce((a, b) => a + b, 0)
    const truth = this.truth?.result()
    const transactions = this.transactions.result()
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
      ...(this.decoder.schemasSeen().length === 0 ? {} : { schemas: this.decoder.schemasSeen() }),
      ...(this.expected === undefined ? {} : { expected: this.expected }),
      ...(truth === undefined ? {} : { truth }),
      transactions,
      ...(this.reference === undefined ? {} : { reference: this.reference.report() }),
      eventTime: this.first === "" ? null : { first: this.first, last: this.last },
      eventsPerSecond: spanMs > 0 ? this.valid / (spanMs / 1000) : null,
      sound: findings === 0 && truth?.difference === undefined && transactions.difference === undefined,
    }
  }
}
