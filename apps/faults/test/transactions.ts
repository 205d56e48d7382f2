/**
 * Transactions under coordinator faults (scenarios 23, 24), with each of the app's clients (Java's
 * VerifiableProducer writes no transactions). The run's transaction coordinator (the leader of its
 * `__transaction_state` partition) is killed, or frozen for 40 s, mid-run. Read back by Java's
 * console consumer: under read_committed every committed event once, none of an aborted or failed
 * transaction; the summary adds up (generated = delivered + aborted + failed).
 */
import { expect, test } from "bun:test"
import { existsSync, readFileSync } from "node:fs"
import { TransactionFate } from "@customer-events/events"
import { readAllWithJava } from "@customer-events/test-support"
import { cluster, expectedEvents, type Figures, leaderOf, plainBootstrap } from "./harness.js"
import {
  type Client,
  expectSound,
  type ProduceOptions,
  type Result,
  type Run,
  reach,
  timeToGrow,
} from "./scenario.js"

type Produce = (args: ReadonlyArray<string>, options?: ProduceOptions) => Promise<Run>

/** Java's String.hashCode, as Kafka picks a transactional id's partition of __transaction_state (50). */
const coordinatorPartition = (transactionalId: string) => {
  let h = 0
  for (let i = 0; i < transactionalId.length; i++) h = (Math.imul(31, h) + transactionalId.charCodeAt(i)) | 0
  return (h & 0x7fffffff) % 50
}

interface TransactionSummary {
  readonly generated: number
  readonly delivered: number
  readonly aborted: number
  readonly failed: number
  readonly deadLettered: number
  readonly transactions: { readonly committed: number; readonly aborted: number; readonly failed: number }
}

const idOf = (r: { headers: Record<string, string> }) => r.headers["event-id"]!

/** The topic read under both isolation levels against what the seed generated and the run reported. */
const verifyTransactions = async (run: Run, summary: TransactionSummary) => {
  const brokers = plainBootstrap()
  const committed = await readAllWithJava(run.topic, "read_committed", { brokers })
  const everything = await readAllWithJava(run.topic, "read_uncommitted", { brokers })
  const aborted = new Set(everything.filter((r) => TransactionFate.isMarkedAbort(r.headers)).map(idOf))
  const deadLettered = new Set(
    existsSync(run.deadLetterFile)
      ? readFileSync(run.deadLetterFile, "utf8")
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => (JSON.parse(l) as { eventId: string }).eventId)
      : [],
  )
  const generated = expectedEvents(run.seed, summary.generated)
  const rank = new Map(generated.map((e, i) => [e.eventId, i]))
  const seen = new Set<string>()
  const lastRank = new Map<string, number>()
  let orderViolations = 0
  // The console consumer prints each partition's records in offset order: a key's too.
  for (const record of committed) {
    const r = rank.get(idOf(record)) ?? -1
    const key = generated[r]?.key ?? ""
    if (!seen.has(idOf(record)) && r < (lastRank.get(key) ?? -1)) orderViolations++
    seen.add(idOf(record))
    lastRank.set(key, r)
  }
  const figures: Figures = {
    generated: summary.generated,
    delivered: summary.delivered,
    deadLettered: summary.deadLettered,
    lost: generated.filter(
      (e) => !deadLettered.has(e.eventId) && !aborted.has(e.eventId) && !seen.has(e.eventId),
    ).length,
    duplicates: committed.length - seen.size,
    orderViolations,
    summaryAddsUp:
      summary.generated === summary.delivered + summary.aborted + summary.failed &&
      summary.failed === summary.deadLettered &&
      committed.length === summary.delivered &&
      aborted.size === summary.aborted,
  }
  expect(committed.filter((r) => TransactionFate.isMarkedAbort(r.headers))).toEqual([])
  expectSound(figures)
  expect(figures.duplicates).toBe(0)
  return figures
}

let runs = 0

/** A transactional run and its coordinator, once it has written `records`. */
const startTransactional = async (produce: Produce) => {
  const transactionalId = `faults-tx-${Date.now().toString(36)}-${runs++}`
  const run = await produce([
    ...["--rate", "1000", "--count", "20000", "--transactional-id", transactionalId],
    ...["--transaction-size", "500", "--abort-rate", "0.1"],
  ])
  await reach(run, 3000)
  return { run, coordinator: await leaderOf("__transaction_state", coordinatorPartition(transactionalId)) }
}

/**
 * The run's end: exit 0, or 1 when a transaction failed (a request to the frozen node went
 * unanswered and the restarted producer could not finish it: its events failed, dead-lettered).
 */
const finished = async (run: Run) => {
  const exit = await run.producer.finished
  const summary = JSON.parse(readFileSync(run.summaryFile, "utf8")) as TransactionSummary
  expect(exit.code, exit.stderr.slice(-2000)).toBe(summary.failed > 0 ? 1 : 0)
  return { summary, figures: await verifyTransactions(run, summary) }
}

const noteOf = (summary: TransactionSummary, what: string) =>
  `${what}; transactions: ${summary.transactions.committed} committed, ${summary.transactions.aborted} ` +
  `aborted on purpose, ${summary.transactions.failed} failed`

export const transactionScenarios = (
  client: Client,
  produce: Produce,
  record: (result: Omit<Result, "client">) => void,
) => {
  if (client === "java") return
  test("23. kill -9 the transaction coordinator mid-run: committed events once each, aborted ones hidden", async () => {
    const { run, coordinator } = await startTransactional(produce)
    cluster("kill", String(coordinator))
    const recoverMs = await timeToGrow(run.topic)
    cluster("start", String(coordinator))
    const { summary, figures } = await finished(run)
    const note = noteOf(summary, `node ${coordinator} (the coordinator) killed, restarted`)
    record({ scenario: "23 kill -9 the transaction coordinator", figures, recoverMs, note })
  }, 300_000)

  test("24. SIGSTOP the transaction coordinator for 40 s: committed events once each, aborted ones hidden", async () => {
    const { run, coordinator } = await startTransactional(produce)
    const frozenAt = Date.now()
    cluster("pause", String(coordinator))
    let recoverMs: number
    try {
      recoverMs = await timeToGrow(run.topic)
      await Bun.sleep(Math.max(0, 40_000 - (Date.now() - frozenAt)))
    } finally {
      cluster("resume", String(coordinator))
    }
    const { summary, figures } = await finished(run)
    const note = noteOf(summary, `node ${coordinator} (the coordinator) frozen`)
    record({ scenario: "24 SIGSTOP the transaction coordinator 40 s", figures, recoverMs, note })
  }, 300_000)
}
