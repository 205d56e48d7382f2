/**
 * What our patch of @platformatic/kafka (patches/) changes. Each record batch is written into one
 * Buffer (dist/protocol/record-batch-writer.js): its bytes are checked against kafkajs's own encoder
 * of the same batch, an independent implementation of Kafka's record batch v2, and read back with
 * the client's reader, compressed too (the broker checks the CRC of every batch in the real tests).
 * Option validators are compiled on first use (dist/utils.js): strict mode still validates.
 */
import { describe, expect, test } from "bun:test"
import { ajv, createRecordsBatch, Producer, Reader, readRecordsBatch } from "@platformatic/kafka"

// kafkajs has no types for its protocol modules; these are its record and batch encoders.
const { RecordBatch: kafkajsBatch } = require("kafkajs/src/protocol/recordBatch/v0") as {
  RecordBatch: (batch: object) => Promise<{ buffer: Buffer }>
}
const kafkajsRecord = require("kafkajs/src/protocol/recordBatch/record/v0") as (record: object) => unknown

/** A seeded PRNG (mulberry32), so a failing case can be replayed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

type Message = {
  topic: string
  partition: number
  key?: Buffer | null
  value: Buffer | null
  timestamp: bigint
  headers: Map<Buffer, Buffer>
}

const bytes = (random: () => number, max: number) => {
  const out = Buffer.alloc(Math.floor(random() * max))
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(random() * 256)
  return out
}

/** Keys absent, empty or long (varint lengths of 1 and 2 bytes), tombstones, headers, timestamps
 * going back and forward (negative deltas) and far apart (varlong of several bytes). */
const randomMessages = (random: () => number): Array<Message> => {
  const base = 1_700_000_000_000 + Math.floor(random() * 1e9)
  return Array.from({ length: 1 + Math.floor(random() * 40) }, () => {
    const headers = new Map<Buffer, Buffer>()
    for (let h = Math.floor(random() * 4); h > 0; h--)
      headers.set(Buffer.from(`h${h}-${Math.floor(random() * 100)}`), bytes(random, 30))
    const roll = random()
    return {
      topic: "t",
      partition: 2,
      ...(roll < 0.2 ? {} : { key: roll < 0.3 ? Buffer.alloc(0) : bytes(random, 200) }),
      value: roll > 0.9 ? null : bytes(random, 400),
      timestamp: BigInt(base + Math.floor((random() - 0.3) * (random() < 0.1 ? 1e11 : 5000))),
      headers,
    }
  })
}

const viaKafkajs = async (messages: Array<Message>, producerId: number, epoch: number, sequence: number) => {
  const first = Number(messages[0]!.timestamp)
  const records = messages.map((m, i) =>
    kafkajsRecord({
      offsetDelta: i,
      timestampDelta: Number(m.timestamp) - first,
      key: m.key ?? null,
      value: m.value,
      headers: Object.fromEntries([...m.headers].map(([k, v]) => [k.toString(), v])),
    }),
  )
  const batch = await kafkajsBatch({
    firstTimestamp: first,
    maxTimestamp: Math.max(...messages.map((m) => Number(m.timestamp))),
    lastOffsetDelta: messages.length - 1,
    producerId,
    producerEpoch: epoch,
    firstSequence: sequence,
    records,
  })
  return batch.buffer
}

const sequencesOf = (sequence: number) => ({ getWithDefault: () => sequence })

describe("record batches written by the patched @platformatic/kafka", () => {
  test("300 random batches are byte for byte kafkajs's encoding of the same records", async () => {
    const random = prng(7)
    for (let n = 0; n < 300; n++) {
      const messages = randomMessages(random)
      const producerId = Math.floor(random() * 1e9)
      const sequence = Math.floor(random() * 1e6)
      const written = createRecordsBatch(
        messages as never,
        {
          producerId: BigInt(producerId),
          producerEpoch: 3,
          sequences: sequencesOf(sequence),
        } as never,
      )
      const ours = written.buffer
      expect(ours.equals(await viaKafkajs(messages, producerId, 3, sequence))).toBe(true)
      // One Buffer for the batch (the stock writer holds a chunk per field): the patch is installed.
      expect(written.buffers.length).toBe(1)
    }
  })

  test("read back by the client's reader, plain and compressed (snappy, lz4), transactional bit set", () => {
    const random = prng(11)
    for (const compression of ["none", "snappy", "lz4"] as const) {
      const messages = randomMessages(random)
      const written = createRecordsBatch(messages as never, { compression, transactionalId: "tx" } as never)
      const batch = readRecordsBatch(Reader.from(written.buffer))
      expect(batch.attributes & 0b10000).toBe(0b10000)
      expect(batch.records.length).toBe(messages.length)
      batch.records.forEach((record, i) => {
        const message = messages[i]!
        expect(record.offsetDelta).toBe(i)
        expect(BigInt(record.timestampDelta)).toBe(message.timestamp - messages[0]!.timestamp)
        expect(record.value).toEqual(message.value as never)
        expect(record.headers.map(([k, v]) => [String(k), v])).toEqual(
          [...message.headers].map(([k, v]) => [k.toString(), v]),
        )
      })
    }
  })
})

describe("option validators compiled on first use", () => {
  test("importing the client compiles nothing; strict mode still refuses a bad option, naming it", () => {
    expect(ajv.compile.name).toBe("compileOnFirstUse")
    const bad = () =>
      new Producer({
        clientId: "t",
        bootstrapBrokers: ["127.0.0.1:1"],
        strict: true,
        retries: "many" as never,
      })
    expect(bad).toThrow(/retries/)
  })
})
