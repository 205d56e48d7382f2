import { describe, expect, test } from "bun:test"
import { fastestFirst, SeedOrder } from "../src/internal/seedOrder.js"

const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

describe("the seed order of a restarted producer", () => {
  test("fastestFirst: brokers in the order they answer; frozen (never answering) and refusing ones last, in their given order", async () => {
    const behaviour: Record<string, () => Promise<unknown>> = {
      "a:1": () => new Promise(() => {}), // frozen: accepts, never answers
      "b:2": () => after(40),
      "c:3": () => Promise.reject(new Error("connection refused")),
      "d:4": () => after(5),
    }
    const started = performance.now()
    const order = await fastestFirst(Object.keys(behaviour), (broker) => behaviour[broker]!(), 300)
    expect(order).toEqual(["d:4", "b:2", "a:1", "c:3"])
    // Waited for the frozen one only until the window ended.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
  })

  test("fastestFirst: done as soon as every broker has answered, not at the window's end", async () => {
    const started = performance.now()
    const order = await fastestFirst(["x:1", "y:2"], (broker) => after(broker === "x:1" ? 30 : 10), 10_000)
    expect(order).toEqual(["y:2", "x:1"])
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(await fastestFirst([], () => after(1), 10_000)).toEqual([])
  })

  test("SeedOrder (kafkajs): brokers whose requests timed out go last, the most recent very last", async () => {
    const seeds = new SeedOrder(["a:1", "b:2", "c:3"])
    expect(seeds.order()).toEqual(["a:1", "b:2", "c:3"])
    seeds.suspect("b:2")
    await after(2)
    seeds.suspect("a:1")
    expect(seeds.order()).toEqual(["c:3", "b:2", "a:1"])
  })
})
