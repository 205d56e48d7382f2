/**
 * What our patch of kafkajs (patches/) changes: the producer's CPU, not its output. Messages are
 * grouped by partition in one pass (kafkajs copied each partition's array for every message), and
 * the encoder writes varints and nested encoders straight into its buffer, which it does not
 * zero-fill. The bytes must stay those of Kafka's record format: here varints against a reference
 * encoding and kafkajs's own decoder; PlatformaticPatch.test.ts compares whole record batches with
 * @platformatic/kafka's independent writer, byte for byte, and every kafkajs test against the broker
 * has the broker check the batches' CRCs.
 */
import { describe, expect, test } from "bun:test"

// kafkajs has no types for its protocol modules.
interface Encoder {
  writeVarInt(value: number): Encoder
  writeEncoder(value: Encoder): Encoder
  writeEncoderArray(value: ReadonlyArray<Encoder>): Encoder
  writeInt32(value: number): Encoder
  readonly buffer: Buffer
}
const Encoder = require("kafkajs/src/protocol/encoder") as { new (initialSize?: number): Encoder }
const Decoder = require("kafkajs/src/protocol/decoder") as new (
  buffer: Buffer,
) => { readVarInt(): number; readInt32(): number; canReadInt32(): boolean }
type Message = { readonly key: string }
const groupMessagesPerPartition = require("kafkajs/src/producer/groupMessagesPerPartition") as (args: {
  topic: string
  partitionMetadata: ReadonlyArray<unknown>
  messages: ReadonlyArray<Message>
  partitioner: (args: { message: Message }) => number
}) => Record<string, Array<Message>>

/** Kafka's varint: zigzag, then 7 bits a byte, low bits first (the reference the patch must match). */
const referenceVarInt = (value: number): Array<number> => {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0
  const out: Array<number> = []
  while (zigzag >= 0x80) {
    out.push((zigzag & 0x7f) | 0x80)
    zigzag = Math.floor(zigzag / 128)
  }
  out.push(zigzag)
  return out
}

describe("kafkajs, patched", () => {
  test("the patch is installed (the encoder copies nested encoders without a view of each)", () => {
    expect(typeof (Encoder.prototype as unknown as Record<string, unknown>).writeEncoderInternal).toBe(
      "function",
    )
  })

  test("varints are Kafka's encoding, read back by kafkajs's decoder, at every length (1 to 5 bytes)", () => {
    const edges = [0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 1048575, -1048576, 1048576]
    const values = [...edges, 134217727, -134217728, 134217728, 2147483647, -2147483648]
    let seed = 20261203 // a fixed linear congruential sequence of int32s, so a failure replays
    for (let i = 0; i < 2000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0
      values.push(seed)
    }
    const encoder = new Encoder(1)
    for (const value of values) {
      const alone = new Encoder().writeVarInt(value).buffer
      expect([...alone]).toEqual(referenceVarInt(value))
      encoder.writeVarInt(value)
    }
    const decoder = new Decoder(encoder.buffer)
    expect(values.map(() => decoder.readVarInt())).toEqual(values)
  })

  test("nested encoders are copied whole and in order, past the buffer's first growth", () => {
    const parts = Array.from({ length: 300 }, (_, i) => new Encoder(1).writeInt32(i).writeInt32(-i - 1))
    const outer = new Encoder(1).writeEncoder(parts[0]!).writeEncoderArray(parts.slice(1))
    const decoder = new Decoder(outer.buffer)
    const read: Array<number> = []
    while (decoder.canReadInt32()) read.push(decoder.readInt32())
    expect(read).toEqual(parts.flatMap((_, i) => [i, -i - 1]))
  })

  test("grouping by partition keeps each partition's messages, in their order", () => {
    const messages = Array.from({ length: 20_000 }, (_, i) => ({ key: `k${(i * 7919) % 1013}` }))
    const partitionOf = (message: Message) => Number(message.key.slice(1)) % 7
    const grouped = groupMessagesPerPartition({
      topic: "t",
      partitionMetadata: [{}],
      messages,
      partitioner: ({ message }) => partitionOf(message),
    })
    expect(Object.keys(grouped).sort()).toEqual(["0", "1", "2", "3", "4", "5", "6"])
    for (const [partition, inPartition] of Object.entries(grouped))
      expect(inPartition).toEqual(messages.filter((m) => partitionOf(m) === Number(partition)))
  })
})
