import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { CustomerEvent } from "../src/index.js"
import { badCases, valid, withField } from "./fixtures.js"

const errorOf = (input: unknown): string => {
  const result = CustomerEvent.decode(input)
  if (Result.isSuccess(result)) throw new Error(`expected a decode error for ${JSON.stringify(input)}`)
  return result.failure.message
}

describe("CustomerEvent", () => {
  test("accepts one valid event of each type, and its JSON round-trips byte for byte", () => {
    for (const event of Object.values(valid)) {
      const json = JSON.stringify(event)
      const decoded = CustomerEvent.decodeJson(json)
      expect(Result.getOrThrow(decoded)).toEqual(event as never)
      expect(CustomerEvent.encodeJson(Result.getOrThrow(decoded))).toBe(json)
    }
  })

  for (const [name, base, path, value, message] of badCases) {
    test(`rejects ${name} naming the path`, () => {
      expect(errorOf(withField(base, path, value))).toContain(message)
    })
  }

  test("rejects non-JSON and non-objects", () => {
    const notJson = CustomerEvent.decodeJson("{oops")
    expect(Result.isFailure(notJson) && notJson.failure.message).toStartWith("not JSON:")
    expect(errorOf(42)).toBe("expected CustomerEvent, got 42")
  })

  test("JSON Schema describes the four event types and their required metadata", () => {
    const schema = CustomerEvent.jsonSchema() as unknown as Record<string, unknown>
    const text = JSON.stringify(schema)
    for (const type of CustomerEvent.eventTypes) expect(text).toContain(`"${type}"`)
    expect(text).toContain('"totalAmount"')
    expect(text).toContain('"recommendedProductId"')
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#")
  })
})
