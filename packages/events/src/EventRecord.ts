/**
 * The Kafka record of an event (DESIGN.md "The Kafka record"): key = customerId, value = the event
 * JSON, headers, record timestamp = event time. A plain shape, so this package needs no Kafka client.
 */
import * as Anomaly from "./Anomaly.js"
import { type CustomerEvent, encodeJson, schemaVersion } from "./CustomerEvent.js"

export interface EventRecord {
  readonly key: string
  readonly value: string
  readonly headers: Readonly<Record<string, string>>
  /** Epoch milliseconds as a decimal string, as Kafka clients take it. */
  readonly timestamp: string
}

export const headerNames = {
  eventType: "event-type",
  eventId: "event-id",
  contentType: "content-type",
  schemaVersion: "schema-version",
} as const

export const fromEvent = (event: CustomerEvent): EventRecord => ({
  key: event.customerId,
  value: encodeJson(event),
  headers: {
    [headerNames.eventType]: event.eventType,
    [headerNames.eventId]: event.eventId,
    [headerNames.contentType]: "application/json",
    [headerNames.schemaVersion]: schemaVersion,
  },
  timestamp: String(Date.parse(event.timestamp)),
})

/**
 * Encodes a batch once, on the way to the producer. `anomalies` (parallel to events) labels the
 * records an anomaly episode produced with the header `anomaly: KIND`.
 */
export const fromEvents = (
  events: ReadonlyArray<CustomerEvent>,
  anomalies?: ReadonlyArray<Anomaly.Kind | undefined>,
): Array<EventRecord> => {
  const out = new Array<EventRecord>(events.length)
  for (let i = 0; i < events.length; i++) {
    const record = fromEvent(events[i]!)
    const kind = anomalies?.[i]
    out[i] =
      kind === undefined ? record : { ...record, headers: { ...record.headers, [Anomaly.headerName]: kind } }
  }
  return out
}
