/**
 * The Confluent wire format of a record value: a zero byte, the schema id (4 bytes, big-endian), for
 * Protobuf the message-index list (zigzag varints; [0], the file's first message, is the single
 * byte 0), then the payload. A batch is written into shared chunks, one view per record, so that
 * serializing costs no allocation per event.
 */
import { Buffer } from "node:buffer"
import { Result } from "effect"
import * as EventFormat from "./EventFormat.js"

export const magicByte = 0

/** The header's length: magic byte and id, plus the message-index list [0] for Protobuf. */
const headerLength = (format: EventFormat.RegistryFormat) => (format === "protobuf" ? 6 : 5)

const chunkBytes = 256 * 1024

/** Encodes batches of events (or of entities, with their codec) for one schema id: each value, in order. */
export const encoder = (
  format: EventFormat.RegistryFormat,
  schemaId: number,
  codec: EventFormat.PayloadCodec = EventFormat.payloadCodec(format),
): ((events: ReadonlyArray<object>) => Array<Buffer>) => {
  const header = Buffer.alloc(headerLength(format))
  header.writeUInt8(magicByte, 0)
  header.writeInt32BE(schemaId, 1)
  return (events) => {
    const out = new Array<Buffer>(events.length)
    // A new chunk per batch: a request may still read (or resend) the previous one.
    let chunk = Buffer.allocUnsafeSlow(Math.min(chunkBytes, events.length * 512 + 1024))
    let offset = 0
    for (let i = 0; i < events.length; i++) {
      let end = writeAt(chunk, offset, header, codec, events[i]!)
      if (end < 0) {
        chunk = Buffer.allocUnsafeSlow(chunkBytes)
        offset = 0
        end = writeAt(chunk, 0, header, codec, events[i]!)
        if (end < 0) chunk = bigEnough(header, codec, events[i]!)
        end = end < 0 ? chunk.length : end
      }
      out[i] = chunk.subarray(offset, end)
      offset = end
    }
    return out
  }
}

const writeAt = (
  chunk: Buffer,
  offset: number,
  header: Buffer,
  codec: EventFormat.PayloadCodec,
  event: object,
): number => {
  if (offset + header.length > chunk.length) return -1
  header.copy(chunk, offset)
  return codec.write(event, chunk, offset + header.length)
}

/** An event larger than a chunk: a buffer of its own, grown until it fits. */
const bigEnough = (header: Buffer, codec: EventFormat.PayloadCodec, event: object) => {
  for (let size = chunkBytes * 2; ; size *= 2) {
    const buffer = Buffer.allocUnsafeSlow(size)
    const end = writeAt(buffer, 0, header, codec, event)
    if (end > 0) return buffer.subarray(0, end)
  }
}

export interface Framed {
  readonly schemaId: number
  /** Protobuf's message indexes ([0]: the file's first message); empty for the other formats. */
  readonly messageIndexes: ReadonlyArray<number>
  readonly payload: Uint8Array
}

const zigzagVarint = (bytes: Uint8Array, at: number): { value: number; next: number } | undefined => {
  let raw = 0
  let shift = 0
  for (let i = at; i < bytes.length && shift < 35; i++, shift += 7) {
    raw += (bytes[i]! & 0x7f) * 2 ** shift
    if ((bytes[i]! & 0x80) === 0) return { value: raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, next: i + 1 }
  }
  return undefined
}

/** The schema id and payload of a value in the wire format; what is wrong with it, otherwise. */
export const read = (
  value: Uint8Array,
  format: EventFormat.RegistryFormat,
): Result.Result<Framed, string> => {
  if (value.length < 5 || value[0] !== magicByte)
    return Result.fail(
      value.length === 0
        ? "an empty value"
        : `not in the Confluent wire format (first byte ${value[0]}, expected 0)`,
    )
  const schemaId = Buffer.from(value.buffer, value.byteOffset, value.length).readInt32BE(1)
  if (format !== "protobuf")
    return Result.succeed({ schemaId, payload: value.subarray(5), messageIndexes: [] })
  const count = zigzagVarint(value, 5)
  if (count === undefined) return Result.fail("a malformed message-index list")
  if (count.value === 0)
    return Result.succeed({ schemaId, payload: value.subarray(count.next), messageIndexes: [0] })
  const indexes: Array<number> = []
  let next = count.next
  for (let i = 0; i < count.value; i++) {
    const index = zigzagVarint(value, next)
    if (index === undefined) return Result.fail("a malformed message-index list")
    indexes.push(index.value)
    next = index.next
  }
  return Result.succeed({ schemaId, payload: value.subarray(next), messageIndexes: indexes })
}
