/**
 * The Avro schema of a record form: timestamps as timestamp-millis longs, money as decimal bytes
 * (scale 2), enums as Avro enums, a choice as a union of records, an optional field as a union with
 * null that defaults to null (so that adding one keeps BACKWARD compatibility).
 */
import { type Field, type FieldType, type RecordForm, symbolName } from "./schemaForm.js"

export const namespace = "customer_events"

/** Money: up to 10 digits before the point, 2 after. */
export const moneyPrecision = 12
export const moneyScale = 2

type Avro = string | Record<string, unknown> | ReadonlyArray<Avro>

/** Each named type is defined once, then referred to by name (Avro's rule). */
const typeOf = (type: FieldType, defined: Set<string>): Avro => {
  switch (type.kind) {
    case "string":
      return "string"
    case "uuid":
      return { type: "string", logicalType: "uuid" }
    case "timestamp":
      return { type: "long", logicalType: "timestamp-millis" }
    case "money":
      return { type: "bytes", logicalType: "decimal", precision: moneyPrecision, scale: moneyScale }
    case "int":
      return "int"
    case "enum":
      if (defined.has(type.name)) return type.name
      defined.add(type.name)
      return { type: "enum", name: type.name, symbols: type.symbols.map(symbolName) }
    case "record":
      return recordOf(type.record, defined)
    case "choice":
      return type.members.map((m) => recordOf(m.record, defined))
  }
}

const fieldOf = (field: Field, defined: Set<string>): Record<string, unknown> => {
  const type = typeOf(field.type, defined)
  return field.optional === undefined
    ? { name: field.name, type }
    : { name: field.name, type: ["null", type], default: null }
}

const recordOf = (record: RecordForm, defined: Set<string>): Avro => {
  if (defined.has(record.name)) return record.name
  defined.add(record.name)
  return {
    type: "record",
    name: record.name,
    ...(record.doc === undefined ? {} : { doc: record.doc }),
    fields: record.fields.map((f) => fieldOf(f, defined)),
  }
}

/** The schema as a JSON value, its top record in `namespace`. */
export const avroSchema = (record: RecordForm): Record<string, unknown> => ({
  ...(recordOf(record, new Set()) as Record<string, unknown>),
  namespace,
})
