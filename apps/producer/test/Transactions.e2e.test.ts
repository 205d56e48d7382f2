/**
 * Transactions against the real broker, with each client: a run of 20,000 events in transactions of
 * 500, a fifth aborted on purpose; read back by Java's console consumer (the independent reader)
 * under read_committed and read_uncommitted. Committed events are exactly the summary's delivered
 * ones, once each, and the truth's; aborted ones are visible only to read_uncommitted, all marked.
 * A second producer of the same transactional id fences the first, which stops with its commits intact.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Catalog, TransactionFate } from "@customer-events/events"
import { KafkaConfig } from "@customer-events/kafka"
import {
  bootstrap,
  expectedTruth,
  readAllWithJava,
  recordCount,
  runCommand,
  startInGroup,
  truthLines,
  uniqueTopic,
  until,
  withoutEmptyEnds,
} from "@customer-events/test-support"

const work = mkdtempSync(join(tmpdir(), "transactions-e2e-"))
const producer = ["bun", "run", "apps/producer"]
const inspector = ["bun", "run", "apps/inspector", "--no-progress"]
const count = (n: number) => n.toLocaleString("en-US")
const categoryOf = (id: string) => Catalog.productOf(id)!.category

afterAll(() => rmSync(work, { recursive: true, force: true }))

for (const client of KafkaConfig.clients)
  describe(`transactions (${client})`, () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap, KAFKA_CLIENT: client }

    test("20,000 events, transactions of 500, a fifth aborted: read_committed sees exactly the committed ones", async () => {
      const topic = uniqueTopic(`txn-${client}`)
      const summaryFile = join(work, `${topic}.json`)
      const truth = join(work, `${topic}.ndjson`)
      const run = await runCommand(
        [
          ...producer,
          ...["--topic", topic, "--create-topic", "--partitions", "3", "--count", "20000", "--seed", "5"],
          ...["--start-time", "2026-12-01T00:00:00Z", "--rate", "50", "--truth", truth],
          ...["--transactional-id", `tx-${topic}`, "--transaction-size", "500", "--abort-rate", "0.2"],
          ...["--summary-file", summaryFile, "--no-progress"],
        ],
        env,
      )
      expect(run.code, run.stderr).toBe(0)
      const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
      expect(summary.failed).toBe(0)
      expect(summary.delivered + summary.aborted).toBe(20_000)
      expect(summary.transactions.failed).toBe(0)
      expect(summary.transactions.aborted).toBeGreaterThan(0)
      expect(summary.transactions.committed + summary.transactions.aborted).toBeGreaterThanOrEqual(40)
      expect(run.stderr).toContain(`${summary.transactions.committed} committed`)

      const committed = await readAllWithJava(topic, "read_committed")
      expect(committed.length).toBe(summary.delivered)
      expect(committed.filter((r) => TransactionFate.isMarkedAbort(r.headers))).toEqual([])
      const events = committed.map((r) => JSON.parse(r.value))
      expect(new Set(events.map((e) => e.eventId)).size).toBe(summary.delivered)
      expect(withoutEmptyEnds(truthLines(readFileSync(truth, "utf8")))).toEqual(
        expectedTruth(events, 60_000, categoryOf),
      )

      const everything = await readAllWithJava(topic, "read_uncommitted")
      expect(everything.length).toBe(summary.delivered + summary.aborted)
      expect(everything.filter((r) => TransactionFate.isMarkedAbort(r.headers)).length).toBe(summary.aborted)

      // The inspector agrees, under both isolation levels; a summary that does not is named.
      const inspect = (isolation: string, summaryPath = summaryFile) =>
        runCommand(
          [
            ...inspector,
            "--topic",
            topic,
            "--summary",
            summaryPath,
            "--truth",
            truth,
            "--isolation",
            isolation,
          ],
          env,
        )
      const committedRead = await inspect("read_committed")
      expect(committedRead.code, committedRead.stdout + committedRead.stderr).toBe(0)
      expect(committedRead.stdout).toContain(
        `transactions (read_committed): ${count(summary.delivered)} committed records, 0 of aborted transactions`,
      )
      const uncommittedRead = await inspect("read_uncommitted")
      expect(uncommittedRead.code, uncommittedRead.stdout).toBe(0)
      expect(uncommittedRead.stdout).toContain(`${count(summary.aborted)} of aborted transactions`)
      const wrong = join(work, `${topic}-wrong.json`)
      writeFileSync(wrong, JSON.stringify({ ...summary, delivered: summary.delivered + 1 }))
      const differs = await inspect("read_committed", wrong)
      expect(differs.code).toBe(1)
      expect(differs.stdout).toContain(
        `DIFFERS: ${summary.delivered} committed records read, the run committed ${summary.delivered + 1}`,
      )
    })

    test("Ctrl-C: the open transaction is committed once its records are acknowledged; nothing lost", async () => {
      const topic = uniqueTopic(`txn-ctrlc-${client}`)
      const summaryFile = join(work, `${topic}.json`)
      const run = startInGroup(
        [
          ...producer,
          ...["--topic", topic, "--create-topic", "--rate", "2000", "--transactional-id", `tx-${topic}`],
          ...["--transaction-size", "1000", "--transaction-interval", "10s", "--summary-file", summaryFile],
          "--no-progress",
        ],
        env,
      )
      await until(async () => (await recordCount(topic)) >= 1000, "the first transaction's records")
      run.interrupt()
      const stopped = await run.finished
      expect(stopped.code, stopped.stderr).toBe(0)
      const summary = JSON.parse(readFileSync(summaryFile, "utf8"))
      expect(summary.stoppedBy).toBe("signal")
      expect([summary.failed, summary.aborted]).toEqual([0, 0])
      expect(summary.delivered).toBe(summary.generated)
      // Transactions of 1,000, the last one cut short by the stop and committed all the same.
      expect(summary.transactions.committed).toBe(Math.ceil(summary.generated / 1000))
      expect((await readAllWithJava(topic, "read_committed")).length).toBe(summary.delivered)
    })

    test("a second producer with the same transactional id fences the first: it stops, exit 1, its commits intact", async () => {
      const topic = uniqueTopic(`fence-${client}`)
      const id = ["--transactional-id", `tx-${topic}`, "--no-progress"]
      const [firstSummary, secondSummary] = [join(work, `${topic}-1.json`), join(work, `${topic}-2.json`)]
      const first = startInGroup(
        [
          ...producer,
          ...["--topic", topic, "--create-topic", "--rate", "500", "--duration", "60s"],
          ...["--transaction-size", "100", "--summary-file", firstSummary, ...id],
        ],
        env,
      )
      await until(async () => (await recordCount(topic)) >= 1000, "the first producer's first commits")
      const second = await runCommand(
        [
          ...producer,
          "--topic",
          topic,
          "--count",
          "200",
          "--rate",
          "max",
          "--summary-file",
          secondSummary,
          ...id,
        ],
        env,
      )
      expect(second.code, second.stderr).toBe(0)
      const stopped = await first.finished
      expect(stopped.code, stopped.stderr).toBe(1)
      expect(stopped.stderr).toContain(`fenced by a newer producer with transactional id "tx-${topic}"`)
      const [a, b] = [firstSummary, secondSummary].map((file) => JSON.parse(readFileSync(file, "utf8")))
      expect(a.generated).toBe(a.delivered + a.aborted + a.failed)
      expect(a.transactions.failed).toBeGreaterThanOrEqual(1)
      expect(a.delivered).toBeGreaterThanOrEqual(900)
      expect(b.delivered).toBe(200)
      const committed = (await readAllWithJava(topic, "read_committed")).map(
        (r) => JSON.parse(r.value).eventId,
      )
      expect(committed.length).toBe(a.delivered + b.delivered)
      expect(new Set(committed).size).toBe(committed.length)
    })
  })

test("a transaction flag without a transactional id is a usage error naming the flag", async () => {
  const run = await runCommand([...producer, "--count", "1", "--abort-rate", "0.2", "--no-progress"], {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
  })
  expect(run.code).toBe(2)
  expect(run.stderr).toContain("--abort-rate")
  expect(run.stderr).toContain("--transactional-id")
  expect(run.stderr).not.toContain("    at ")
})
