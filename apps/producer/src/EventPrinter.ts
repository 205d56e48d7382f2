/**
 * --print: each event on stdout as its batch is answered, like the original script's confirmation
 * per event. `text`: one readable line per event (time, type, customer, product, the figures that
 * matter for its type, then partition@offset or FAILED); `json`: NDJSON, the event with its status,
 * partition and offset. One write per batch; nothing at all when the flag is off.
 */
import type { CustomerEvent } from "@customer-events/events"
import { Effect } from "effect"
import type { Outcome } from "./DeliveryTarget.js"
import * as Runtime from "./Runtime.js"

export type PrintFormat = "text" | "json"
export const printFormats: ReadonlyArray<PrintFormat> = ["text", "json"]

const figures = (event: CustomerEvent.CustomerEvent): string => {
  switch (event.eventType) {
    case "productView":
      return `${event.metadata.category} via ${event.metadata.source}`
    case "addToCart":
      return `qty ${event.metadata.quantity}`
    case "purchase":
      return (
        `qty ${event.metadata.quantity}, ${event.metadata.totalAmount.toFixed(2)} by ` +
        `${event.metadata.paymentMethod}`
      )
    case "recommendationClick":
      return `-> ${event.metadata.recommendedProductId} (${event.metadata.algorithm})`
  }
}

const textLine = (event: CustomerEvent.CustomerEvent, where: string) =>
  `${event.timestamp}  ${event.eventType.padEnd(19)} ${event.customerId}  ${event.productId}  ` +
  `${figures(event)}  ${where}\n`

/** The lines of one outcome, in its records' order. */
export const format = (outcome: Outcome, as: PrintFormat): string => {
  let text = ""
  outcome.records.forEach((record, i) => {
    const event = record.event
    const placed = outcome._tag === "Delivered" ? outcome.metadata[i] : undefined
    // Records of a transaction aborted on purpose are in the topic, but never committed.
    const aborted = outcome._tag === "Delivered" && outcome.transaction === "aborted"
    if (as === "json") {
      const status =
        outcome._tag === "Delivered"
          ? {
              status: aborted ? "aborted" : "delivered",
              partition: placed?.partition ?? null,
              offset: placed?.offset ?? null,
            }
          : { status: "failed", error: outcome.error.message }
      text += `${JSON.stringify({ ...status, event })}\n`
    } else
      text += textLine(
        event,
        outcome._tag === "Failed"
          ? `FAILED: ${outcome.error.message}`
          : (placed === undefined ? "ok" : `p${placed.partition}@${placed.offset}`) +
              (aborted ? " ABORTED" : ""),
      )
  })
  return text
}

/** An outcome consumer that prints every event of each outcome to stdout. */
export const make = (as: PrintFormat) => {
  const writer = Runtime.stdout()
  return (outcome: Outcome): Effect.Effect<void> => Effect.promise(() => writer.write(format(outcome, as)))
}
