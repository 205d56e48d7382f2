/**
 * An event as the values Avro and Protobuf encode, and back, walking the record form: timestamps as
 * epoch milliseconds, money as integer cents, a choice as its one member. The format-specific parts
 * (wrapped unions, enum numbers, field names) are the `Style` each format passes in.
 */
import type { Field, FieldType, RecordForm } from "./schemaForm.js"

type Obj = Record<string, unknown>

/** How a format spells what the form describes. */
export interface Style {
  readonly fieldName: (field: Field) => string
  readonly toTimestamp: (millis: number) => unknown
  readonly fromTimestamp: (value: unknown) => number
  readonly toMoney: (cents: number) => unknown
  readonly fromMoney: (value: unknown) => number
  readonly toEnum: (enumName: string, symbol: string, index: number) => unknown
  readonly fromEnum: (enumName: string, value: unknown, symbols: ReadonlyArray<string>) => string
  /** Sets the choice's member `record` (chosen by `tag`) on the encoded parent. */
  readonly toChoice: (parent: Obj, field: Field, tag: string, record: RecordForm, value: Obj) => void
  /** The member present on an encoded parent, with its value. */
  readonly fromChoice: (
    parent: Obj,
    field: Field,
  ) => { readonly tag: string; readonly value: Obj } | undefined
  readonly toInt: (n: number) => unknown
  readonly fromInt: (value: unknown) => number
  /** Whether an optional field is present (Protobuf: set on the message, not its default). */
  readonly present?: (encoded: Obj, name: string) => boolean
}

const cents = (amount: number): number => Math.round(amount * 100)

const toValue = (type: FieldType, value: unknown, style: Style): unknown => {
  switch (type.kind) {
    case "string":
    case "uuid":
      return value
    case "int":
      return style.toInt(value as number)
    case "timestamp":
      return style.toTimestamp(Date.parse(value as string))
    case "money":
      return style.toMoney(cents(value as number))
    case "enum":
      return style.toEnum(type.name, value as string, type.symbols.indexOf(value as string))
    case "record":
      return toRecord(type.record, value as Obj, style)
    case "choice":
      throw new Error("formValues: a choice is set on its parent")
  }
}

/** The encoded form of `value`, a record of `record`'s shape; absent optional fields stay absent. */
export const toRecord = (record: RecordForm, value: Obj, style: Style): Obj => {
  const out: Obj = {}
  for (const field of record.fields) {
    const v = value[field.name]
    if (field.type.kind === "choice") {
      const tag = value[field.type.discriminator] as string
      const member = field.type.members.find((m) => m.tag === tag)
      if (member === undefined) throw new Error(`formValues: no ${field.name} for ${tag}`)
      style.toChoice(out, field, tag, member.record, toRecord(member.record, v as Obj, style))
    } else if (v !== undefined) out[style.fieldName(field)] = toValue(field.type, v, style)
  }
  return out
}

const fromValue = (type: FieldType, value: unknown, style: Style): unknown => {
  switch (type.kind) {
    case "string":
    case "uuid":
      return value
    case "int":
      return style.fromInt(value)
    case "timestamp":
      return new Date(style.fromTimestamp(value)).toISOString()
    case "money":
      return style.fromMoney(value) / 100
    case "enum":
      return style.fromEnum(type.name, value, type.symbols)
    case "record":
      return fromRecord(type.record, value as Obj, style)
    case "choice":
      throw new Error("formValues: a choice is read from its parent")
  }
}

/**
 * The contract's value of an encoded record, fields in the form's order (the JSON field order). An
 * optional field that is null or absent is left out; anything malformed surfaces as the contract's
 * decode error afterwards, never here.
 */
export const fromRecord = (record: RecordForm, encoded: Obj, style: Style): Obj => {
  const out: Obj = {}
  for (const field of record.fields) {
    if (field.type.kind === "choice") {
      const chosen = style.fromChoice(encoded, field)
      const member = field.type.members.find((m) => m.tag === chosen?.tag)
      out[field.name] = member === undefined ? undefined : fromRecord(member.record, chosen!.value, style)
      continue
    }
    const name = style.fieldName(field)
    const v = encoded[name]
    const absent = field.optional && style.present !== undefined ? !style.present(encoded, name) : false
    if (absent || v === undefined || v === null) {
      if (field.optional === undefined) out[field.name] = undefined
      continue
    }
    out[field.name] = fromValue(field.type, v, style)
  }
  return out
}
