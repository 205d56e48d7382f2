/** Stream logic with the TestClock and an in-memory producer: pacing, stopping, draining, accounting. */
import { describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CustomerEvent, EventFormat, Pacing, WireFormat } from "@customer-events/events"
import { KafkaError } from "@customer-events/kafka"
import { Effect, Result } from "effect"
import { advance, advanceUntilDone, runTest, start } from "./runHarness.js"

describe("Run with the in-memory producer", () => {
  test("--rate N holds the mean rate in real (test-clock) time", async () => {
    const figures = await runTest(
      Effect.gen(function* () {
        const run = yield* start({ pacing: Pacing.Pacing.Rate({ perSecond: 5000 }), durationMs: 3_000 })
        yield* advanceUntilDone(run.fiber, "50 millis")
        return run.state.figures
      }),
    )
    expect(Math.abs(figures.generated - 15_000) / 15_000).toBeLessThan(0.02)
    expect(figures.delivered).toBe(figures.generated)
  })

  test("--interval MIN..MAX paces between its bounds (mean (MIN+MAX)/2)", async () => {
    const { state, log } = await runTest(
      Effect.gen(function* () {
        const run = yield* start({
          pacing: Pacing.Pacing.Interval({ minMs: 100, maxMs: 1000 }),
          durationMs: 120_000,
        })
        yield* advanceUntilDone(run.fiber, "1 second")
        return run
      }),
    )
    // 120 s at a mean pause of 550 ms: about 218 events.
    expect(state.figures.generated).toBeGreaterThan(190)
    expect(state.figures.generated).toBeLessThan(250)
    const times = log.records.map((r) => Number(r.record.timestamp))
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(99)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1001)
  })

  test("stops at --count, every event delivered", async () => {
    const summary = await runTest(
      Effect.gen(function* () {
        const run = yield* start({ pacing: Pacing.Pacing.Max(), count: 12_345 })
        return yield* advanceUntilDone(run.fiber, "5 millis")
      }),
    )
    expect(summary).toMatchObject({ generated: 12_345, delivered: 12_345, failed: 0, stoppedBy: "count" })
  })

  test("stops at --duration, in event time when a start time is given", async () => {
    const summary = await runTest(
      Effect.gen(function* () {
        const run = yield* start({
          pacing: Pacing.Pacing.Rate({ perSecond: 10 }),
          durationMs: 3_600_000,
          startTime: Date.parse("2026-11-30T00:00:00.000Z"),
        })
        return yield* advanceUntilDone(run.fiber, "5 millis")
      }),
    )
    // One hour of event time at 10/s: about 36,000 events, generated at full speed.
    expect(Math.abs(summary.generated - 36_000) / 36_000).toBeLessThan(0.03)
    expect(summary.stoppedBy).toBe("duration")
    expect(summary.delivered).toBe(summary.generated)
  })

  test("a stop ends generation at once and drains in-flight batches: generated = delivered", async () => {
    const result = await runTest(
      Effect.gen(function* () {
        const run = yield* start({ pacing: Pacing.Pacing.Rate({ perSecond: 5000 }), latency: "300 millis" })
        yield* advance("2 seconds", "50 millis")
        run.control.stop("signal")
        const generatedAtStop = run.state.figures.generated
        const pendingAtStop = run.state.pending
        const summary = yield* advanceUntilDone(run.fiber, "50 millis")
        return { summary, generatedAtStop, pendingAtStop }
      }),
    )
    expect(result.pendingAtStop).toBeGreaterThan(0)
    expect(result.summary.generated).toBe(result.generatedAtStop)
    expect(result.summary.delivered).toBe(result.summary.generated)
    expect(result.summary.stoppedBy).toBe("signal")
  })

  test("after the drain timeout, unanswered events count as failed and are dead-lettered", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "run-")), "dead.ndjson")
    const summary = await runTest(
      Effect.gen(function* () {
        const run = yield* start({
          pacing: Pacing.Pacing.Rate({ perSecond: 1000 }),
          latency: "1 hour",
          drainTimeout: "2 seconds",
          deadLetterFile: file,
        })
        yield* advance("1 second", "5 millis")
        run.control.stop("signal")
        return yield* advanceUntilDone(run.fiber, "10 millis")
      }),
    )
    expect(summary.generated).toBeGreaterThan(500)
    expect(summary.delivered).toBe(0)
    expect(summary.failed).toBe(summary.generated)
    expect(summary.deadLettered).toBe(summary.failed)
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(summary.failed)
  })

  test("failed batches are counted and dead-lettered; the stream goes on", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "run-")), "dead.ndjson")
    let batches = 0
    const summary = await runTest(
      Effect.gen(function* () {
        const run = yield* start({
          pacing: Pacing.Pacing.Max(),
          count: 5000,
          deadLetterFile: file,
          fail: () =>
            batches++ % 3 === 1
              ? new KafkaError.KafkaTimeoutError({ operation: "delivery of a batch", timeoutMs: 1 })
              : undefined,
        })
        return yield* advanceUntilDone(run.fiber, "5 millis")
      }),
    )
    expect(summary.failed).toBeGreaterThan(0)
    expect(summary.delivered + summary.failed).toBe(5000)
    expect(summary.deadLettered).toBe(summary.failed)
    const lines = readFileSync(file, "utf8").trim().split("\n")
    expect(lines).toHaveLength(summary.failed)
    expect(JSON.parse(lines[0]!).eventId).toBeString()
  })

  test("in a registry format: the wire bytes go to Kafka, the dead-letter file gets the events as JSON", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "run-")), "dead.ndjson")
    let batches = 0
    const values = { contentType: EventFormat.contentTypes.avro, encode: WireFormat.encoder("avro", 7) }
    const { summary, log } = await runTest(
      Effect.gen(function* () {
        const run = yield* start({
          pacing: Pacing.Pacing.Max(),
          count: 3000,
          deadLetterFile: file,
          values,
          fail: () =>
            batches++ % 2 === 1
              ? new KafkaError.KafkaTimeoutError({ operation: "delivery of a batch", timeoutMs: 1 })
              : undefined,
        })
        return { summary: yield* advanceUntilDone(run.fiber, "5 millis"), log: run.log }
      }),
    )
    expect(summary.failed).toBeGreaterThan(0)
    expect(summary.delivered + summary.failed).toBe(3000)
    const codec = EventFormat.payloadCodec("avro")
    expect(log.records.length).toBe(summary.delivered)
    for (const { record } of log.records) {
      expect(record.headers?.["content-type"]).toBe("application/vnd.confluent.avro")
      const framed = Result.getOrThrow(WireFormat.read(record.value as Buffer, "avro"))
      expect(framed.schemaId).toBe(7)
      expect(Result.isSuccess(EventFormat.decodePayload(codec, framed.payload))).toBe(true)
    }
    const lines = readFileSync(file, "utf8").trim().split("\n")
    expect(lines).toHaveLength(summary.failed)
    for (const line of lines) expect(Result.isSuccess(CustomerEvent.decodeJson(line))).toBe(true)
  })

  test("a fatal error stops the run; everything generated is still accounted for", async () => {
    const summary = await runTest(
      Effect.gen(function* () {
        const run = yield* start({
          pacing: Pacing.Pacing.Rate({ perSecond: 2000 }),
          fail: () => new KafkaError.KafkaAuthorizationError({ reason: "TOPIC_AUTHORIZATION_FAILED" }),
        })
        return yield* advanceUntilDone(run.fiber, "5 millis")
      }),
    )
    expect(summary.stoppedBy).toBe("error")
    expect(summary.error).toContain("not authorized")
    expect(summary.generated).toBeGreaterThan(0)
    expect(summary.failed).toBe(summary.generated)
  })
})
