/**
 * The app's records as @platformatic/kafka messages: bytes written per batch into shared chunks
 * (Utf8Arena), repeating header names and values encoded once, the partition already chosen.
 */
import type { MessageToProduce } from "@platformatic/kafka"
import type { PartitionBatch } from "./partitioner.js"
import { Utf8Arena } from "./utf8Arena.js"

export type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>

/**
 * Header names and values that repeat (names, content types, event types) are encoded once; a
 * value seen for the first time is remembered while the cache has room, so unique values (event
 * ids) never grow it past its bound.
 */
const headerCache = new Map<string, Buffer>()
const headerCacheMax = 4096
const headerBytes = (text: string, arena: Utf8Arena): Buffer => {
  const cached = headerCache.get(text)
  if (cached !== undefined) return cached
  const bytes = arena.bytes(text)
  if (headerCache.size < headerCacheMax) headerCache.set(text, Buffer.from(bytes))
  return bytes
}

/** About 600 bytes a record (key, value, headers): the app's events take 250 to 400. */
const expectedRecordBytes = 600

export const toMessages = (topic: string, parts: ReadonlyArray<PartitionBatch>): Array<Message> => {
  const messages: Array<Message> = []
  const arena = new Utf8Arena(parts.reduce((n, part) => n + part.records.length, 0) * expectedRecordBytes)
  for (const part of parts)
    for (const r of part.records) {
      const message: Message = {
        topic,
        partition: part.partition,
        // A tombstone's null value is written as Kafka's null (length -1) by the record writer.
        value: (typeof r.value === "string" ? arena.bytes(r.value) : r.value) as Buffer,
      }
      if (r.key !== null) message.key = arena.bytes(r.key)
      if (r.timestamp !== undefined) message.timestamp = BigInt(r.timestamp)
      if (r.headers !== undefined) {
        const headers = new Map<Buffer, Buffer>()
        for (const name in r.headers)
          headers.set(headerBytes(name, arena), headerBytes(r.headers[name]!, arena))
        message.headers = headers
      }
      messages.push(message)
    }
  return messages
}
