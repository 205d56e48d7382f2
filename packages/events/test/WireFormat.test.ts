import { describe, expect, test } from "bun:test"
import { Effect, Result } from "effect"
import {
  CustomerEvent,
  EventClock,
  EventFormat,
  EventGenerator,
  EventRecord,
  WireFormat,
} from "../src/index.js"

const events = Effect.runSync(
  EventGenerator.makeSeeded(5, { clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00.000Z")) }),
).next(3000).events

describe("WireFormat", () => {
  for (const format of ["avro", "protobuf", "json-schema"] as const)
    test(`${format}: zero byte, the id big-endian, ${format === "protobuf" ? "index [0], " : ""}then the payload`, () => {
      const values = WireFormat.encoder(format, 0x01020304)(events)
      expect(values).toHaveLength(events.length)
      const codec = EventFormat.payloadCodec(format)
      for (let i = 0; i < events.length; i++) {
        const value = values[i]!
        expect([...value.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4])
        if (format === "protobuf") expect(value[5]).toBe(0)
        const framed = WireFormat.read(value, format)
        if (Result.isFailure(framed)) throw new Error(framed.failure)
        expect(framed.success.schemaId).toBe(0x01020304)
        const back = EventFormat.decodePayload(codec, framed.success.payload)
        expect(Result.getOrThrow(back)).toEqual(events[i]!)
      }
    })

  test("values of one batch do not overlap, and a later batch leaves them untouched", () => {
    const encode = WireFormat.encoder("avro", 7)
    const first = encode(events.slice(0, 1000)).map((v) => Buffer.from(v))
    const held = encode(events.slice(0, 1000))
    encode(events.slice(1000))
    expect(held.map((v) => Buffer.from(v))).toEqual(first)
  })

  test("a value that is not in the wire format is named, not thrown", () => {
    expect(WireFormat.read(Buffer.from('{"a":1}'), "avro")).toEqual(
      Result.fail("not in the Confluent wire format (first byte 123, expected 0)"),
    )
    expect(Result.isFailure(WireFormat.read(Buffer.from([0, 0, 0, 0, 1, 0xff]), "protobuf"))).toBe(true)
    expect(WireFormat.read(Buffer.from([0, 0, 0, 0, 1, 4, 2, 6, 9]), "protobuf")).toEqual(
      Result.succeed({ schemaId: 1, messageIndexes: [1, 3], payload: Buffer.from([9]) }),
    )
  })

  test("records of a registry format carry its content type and the wire bytes", () => {
    const values = { contentType: EventFormat.contentTypes.avro, encode: WireFormat.encoder("avro", 9) }
    const [record] = EventRecord.fromEvents(events.slice(0, 1), undefined, undefined, values)
    expect(record!.headers["content-type"]).toBe("application/vnd.confluent.avro")
    expect(record!.key).toBe(events[0]!.customerId)
    expect(CustomerEvent.encodeJson(record!.event)).toBe(CustomerEvent.encodeJson(events[0]!))
  })
})
