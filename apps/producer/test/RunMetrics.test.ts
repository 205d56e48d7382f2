import { describe, expect, test } from "bun:test"
import { ProducerMetrics } from "@customer-events/kafka"
import { Effect, Metric, Option } from "effect"
import * as RunMetrics from "../src/RunMetrics.js"
import { zero } from "../src/RunState.js"

const report = (answered: ReadonlyArray<number>, inFlight: number) => [zero, { answered, inFlight }] as const

describe("a worker's reports, mirrored by the parent (--workers)", () => {
  test("answered batches replay into its histograms exactly; the progress line's percentiles merge the workers", async () => {
    const topic = `mirror-${process.pid}`
    const labels = [1, 2].map((k) => ({ topic, client: "platformatic", instance: `${k}/2` }))
    const [one, two] = labels.map((l) => RunMetrics.publisher(l, { _tag: "Max" }))
    // Worker 1: 97 fast batches of 100 records (2 ms) and 3 slow ones (900 ms); worker 2: 100 at 3 ms.
    const fast = Array.from({ length: 97 }, () => [100, 2]).flat()
    await Effect.runPromise(one!(...report([...fast, 50, 900, 50, 900, 50, 900], 4)))
    await Effect.runPromise(two!(...report(Array.from({ length: 100 }, () => [10, 3]).flat(), 1)))
    const state = (metric: Metric.Histogram<number>, k: number) =>
      Effect.runSync(
        Metric.value(Metric.withAttributes(metric, { topic, client: "platformatic", instance: `${k}/2` })),
      )
    const size = state(ProducerMetrics.batchSize, 1)
    expect(size.count).toBe(100)
    expect(size.sum).toBe(97 * 100 + 3 * 50)
    expect(state(ProducerMetrics.ackLatencySeconds, 1).max).toBeCloseTo(0.9)
    expect(state(ProducerMetrics.batchSize, 2).sum).toBe(1000)
    // 200 batches: the median is a fast one (bucket up to 4 ms), the 99th percentile (the 198th) a slow one.
    const percentiles = Option.getOrThrow(Effect.runSync(RunMetrics.latencyOf(labels)))
    expect(percentiles.p50).toBeCloseTo(4)
    expect(percentiles.p99).toBeGreaterThanOrEqual(900)
    expect(Option.isNone(Effect.runSync(RunMetrics.latencyOf([{ topic: "none", client: "x" }])))).toBe(true)
  })
})
