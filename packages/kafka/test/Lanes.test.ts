/**
 * The lanes' stream logic over scripted clients (no broker: the real clients are tested against it
 * in KafkaProducer.test.ts): requests overlap up to maxInFlight, each partition's go one after
 * another, a failed request is resent before any later one of its partitions, and the buffer
 * memory holds generation back.
 */
import { describe, expect, test } from "bun:test"
import { Effect, Result, Stream } from "effect"
import { KafkaConfig, KafkaError } from "../src/index.js"
import { InFlight } from "../src/internal/inFlight.js"
import { deliverThroughLanes, Lanes, splitByLane } from "../src/internal/lanes.js"
import type { PartitionAnswer, ProducerClient } from "../src/internal/ProducerClient.js"
import { type PartitionBatch, partitionOfKey } from "../src/internal/partitioner.js"

interface Script {
  /** What each partition received, in order, across every client. */
  readonly written: Map<number, Array<number>>
  readonly clients: Array<number>
  inFlight: number
  maxInFlight: number
  /** The most records a partition batch held. */
  largestBatch: number
  /** The partitions whose first request fails (retriable), once each. */
  readonly failOnce: Set<number>
}

const retriable = (cause: unknown) =>
  new KafkaError.KafkaRequestError({ reason: String(cause), code: "NOT_LEADER", retriable: true })

/** A client that answers after a few milliseconds, tracking what overlaps and what each partition got. */
const scriptedClient = (script: Script, answerMs = 3, roundTripMs = 0): Effect.Effect<ProducerClient> =>
  Effect.sync(() => {
    script.clients.push(script.clients.length)
    const send = async (_topic: string, parts: ReadonlyArray<PartitionBatch>) => {
      script.inFlight++
      script.maxInFlight = Math.max(script.maxInFlight, script.inFlight)
      await new Promise((resolve) => setTimeout(resolve, answerMs))
      script.inFlight--
      return parts.map((part): PartitionAnswer => {
        script.largestBatch = Math.max(script.largestBatch, part.records.length)
        if (script.failOnce.delete(part.partition)) return { partition: part.partition, error: "not leader" }
        const log = script.written.get(part.partition) ?? []
        script.written.set(part.partition, log)
        const baseOffset = String(log.length)
        for (const record of part.records) log.push(JSON.parse(record.value as string).i)
        return { partition: part.partition, baseOffset }
      })
    }
    return {
      partitionCount: async () => 6,
      roundTrip: () => new Promise((resolve) => setTimeout(resolve, roundTripMs)),
      send,
      identity: () => undefined,
      begin: async () => {},
      claim: async () => {},
      end: async () => {},
      restart: () => Effect.void,
      classify: retriable,
      close: Effect.void,
    }
  })

const config = (settings: KafkaConfig.Settings) =>
  Result.getOrThrow(KafkaConfig.make({ retryInitialMs: 1, retryMaxMs: 2, lingerMs: 0, ...settings }))

const records = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `customer-${i % 40}`, value: JSON.stringify({ i }) }))

const run = (settings: KafkaConfig.Settings, script: Script, n = 3000) => {
  const c = config(settings)
  const lanes = new Lanes(c, () => scriptedClient(script), new InFlight())
  const deliver = deliverThroughLanes(c, lanes, { ...c, batchesPerRequest: 4 })
  return Effect.runPromise(
    Effect.scoped(
      Stream.runCollect(deliver("events", Stream.fromIterable(records(n)).pipe(Stream.rechunk(100)))),
    ),
  )
}

const newScript = (failOnce: ReadonlyArray<number> = []): Script => ({
  written: new Map(),
  clients: [],
  inFlight: 0,
  maxInFlight: 0,
  largestBatch: 0,
  failOnce: new Set(failOnce),
})

describe("lanes: requests in flight with order kept", () => {
  test("splitByLane sends a key through its partition's lane, keyless records round-robin", () => {
    const batch = [
      { key: "a", value: "0" },
      { key: null, value: "1" },
      { key: "ab", value: "2" },
      { key: null, value: "3" },
    ]
    const next = { value: 0 }
    const lanes = splitByLane(batch, 6, 4, next)
    expect(lanes.flat()).toHaveLength(4)
    expect(lanes[partitionOfKey("a", 6) % 4]).toContain(batch[0]!)
    expect(lanes[partitionOfKey("ab", 6) % 4]).toContain(batch[2]!)
    expect(lanes[0]).toContain(batch[1]!)
    expect(lanes[1]).toContain(batch[3]!)
    expect(next.value).toBe(2)
  })

  test("up to maxInFlight lanes overlap; every record once, each partition in order, despite a retry", async () => {
    const script = newScript([0, 3])
    const outcomes = await run({ maxInFlight: 5, batchMaxRecords: 50 }, script)
    expect(outcomes.every((o) => o._tag === "Delivered")).toBe(true)
    expect(outcomes.reduce((n, o) => n + o.records.length, 0)).toBe(3000)
    expect(script.clients).toHaveLength(5)
    expect(script.maxInFlight).toBeGreaterThan(1)
    expect(script.maxInFlight).toBeLessThanOrEqual(5)
    expect(script.failOnce.size).toBe(0)
    const all = [...script.written.values()].flat().sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: 3000 }, (_, i) => i))
    for (const [, log] of script.written) expect(log).toEqual([...log].sort((a, b) => a - b))
  })

  for (const [roundTripMs, expected] of [
    [0, 1],
    [30, 5],
  ] as const)
    test(`max.in.flight not set: ${expected} in flight at a ${roundTripMs} ms round trip`, async () => {
      const script = newScript()
      const c = Result.getOrThrow(KafkaConfig.make({ lingerMs: 0, batchMaxRecords: 50 }))
      expect(c.maxInFlightByRoundTrip).toBe(true)
      const lanes = new Lanes(c, () => scriptedClient(script, 3, roundTripMs), new InFlight())
      const deliver = deliverThroughLanes(c, lanes, { ...c, batchesPerRequest: 4 })
      const outcomes = await Effect.runPromise(
        Effect.scoped(Stream.runCollect(deliver("events", Stream.fromIterable(records(1000))))),
      )
      expect(outcomes.reduce((n, o) => n + o.records.length, 0)).toBe(1000)
      expect(script.clients).toHaveLength(expected)
    })

  for (const [roundTripMs, largest] of [
    [0, 1000],
    [30, 4000],
  ] as const)
    test(`batch.num.messages not set: partition batches of up to ${largest} at a ${roundTripMs} ms round trip`, async () => {
      const script = newScript()
      const c = Result.getOrThrow(KafkaConfig.make({ lingerMs: 0, maxInFlight: 1 }))
      expect(c.batchSizeByRoundTrip).toBe(true)
      const lanes = new Lanes(c, () => scriptedClient(script, 3, roundTripMs), new InFlight())
      const deliver = deliverThroughLanes(c, lanes, { ...c, batchesPerRequest: 4 })
      const outcomes = await Effect.runPromise(
        Effect.scoped(Stream.runCollect(deliver("events", Stream.fromIterable(records(60_000))))),
      )
      expect(outcomes.reduce((n, o) => n + o.records.length, 0)).toBe(60_000)
      // 60,000 records on 6 partitions in one lane: the requests fill their batches to the limit.
      expect(script.largestBatch).toBe(largest)
    })

  test("one request in flight with --max-in-flight 1: one client, never two requests at once", async () => {
    const script = newScript([2])
    const outcomes = await run({ maxInFlight: 1, batchMaxRecords: 50 }, script, 1000)
    expect(outcomes.reduce((n, o) => n + o.records.length, 0)).toBe(1000)
    expect(script.clients).toHaveLength(1)
    expect(script.maxInFlight).toBe(1)
    for (const [, log] of script.written) expect(log).toEqual([...log].sort((a, b) => a - b))
  })

  test("no more lanes than partitions, and the buffer memory bounds what waits (generation is held back)", async () => {
    const script = newScript()
    let pulled = 0
    const c = config({ maxInFlight: 10, batchMaxRecords: 1000, bufferMemory: 64 * 1024 })
    const lanes = new Lanes(c, () => scriptedClient(script, 30), new InFlight())
    const deliver = deliverThroughLanes(c, lanes, { ...c, batchesPerRequest: 4 })
    const source = Stream.fromIterable(records(6000)).pipe(
      Stream.rechunk(10),
      Stream.tap(() => Effect.sync(() => pulled++)),
    )
    let maxAhead = 0
    let done = 0
    await Effect.runPromise(
      Effect.scoped(
        Stream.runForEach(deliver("events", source), (outcome) =>
          Effect.sync(() => {
            done += outcome.records.length
            maxAhead = Math.max(maxAhead, pulled - done)
          }),
        ),
      ),
    )
    expect(done).toBe(6000)
    expect(script.clients).toHaveLength(6)
    // 64 KB of records of about 45 bytes each: some 1,500 waiting or in flight (the lanes alone would
    // take thousands: a queue of 1,000 and requests of up to 4,000 each).
    expect(maxAhead).toBeLessThan(1600)
  })
})
