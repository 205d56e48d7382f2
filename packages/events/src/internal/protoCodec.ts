/**
 * Protobuf payloads of a record form with protobufjs: snake_case fields, enums as numbers, the
 * timestamp as google.protobuf.Timestamp, money as int64 cents (read back from Long or number).
 */
import type { Buffer } from "node:buffer"
import protobuf from "protobufjs"
import type { PayloadCodec } from "./avroCodec.js"
import { fromRecord, type Style, toRecord } from "./formValues.js"
import { protoFieldName, snake } from "./protoSchema.js"
import type { RecordForm } from "./schemaForm.js"

/** An int64 as protobufjs reads it: a Long when the `long` package is there, else a number. */
const int64 = (value: unknown): number =>
  typeof value === "number" ? value : (value as { toNumber(): number }).toNumber()

/** Names computed once: converting them per field of every event would cost more than encoding. */
const memo = <K, V>(f: (key: K) => V) => {
  const known = new Map<K, V>()
  return (key: K): V => {
    const cached = known.get(key)
    if (cached !== undefined) return cached
    const value = f(key)
    known.set(key, value)
    return value
  }
}
const fieldName = memo(protoFieldName)
const memberName = memo(snake)

const style: Style = {
  fieldName,
  toTimestamp: (millis) => ({ seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 }),
  fromTimestamp: (value) => {
    const t = value as { seconds: unknown; nanos: number }
    return int64(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000)
  },
  toMoney: (cents) => cents,
  fromMoney: int64,
  toEnum: (_, __, index) => index + 1,
  fromEnum: (_, value, symbols) => symbols[(value as number) - 1] ?? `enum value ${String(value)}`,
  toChoice: (parent, _field, tag, _record, value) => {
    parent[memberName(tag)] = value
  },
  fromChoice: (parent, field) => {
    if (field.type.kind !== "choice") return undefined
    for (const m of field.type.members) {
      const value = parent[memberName(m.tag)]
      if (value !== null && value !== undefined)
        return { tag: m.tag, value: value as Record<string, unknown> }
    }
    return undefined
  },
  toInt: (n) => n,
  fromInt: (value) => value as number,
  // A decoded message has the fields it carried as its own; the rest are its prototype's defaults.
  present: (encoded, name) => Object.hasOwn(encoded, name),
}

/** The message type `package.name` of a .proto text, with the well-known Timestamp it imports. */
export const protoType = (text: string, fullName: string): protobuf.Type => {
  const root = new protobuf.Root()
  const timestamp = protobuf.common.get("google/protobuf/timestamp.proto")
  if (timestamp?.nested !== undefined) root.addJSON(timestamp.nested)
  protobuf.parse(text, root, { keepCase: true })
  root.resolveAll()
  return root.lookupType(fullName)
}

export const protoCodec = (form: RecordForm, text: string, fullName: string): PayloadCodec => {
  const type = protoType(text, fullName)
  return {
    write: (value, into: Buffer, offset) => {
      const bytes = type.encode(toRecord(form, value as Record<string, unknown>, style)).finish()
      if (offset + bytes.length > into.length) return -1
      into.set(bytes, offset)
      return offset + bytes.length
    },
    read: (bytes) => fromRecord(form, type.decode(bytes) as unknown as Record<string, unknown>, style),
  }
}
