/**
 * Transactions under coordinator faults (scenarios 23, 24), with each of the app's clients (Java's
 * VerifiableProducer writes no transactions). The coordinator of the run's transactional id (the
 * leader of its `__transaction_state` partition; the second id, ID.2, may have another) is killed,
 * or frozen for 40 s, mid-run. And fencing (25): a second run with the same id mid-run. Read back
 * by Java's console consumer: under read_committed every committed event once, none of an aborted
 * or failed transaction; the summary adds up (generated = delivered + aborted + failed).
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

/**
 * The topic read under both isolation levels against what the seed generated and the run reported;
 * `others`: committed records of another run (a fencing producer), counted apart.
 */
const verifyTransactions = async (run: Run, summary: TransactionSummary, others = 0) => {
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
    if (!rank.has(idOf(record))) continue
    const r = rank.get(idOf(record))!
    const key = generated[r]?.key ?? ""
    if (!seen.has(idOf(record)) && r < (lastRank.get(key) ?? -1)) orderViolations++
    seen.add(idOf(record))
    lastRank.set(key, r)
  }
  const checks = {
    sum: summary.generated === summary.delivered + summary.aborted + summary.failed,
    deadLettered: summary.failed === summary.deadLettered,
    committed: committed.length === summary.delivered + others,
    // Marked records of a transaction meant to abort that failed count as failed (dead-lettered).
    aborted: [...aborted].filter((id) => !deadLettered.has(id)).length === summary.aborted,
  }
  const figures: Figures = {
    generated: summary.generated,
    delivered: summary.delivered,
    deadLettered: summary.deadLettered,
    lost: generated.filter(
      (e) => !deadLettered.has(e.eventId) && !aborted.has(e.eventId) && !seen.has(e.eventId),
    ).length,
    duplicates: committed.length - seen.size - others,
    orderViolations,
    summaryAddsUp: Object.values(checks).every(Boolean),
  }
  expect(checks).toEqual({ sum: true, deadLettered: true, committed: true, aborted: true })
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
  const coordinator = await leaderOf("__transaction_state", coordinatorPartition(transactionalId))
  return { run, transactionalId, coordinator }
}

/**
 * The run's end: exit 0, or 1 when a transaction failed (a request to the frozen node went
 * unanswered and the restarted producer could not finish it: its events failed, dead-lettered).
 */
const finished = async (run: Run) => {
  const exit = await run.producer.finished
  const summary = summaryOf(run.summaryFile)
  expect(exit.code, exit.stderr.slice(-2000)).toBe(summary.failed > 0 ? 1 : 0)
  return { summary, figures: await verifyTransactions(run, summary) }
}

const summaryOf = (file: string) => JSON.parse(readFileSync(file, "utf8")) as TransactionSummary

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

  test("25. a second producer with the same transactional id mid-run: the first fenced, stops; nothing lost or twice", async () => {
    const { run, transactionalId } = await startTransactional(produce)
    const secondSummary = `${run.summaryFile}.second.json`
    const second = await produce(
      [
        ...["--rate", "max", "--count", "2000", "--transactional-id", transactionalId],
        ...["--summary-file", secondSummary, "--dead-letter-file", `${run.deadLetterFile}.second`],
      ],
      { topic: run.topic },
    )
    const secondExit = await second.producer.finished
    expect(secondExit.code, secondExit.stderr.slice(-2000)).toBe(0)
    const exit = await run.producer.finished
    expect(exit.code).toBe(1)
    expect(exit.stderr).toContain(`fenced by a newer producer with transactional id "${transactionalId}"`)
    const [summary, newer] = [summaryOf(run.summaryFile), summaryOf(secondSummary)]
    expect(newer.delivered).toBe(2000)
    const figures = await verifyTransactions(run, summary, newer.delivered)
    const note = noteOf(summary, `fenced by a second run of the id (2,000 events committed)`)
    record({ scenario: "25 a second producer of the transactional id (fencing)", figures, note })
  }, 300_000)
}
