import { describe, expect, test } from "bun:test"
import { Buffer } from "node:buffer"
import avro from "avsc"
import { Effect, Result } from "effect"
import fc from "fast-check"
import { CustomerEvent, EventClock, EventFormat, EventGenerator } from "../src/index.js"
import { bytesToCents, centsToBytes } from "../src/internal/avroCodec.js"
import { protoType } from "../src/internal/protoCodec.js"

const start = Date.parse("2026-11-30T00:00:00.000Z")
const generate = (seed: number, n: number, mode: EventGenerator.Mode, deviceTypes = false) =>
  Effect.runSync(
    EventGenerator.makeSeeded(seed, { clock: EventClock.simulated(start), mode, deviceTypes }),
  ).next(n).events

const registryFormats = EventFormat.formats.filter(EventFormat.isRegistryFormat)

const roundTrip = (codec: EventFormat.PayloadCodec, event: CustomerEvent.CustomerEvent) => {
  const into = Buffer.alloc(4096)
  const end = codec.write(event, into, 0)
  expect(end).toBeGreaterThan(0)
  const back = EventFormat.decodePayload(codec, into.subarray(0, end))
  if (Result.isFailure(back)) throw new Error(`${back.failure.message} in ${JSON.stringify(event)}`)
  return back.success
}

describe("EventFormat", () => {
  for (const format of registryFormats)
    test(`${format}: every generated event of both modes comes back the same, to the cent and millisecond`, () => {
      const codec = EventFormat.payloadCodec(format)
      fc.assert(
        fc.property(
          fc.integer(),
          fc.constantFrom<EventGenerator.Mode>(...EventGenerator.modes),
          (seed, mode) => {
            for (const event of generate(seed, 200, mode))
              expect(CustomerEvent.encodeJson(roundTrip(codec, event))).toBe(CustomerEvent.encodeJson(event))
          },
        ),
        { numRuns: 40 },
      )
    })

  for (const format of registryFormats)
    test(`${format}: version 2 events (deviceType) round-trip; version 2 reads version 1 payloads`, () => {
      const v2 = EventFormat.payloadCodec(format, "2")
      // As the inspector reads: Avro with the writer's schema, the others with version 2's own.
      const writer = format === "avro" ? EventFormat.schemaText("avro", "1") : undefined
      const reader = EventFormat.payloadCodec(format, "2", writer)
      const v1 = EventFormat.payloadCodec(format, "1")
      for (const event of generate(9, 500, "sessions", true)) {
        expect(event.deviceType).toBeDefined()
        expect(roundTrip(v2, event)).toEqual(event)
      }
      for (const event of generate(9, 500, "independent")) {
        const into = Buffer.alloc(4096)
        const back = EventFormat.decodePayload(reader, into.subarray(0, v1.write(event, into, 0)))
        expect(Result.getOrThrow(back)).toEqual(event)
      }
    })

  test("version 2's stream is version 1's with each session's deviceType, about 60/33/7", () => {
    const v1 = generate(4, 20_000, "sessions")
    const v2 = generate(4, 20_000, "sessions", true)
    expect(v2.map(({ deviceType: _, ...rest }) => rest)).toEqual(v1)
    const bySession = new Map(v2.map((e) => [e.sessionId, e.deviceType]))
    for (const e of v2) expect(e.deviceType).toBe(bySession.get(e.sessionId)!)
    const share = (d: string) => [...bySession.values()].filter((x) => x === d).length / bySession.size
    expect(share("mobile")).toBeGreaterThan(0.5)
    expect(share("desktop")).toBeGreaterThan(0.25)
    expect(share("tablet")).toBeGreaterThan(0.03)
  })

  test("the broken version differs from version 1 only in quantity, a string in each format", () => {
    const avro = JSON.stringify(JSON.parse(EventFormat.schemaText("avro", "broken")))
    expect(avro).toBe(
      EventFormat.schemaText("avro", "1").replaceAll(
        '"name":"quantity","type":"int"',
        '"name":"quantity","type":"string"',
      ),
    )
    expect(EventFormat.schemaText("protobuf", "broken")).toBe(
      EventFormat.schemaText("protobuf", "1").replaceAll("int32 quantity", "string quantity"),
    )
    expect(EventFormat.schemaText("json-schema", "broken")).toContain('"quantity":{"type":"string"}')
    expect(EventFormat.schemaText("avro", "2")).toContain(
      '{"name":"deviceType","type":["null",{"type":"enum","name":"DeviceType"',
    )
    expect(EventFormat.schemaText("protobuf", "2")).toContain("optional DeviceType device_type = 11;")
  })

  test("the Avro schema is valid Avro, with the native types of the type table", () => {
    const schema = JSON.parse(EventFormat.schemaText("avro"))
    const type = avro.Type.forSchema(schema, { wrapUnions: "auto" }) as avro.types.RecordType
    expect(type.name).toBe(EventFormat.recordName)
    const field = (name: string) => schema.fields.find((f: { name: string }) => f.name === name).type
    expect(field("timestamp")).toEqual({ type: "long", logicalType: "timestamp-millis" })
    expect(field("eventId")).toEqual({ type: "string", logicalType: "uuid" })
    expect(field("eventType").symbols).toEqual([...CustomerEvent.eventTypes])
    const purchase = field("metadata").find((r: { name: string }) => r.name === "PurchaseMetadata")
    expect(purchase.fields.map((f: { type: unknown }) => f.type)).toEqual([
      "int",
      { type: "bytes", logicalType: "decimal", precision: 12, scale: 2 },
      { type: "enum", name: "PaymentMethod", symbols: [...CustomerEvent.paymentMethods] },
    ])
  })

  test("the .proto parses; CustomerEvent is its first message (message index 0)", () => {
    const text = EventFormat.schemaText("protobuf")
    const type = protoType(text, EventFormat.recordName)
    expect(type.fieldsArray.map((f) => f.name)).toContain("timestamp")
    expect(type.fields.timestamp!.type).toBe("google.protobuf.Timestamp")
    expect(text.indexOf("message CustomerEvent")).toBeLessThan(text.indexOf("message ProductViewMetadata"))
  })

  test("the JSON Schema format's payload is the event's JSON, byte for byte", () => {
    const [event] = generate(3, 1, "sessions")
    const into = Buffer.alloc(4096)
    const end = EventFormat.payloadCodec("json-schema").write(event!, into, 0)
    expect(into.subarray(0, end).toString()).toBe(CustomerEvent.encodeJson(event!))
  })

  test("a payload that does not fit says so instead of writing past the end", () => {
    const [event] = generate(3, 1, "sessions")
    for (const format of registryFormats)
      expect(EventFormat.payloadCodec(format).write(event!, Buffer.alloc(8), 0)).toBeLessThan(0)
  })

  test("a malformed payload is a decode error, not a throw", () => {
    for (const format of registryFormats) {
      const result = EventFormat.decodePayload(
        EventFormat.payloadCodec(format),
        Buffer.from([0xff, 0xff, 0x01]),
      )
      expect(Result.isFailure(result)).toBe(true)
    }
  })

  test("decimal bytes are big-endian two's complement, in as few bytes as it takes", () => {
    expect([...centsToBytes(1999)]).toEqual([0x07, 0xcf])
    expect([...centsToBytes(128)]).toEqual([0x00, 0x80])
    expect([...centsToBytes(-1)]).toEqual([0xff])
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (n) => bytesToCents(centsToBytes(n)) === n),
    )
  })
})
