/** The bench's payload file read back as the app's records: key, value, the 4 headers, timestamp. */
import { readFile } from "node:fs/promises"

export interface PayloadRecord {
  readonly key: string
  readonly value: string
  readonly headers: Record<string, string>
  readonly timestamp: string
}

export const readPayloads = async (file: string): Promise<Array<PayloadRecord>> =>
  (await readFile(file, "utf8"))
    .trimEnd()
    .split("\n")
    .map((value) => {
      const event = JSON.parse(value) as {
        customerId: string
        eventType: string
        eventId: string
        timestamp: string
      }
      return {
        key: event.customerId,
        value,
        headers: {
          "event-type": event.eventType,
          "event-id": event.eventId,
          "content-type": "application/json",
          "schema-version": "1",
        },
        timestamp: String(Date.parse(event.timestamp)),
      }
    })
