/**
 * The Kafka record of an event (DESIGN.md "The Kafka record"): key = customerId, value = the event
 * JSON, headers, record timestamp = event time. A plain shape, so this package needs no Kafka client.
 */
import type { Buffer } from "node:buffer"
import * as Anomaly from "./Anomaly.js"
import { type CustomerEvent, encodeJson, schemaVersion } from "./CustomerEvent.js"
import * as EventFormat from "./EventFormat.js"

export interface EventRecord {
  readonly key: string
  /** The event's JSON, or its bytes in a registry format (WireFormat). */
  readonly value: string | Buffer
  readonly headers: Readonly<Record<string, string>>
  /** Epoch milliseconds as a decimal string, as Kafka clients take it. */
  readonly timestamp: string
}

export const headerNames = {
  eventType: "event-type",
  eventId: "event-id",
  contentType: "content-type",
  schemaVersion: "schema-version",
  /** "I/N" on the records of one of several instances (--instance, --workers). */
  instance: "instance",
} as const

/** A record with the event it encodes, for whoever handles its outcome (the event itself is not sent). */
export interface Encoded extends EventRecord {
  readonly event: CustomerEvent
}

/**
 * How a batch's values are written: JSON by default; `WireFormat.encoder` for a registry format. The
 * values come back in the events' order.
 */
export interface ValueEncoder {
  readonly contentType: string
  /** Events, or a reference topic's entities: their values in order. */
  readonly encode: (values: ReadonlyArray<object>) => ReadonlyArray<Buffer>
}

const encode = (
  event: CustomerEvent,
  anomaly: Anomaly.Kind | undefined,
  instance: string | undefined,
  value: string | Buffer,
  contentType: string,
  version: string,
): Encoded => {
  const headers: Record<string, string> = {
    [headerNames.eventType]: event.eventType,
    [headerNames.eventId]: event.eventId,
    [headerNames.contentType]: contentType,
    [headerNames.schemaVersion]: version,
  }
  if (anomaly !== undefined) headers[Anomaly.headerName] = anomaly
  if (instance !== undefined) headers[headerNames.instance] = instance
  return {
    key: event.customerId,
    value,
    headers,
    timestamp: String(Date.parse(event.timestamp)),
    event,
  }
}

const json = EventFormat.contentTypes.json

export const fromEvent = (event: CustomerEvent): EventRecord => {
  const { event: _, ...record } = encode(
    event,
    undefined,
    undefined,
    encodeJson(event),
    json,
    event.deviceType === undefined ? "1" : "2",
  )
  return record
}

/**
 * Encodes a batch once, on the way to the producer. `anomalies` (parallel to events) labels the
 * records an anomaly episode produced with the header `anomaly: KIND`; `instance` ("I/N") labels
 * every record with the header `instance`; `values` writes the values (default: JSON); `version` is
 * the contract version the events follow (the `schema-version` header).
 */
export const fromEvents = (
  events: ReadonlyArray<CustomerEvent>,
  anomalies?: ReadonlyArray<Anomaly.Kind | undefined>,
  instance?: string,
  values?: ValueEncoder,
  version: string = schemaVersion,
): Array<Encoded> => {
  const out = new Array<Encoded>(events.length)
  if (values === undefined) {
    for (let i = 0; i < events.length; i++)
      out[i] = encode(events[i]!, anomalies?.[i], instance, encodeJson(events[i]!), json, version)
    return out
  }
  const bytes = values.encode(events)
  for (let i = 0; i < events.length; i++)
    out[i] = encode(events[i]!, anomalies?.[i], instance, bytes[i]!, values.contentType, version)
  return out
}
