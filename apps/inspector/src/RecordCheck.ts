/** The record as DESIGN.md defines it: key = customerId, the headers, timestamp = event time. */
import { type CustomerEvent, EventRecord } from "@customer-events/events"
import { KafkaConsumer } from "@customer-events/kafka"

export const checkRecord = (
  record: KafkaConsumer.ConsumedRecord,
  event: CustomerEvent.CustomerEvent,
  contentType: string,
): { path: string; reason: string } | undefined => {
  const key = KafkaConsumer.text(record.key)
  if (key !== event.customerId)
    return {
      path: "key",
      reason: `expected the customerId ${JSON.stringify(event.customerId)}, got ${JSON.stringify(key)}`,
    }
  const expected = EventRecord.fromEvent(event)
  const headers = { ...expected.headers, [EventRecord.headerNames.contentType]: contentType }
  for (const [name, value] of Object.entries(headers))
    if (record.headers[name] !== value)
      return {
        path: `headers.${name}`,
        reason:
          `expected ${JSON.stringify(value)}, got ` +
          `${record.headers[name] === undefined ? "no header" : JSON.stringify(record.headers[name])}`,
      }
  if (record.timestamp !== expected.timestamp)
    return {
      path: "timestamp",
      reason: `expected the event time ${expected.timestamp} (${event.timestamp}), got ${record.timestamp}`,
    }
  return undefined
}
