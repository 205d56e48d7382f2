/**
 * Avro payloads of a record form with avsc: the values of formValues, unions wrapped only where
 * they are ambiguous (the choice of records; an optional field is its value or null).
 */
import { Buffer } from "node:buffer"
import avro from "avsc"
import { fromRecord, type Style, toRecord } from "./formValues.js"
import { type Field, type RecordForm, symbolName } from "./schemaForm.js"

/** Money: the decimal's unscaled value (cents), big-endian two's complement, in as few bytes as it takes. */
export const centsToBytes = (cents: number): Buffer => {
  const bytes: Array<number> = []
  let n = Math.abs(cents)
  do {
    bytes.unshift(n % 256)
    n = Math.floor(n / 256)
  } while (n > 0)
  if (bytes[0]! >= 0x80) bytes.unshift(0)
  const out = Buffer.from(bytes)
  if (cents >= 0) return out
  // Negative: invert and add one (the contract has no negative amounts; kept for a faithful codec).
  let carry = 1
  for (let i = out.length - 1; i >= 0; i--) {
    const v = (~out[i]! & 0xff) + carry
    out[i] = v & 0xff
    carry = v >> 8
  }
  return out
}

export const bytesToCents = (bytes: Uint8Array): number => {
  let n = 0
  for (const b of bytes) n = n * 256 + b
  return bytes.length > 0 && bytes[0]! >= 0x80 ? n - 256 ** bytes.length : n
}

const memberName = (field: Field, fullName: string): string | undefined => {
  if (field.type.kind !== "choice") return undefined
  const name = fullName.slice(fullName.lastIndexOf(".") + 1)
  return field.type.members.find((m) => m.record.name === name)?.tag
}

const style = (namespace: string): Style => ({
  fieldName: (field) => field.name,
  toTimestamp: (millis) => millis,
  fromTimestamp: (value) => Number(value),
  toMoney: centsToBytes,
  fromMoney: (value) => bytesToCents(value as Uint8Array),
  toEnum: (_, symbol) => symbolName(symbol),
  fromEnum: (_, value, symbols) => symbols.find((s) => symbolName(s) === value) ?? String(value),
  toChoice: (parent, field, _tag, record, value) => {
    parent[field.name] = { [`${namespace}.${record.name}`]: value }
  },
  fromChoice: (parent, field) => {
    const wrapped = parent[field.name] as Record<string, Record<string, unknown>> | null | undefined
    if (wrapped === null || wrapped === undefined) return undefined
    const fullName = Object.keys(wrapped)[0] ?? ""
    const tag = memberName(field, fullName)
    return tag === undefined ? undefined : { tag, value: wrapped[fullName]! }
  },
  toInt: (n) => n,
  fromInt: (value) => value as number,
})

export interface PayloadCodec {
  /** Writes `value`'s payload at `offset`: the offset after it, or a negative number if it does not fit. */
  readonly write: (value: object, into: Buffer, offset: number) => number
  /** The contract's value of a payload (still to be checked against the contract); throws when malformed. */
  readonly read: (bytes: Uint8Array) => Record<string, unknown>
}

/** `schema`: the Avro schema the payloads are written with (a registry's text or ours). */
export const avroCodec = (form: RecordForm, schema: object, namespace: string): PayloadCodec => {
  const type = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: "auto" })
  const s = style(namespace)
  return {
    write: (value, into, offset) =>
      type.encode(toRecord(form, value as Record<string, unknown>, s), into, offset),
    read: (bytes) =>
      fromRecord(form, type.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)), s),
  }
}
