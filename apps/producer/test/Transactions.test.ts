/**
 * Transactions' stream logic with the in-memory producer: grouping by size, fates, accounting
 * (generated = delivered + aborted + failed), failed transactions dead-lettered whole; and the
 * transaction flags' parsing.
 */
import { describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Pacing } from "@customer-events/events"
import { KafkaError } from "@customer-events/kafka"
import { Effect } from "effect"
import * as Cli from "../src/Cli.js"
import { advanceUntilDone, runTest, start } from "./runHarness.js"

const inTransactions = (abortRate: number) => ({ size: 500, intervalMs: 1000, abortRate })

describe("a run in transactions (in-memory producer)", () => {
  test("5,000 events in transactions of 500, some aborted: each counted once, by its transaction's end", async () => {
    const { summary, log } = await runTest(
      Effect.gen(function* () {
        const run = yield* start({
          pacing: Pacing.Pacing.Max(),
          count: 5000,
          transactions: inTransactions(0.3),
        })
        return { summary: yield* advanceUntilDone(run.fiber, "5 millis"), log: run.log }
      }),
    )
    const { committed, aborted, failed } = summary.transactions
    expect(committed + aborted).toBe(10)
    expect(aborted).toBeGreaterThan(0)
    expect(failed).toBe(0)
    expect(summary.aborted).toBe(500 * aborted)
    expect(summary.delivered).toBe(500 * committed)
    expect(summary.generated).toBe(summary.delivered + summary.aborted + summary.failed)
    // Every record reached the log (as Kafka keeps aborted ones), those of aborted ones marked.
    const marked = log.records.filter(({ record }) => record.headers?.["txn-fate"] === "abort")
    expect([log.records.length, marked.length]).toEqual([5000, summary.aborted])
  })

  test("the same seed draws the same fates; without --abort-rate every transaction commits", async () => {
    const fates = (abortRate: number) =>
      runTest(
        Effect.gen(function* () {
          const run = yield* start({
            pacing: Pacing.Pacing.Max(),
            count: 5000,
            transactions: inTransactions(abortRate),
          })
          return (yield* advanceUntilDone(run.fiber, "5 millis")).transactions
        }),
      )
    expect(await fates(0.5)).toEqual(await fates(0.5))
    expect(await fates(0)).toEqual({ committed: 10, aborted: 0, failed: 0 })
  })

  test("a transaction that fails counts all of its events failed, dead-lettered; the run goes on", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "txn-")), "dead.ndjson")
    let sends = 0
    const summary = await runTest(
      Effect.gen(function* () {
        const run = yield* start({
          pacing: Pacing.Pacing.Max(),
          count: 5000,
          deadLetterFile: file,
          transactions: inTransactions(0),
          fail: () =>
            sends++ % 4 === 1
              ? new KafkaError.KafkaTimeoutError({ operation: "delivery of a batch", timeoutMs: 1 })
              : undefined,
        })
        return yield* advanceUntilDone(run.fiber, "5 millis")
      }),
    )
    expect(summary.transactions.failed).toBeGreaterThan(0)
    expect(summary.failed).toBe(500 * summary.transactions.failed)
    expect(summary.delivered).toBe(500 * summary.transactions.committed)
    expect(summary.generated).toBe(5000)
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(summary.failed)
  })
})

describe("transaction flags", () => {
  const run = (...args: Array<string>) => {
    const command = Cli.parse(args, {})
    if (command._tag !== "Run") throw new Error("expected a run")
    return command.options
  }

  test("defaults: 1,000 events or 1 s, nothing aborted", () => {
    expect(run().transactions).toEqual({ size: 1000, intervalMs: 1000, abortRate: 0, given: [] })
  })

  test("bad values name their flag", () => {
    expect(() => run("--transaction-size", "0")).toThrow("--transaction-size")
    expect(() => run("--abort-rate", "1.5")).toThrow("--abort-rate")
    expect(() => run("--transaction-interval", "soon")).toThrow("--transaction-interval")
    expect(run("--abort-rate", "0.2", "--transaction-size", "10").transactions.given).toEqual([
      "--transaction-size",
      "--abort-rate",
    ])
  })
})
