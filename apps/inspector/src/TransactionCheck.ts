/**
 * Transactions as the inspector reads them: records of transactions the producer aborted on purpose
 * carry `txn-fate: abort` (--abort-rate). Under read_committed none may be visible; with the run's
 * summary, the records seen must be exactly its committed ones (`delivered`), and under
 * read_uncommitted its aborted ones too.
 */
import { TransactionFate } from "@customer-events/events"
import type { KafkaConsumer } from "@customer-events/kafka"

/** What the run's summary says of its transactions. */
export interface TransactionsExpected {
  readonly committed: number
  readonly aborted: number
}

export interface TransactionsReport {
  readonly isolation: KafkaConsumer.Isolation
  /** Records without the abort mark: committed (or written without transactions). */
  readonly committed: number
  /** Records of transactions aborted on purpose: visible under read_uncommitted only. */
  readonly aborted: number
  readonly expected?: TransactionsExpected
  /** What differs from what the isolation level and the summary say, when something does. */
  readonly difference?: string
}

export class TransactionCheck {
  private committed = 0
  private aborted = 0

  constructor(
    readonly isolation: KafkaConsumer.Isolation,
    readonly expected: TransactionsExpected | undefined,
  ) {}

  /** Counts a record; true when it belongs to a transaction aborted on purpose. */
  add(headers: Readonly<Record<string, string>>): boolean {
    const aborted = TransactionFate.isMarkedAbort(headers)
    if (aborted) this.aborted++
    else this.committed++
    return aborted
  }

  private difference(): string | undefined {
    const { committed, aborted, expected } = this
    if (this.isolation === "read_committed" && aborted > 0)
      return `${aborted} records of aborted transactions are visible under read_committed`
    if (expected === undefined) return undefined
    if (committed !== expected.committed)
      return `${committed} committed records read, the run committed ${expected.committed}`
    if (this.isolation === "read_uncommitted" && aborted !== expected.aborted)
      return `${aborted} records of aborted transactions read, the run aborted ${expected.aborted}`
    return undefined
  }

  result(): TransactionsReport {
    const difference = this.difference()
    return {
      isolation: this.isolation,
      committed: this.committed,
      aborted: this.aborted,
      ...(this.expected === undefined ? {} : { expected: this.expected }),
      ...(difference === undefined ? {} : { difference }),
    }
  }
}
