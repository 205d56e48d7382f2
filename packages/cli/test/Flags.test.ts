import { describe, expect, test } from "bun:test"
import { Flags } from "../src/index.js"

const errorOf = (f: () => unknown) => {
  try {
    f()
  } catch (error) {
    if (error instanceof Flags.UsageError) return error.message
    throw error
  }
  throw new Error("expected a UsageError")
}

describe("Flags", () => {
  test("an unknown flag, or a missing value, is an error naming the flag", () => {
    const options = { count: { type: "string" } } as const
    expect(errorOf(() => Flags.parse(["--bogus"], options))).toBe("--bogus: Unknown option '--bogus'")
    expect(errorOf(() => Flags.parse(["--count"], options))).toStartWith(
      "--count: Option '--count <value>' argument missing",
    )
    expect(Flags.parse(["--count", "3", "extra"], options)).toMatchObject({
      values: { count: "3" },
      positionals: ["extra"],
    })
  })

  test("durations need a unit", () => {
    expect(Flags.durationMs("--d", "1.5s")).toBe(1500)
    expect(Flags.durationMs("--d", "2h")).toBe(7_200_000)
    expect(Flags.durationMs("--d", "0")).toBe(0)
    expect(errorOf(() => Flags.durationMs("--d", "10"))).toBe(
      '--d: expected a duration such as 500ms, 10s, 5m or 1h, got "10"',
    )
  })

  test("whole numbers, choices, instants and topics name the flag and show the value", () => {
    expect(Flags.whole("--n", "42", 1)).toBe(42)
    expect(errorOf(() => Flags.whole("--n", "4.2", 1))).toBe(
      '--n: expected a whole number from 1 up, got "4.2"',
    )
    expect(errorOf(() => Flags.whole("--n", "11", 1, 10))).toBe(
      '--n: expected a whole number from 1 to 10, got "11"',
    )
    expect(errorOf(() => Flags.oneOf("--m", "x", ["a", "b"]))).toBe('--m: expected one of a, b, got "x"')
    expect(Flags.instant("--t", "2026-11-30T00:00:00Z")).toBe(Date.parse("2026-11-30T00:00:00Z"))
    expect(errorOf(() => Flags.instant("--t", "now"))).toContain("--t: expected an ISO-8601 instant")
    expect(Flags.topic(undefined, { KAFKA_TOPIC: "orders" }, "fallback")).toBe("orders")
    expect(Flags.topic(undefined, { KAFKA_TOPIC: "" }, "fallback")).toBe("fallback")
    expect(errorOf(() => Flags.topic(undefined, { KAFKA_TOPIC: "a b" }, "x"))).toStartWith(
      "KAFKA_TOPIC: expected a Kafka topic name",
    )
  })
})
