/**
 * The proto3 file of a record form. Field names in snake_case (their JSON mapping is the contract's
 * camelCase); timestamps as google.protobuf.Timestamp; money, which Protobuf has no type for, as
 * int64 cents; enums with the zero value UNSPECIFIED that proto3 requires; a choice as a oneof of
 * messages. The top record is the file's first message, so its message index is [0].
 */
import { type Field, type FieldType, type RecordForm, symbolName } from "./schemaForm.js"

export const protoPackage = "customer_events"

export const snake = (name: string): string => name.replace(/[A-Z]/gu, (c) => `_${c.toLowerCase()}`)

/** The enum value of a symbol: EVENT_TYPE_PRODUCT_VIEW for productView of EventType. */
export const enumValue = (enumName: string, symbol: string): string =>
  `${snake(enumName).replace(/^_/u, "").toUpperCase()}_${symbolName(snake(symbol)).toUpperCase()}`

/** A field's proto name: snake_case, money with the unit it is counted in. */
export const protoFieldName = (field: Field): string =>
  field.type.kind === "money" ? `${snake(field.name)}_cents` : snake(field.name)

interface Out {
  /** Whether a field is a Timestamp: the well-known file is imported only then. */
  timestamps: boolean
  readonly messages: Array<string>
  readonly enums: Map<string, string>
  readonly seen: Set<string>
}

const scalar = (type: FieldType, out: Out): string => {
  switch (type.kind) {
    case "string":
    case "uuid":
      return "string"
    case "timestamp":
      out.timestamps = true
      return "google.protobuf.Timestamp"
    case "money":
      return "int64"
    case "int":
      return "int32"
    case "enum":
      if (!out.enums.has(type.name)) out.enums.set(type.name, enumOf(type.name, type.symbols))
      return type.name
    case "record":
      message(type.record, out)
      return type.record.name
    case "choice":
      throw new Error("protoSchema: a choice is a oneof, not a type")
  }
}

const enumOf = (name: string, symbols: ReadonlyArray<string>): string =>
  [
    `enum ${name} {`,
    `  ${enumValue(name, "unspecified")} = 0;`,
    ...symbols.map((s, i) => `  ${enumValue(name, s)} = ${i + 1};`),
    "}",
  ].join("\n")

const comment = (doc: string | undefined): Array<string> => (doc === undefined ? [] : [`// ${doc}`])

const message = (record: RecordForm, out: Out): void => {
  if (out.seen.has(record.name)) return
  out.seen.add(record.name)
  const slot = out.messages.push("") - 1
  const lines: Array<string> = []
  let number = 1
  for (const field of record.fields) {
    if (field.type.kind === "choice") {
      lines.push(`  oneof ${snake(field.name)} {`)
      for (const m of field.type.members) {
        message(m.record, out)
        lines.push(`    ${m.record.name} ${snake(m.tag)} = ${number++};`)
      }
      lines.push("  }")
    } else {
      const optional = field.optional === undefined ? "" : "optional "
      lines.push(`  ${optional}${scalar(field.type, out)} ${protoFieldName(field)} = ${number++};`)
    }
  }
  out.messages[slot] = [...comment(record.doc), `message ${record.name} {`, ...lines, "}"].join("\n")
}

/** The .proto text: the top record first (message index 0), then the records and enums it uses. */
export const protoSchema = (record: RecordForm): string => {
  const out: Out = { timestamps: false, messages: [], enums: new Map(), seen: new Set() }
  message(record, out)
  return [
    'syntax = "proto3";',
    `package ${protoPackage};`,
    ...(out.timestamps ? ['import "google/protobuf/timestamp.proto";'] : []),
    ...out.messages,
    ...out.enums.values(),
  ]
    .join("\n\n")
    .concat("\n")
}
