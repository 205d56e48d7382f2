/** --print's formats, for delivered and failed batches. */
import { expect, test } from "bun:test"
import { EventClock, EventGenerator, EventRecord } from "@customer-events/events"
import { KafkaError } from "@customer-events/kafka"
import { Effect } from "effect"
import type { Outcome } from "../src/DeliveryTarget.js"
import * as EventPrinter from "../src/EventPrinter.js"

const records = Effect.runSync(
  Effect.map(
    EventGenerator.makeSeeded(9, {
      mode: "independent",
      clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00Z")),
    }),
    (generator) => EventRecord.fromEvents(generator.next(400).events),
  ),
)
const delivered: Outcome = {
  _tag: "Delivered",
  records,
  metadata: records.map((_, i) => ({ partition: i % 3, offset: String(i) })),
  retries: 0,
  latencyMs: 1,
}
const failed: Outcome = {
  _tag: "Failed",
  records,
  error: new KafkaError.KafkaRequestError({ reason: "broker said no", code: "", retriable: false }),
  retries: 2,
  latencyMs: 1,
}

test("text: one line per event with the figures of its type, then partition@offset or FAILED", () => {
  const lines = EventPrinter.format(delivered, "text").trimEnd().split("\n")
  expect(lines).toHaveLength(400)
  lines.forEach((line, i) => {
    const event = JSON.parse(String(records[i]!.value))
    expect(line.startsWith(`${event.timestamp}  ${event.eventType}`)).toBe(true)
    expect(line).toContain(`${event.customerId}  ${event.productId}`)
    expect(line.endsWith(`p${i % 3}@${i}`)).toBe(true)
    if (event.eventType === "purchase")
      expect(line).toContain(`qty ${event.metadata.quantity}, ${event.metadata.totalAmount.toFixed(2)} by`)
    if (event.eventType === "recommendationClick")
      expect(line).toContain(`-> ${event.metadata.recommendedProductId}`)
  })
  for (const line of EventPrinter.format(failed, "text").trimEnd().split("\n"))
    expect(line.endsWith("FAILED: broker said no")).toBe(true)
})

test("json: the event itself, with its status and where it landed (or the error)", () => {
  const lines = EventPrinter.format(delivered, "json")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l))
  lines.forEach((line, i) => {
    expect(line).toEqual({
      status: "delivered",
      partition: i % 3,
      offset: String(i),
      event: JSON.parse(String(records[i]!.value)),
    })
  })
  const failures = EventPrinter.format(failed, "json")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l))
  expect(failures[0]).toEqual({
    status: "failed",
    error: "broker said no",
    event: JSON.parse(String(records[0]!.value)),
  })
})
