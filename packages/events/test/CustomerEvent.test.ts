import { describe, expect, test } from "bun:test"
import { Either } from "effect"
import { CustomerEvent } from "../src/index.js"
import { badCases, valid, withField } from "./fixtures.js"

const errorOf = (input: unknown): string => {
  const result = CustomerEvent.decode(input)
  if (Either.isRight(result)) throw new Error(`expected a decode error for ${JSON.stringify(input)}`)
  return result.left.message
}

describe("CustomerEvent", () => {
  test("accepts one valid event of each type, and its JSON round-trips byte for byte", () => {
    for (const event of Object.values(valid)) {
      const json = JSON.stringify(event)
      const decoded = CustomerEvent.decodeJson(json)
      expect(Either.getOrThrow(decoded)).toEqual(event as never)
      expect(CustomerEvent.encodeJson(Either.getOrThrow(decoded))).toBe(json)
    }
  })

  for (const [name, base, path, value, message] of badCases) {
    test(`rejects ${name} naming the path`, () => {
      expect(errorOf(withField(base, path, value))).toContain(message)
    })
  }

  test("rejects non-JSON and non-objects", () => {
    const notJson = CustomerEvent.decodeJson("{oops")
    expect(Either.isLeft(notJson) && notJson.left.message).toStartWith("not JSON:")
    expect(errorOf(42)).toContain("Expected")
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
