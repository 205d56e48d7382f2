/**
 * The value formats of an event record: today's JSON, and the three a Schema Registry serves (Avro,
 * Protobuf, JSON Schema). Their schemas are written from the Effect schemas of CustomerEvent (one
 * source of truth); their payloads are what follows the Confluent wire format's header.
 */
import { Result, type SchemaAST } from "effect"
import * as CustomerEvent from "./CustomerEvent.js"
import type { PayloadCodec } from "./internal/avroCodec.js"
import { namespace } from "./internal/avroSchema.js"
import { codecOf, jsonCodec, schemaTextOf } from "./internal/registrySchemas.js"
import { type Field, flattenedUnion, type Naming, type RecordForm } from "./internal/schemaForm.js"

export type { PayloadCodec } from "./internal/avroCodec.js"

export const formats = ["json", "avro", "protobuf", "json-schema"] as const
export type Format = (typeof formats)[number]
export type RegistryFormat = Exclude<Format, "json">

export const isRegistryFormat = (format: Format): format is RegistryFormat => format !== "json"

/** The `content-type` header of each format's records. */
export const contentTypes: Readonly<Record<Format, string>> = {
  json: "application/json",
  avro: "application/vnd.confluent.avro",
  protobuf: "application/vnd.confluent.protobuf",
  "json-schema": "application/vnd.confluent.json-schema+json",
}

/** The registry's `schemaType` of each format. */
export const schemaTypes: Readonly<Record<RegistryFormat, "AVRO" | "PROTOBUF" | "JSON">> = {
  avro: "AVRO",
  protobuf: "PROTOBUF",
  "json-schema": "JSON",
}

/** The type table (README "Schema Registry"): the schemas that are not plain strings, and enum names. */
const naming: Naming = {
  special: new Map<SchemaAST.AST, "uuid" | "timestamp" | "money" | "int">([
    [CustomerEvent.EventId.ast, "uuid"],
    [CustomerEvent.Timestamp.ast, "timestamp"],
    [CustomerEvent.Amount.ast, "money"],
    [CustomerEvent.Quantity.ast, "int"],
  ]),
  enums: new Map<SchemaAST.AST, string>([
    [CustomerEvent.CategorySchema.ast, "Category"],
    [CustomerEvent.ViewSourceSchema.ast, "ViewSource"],
    [CustomerEvent.PaymentMethodSchema.ast, "PaymentMethod"],
    [CustomerEvent.AlgorithmSchema.ast, "Algorithm"],
    [CustomerEvent.DeviceTypeSchema.ast, "DeviceType"],
  ]),
}

/**
 * The schema versions a run can write with: the contract's 1 and 2 (2 adds the optional deviceType),
 * and `broken`, version 1 with `quantity` made a string: what a registry with BACKWARD compatibility
 * refuses, for rehearsing that refusal. Nothing is ever written with it.
 */
export const schemaVersions = ["1", "2", "broken"] as const
export type SchemaVersion = (typeof schemaVersions)[number]

const formOf = (schema: typeof CustomerEvent.CustomerEventV1 | typeof CustomerEvent.CustomerEvent) =>
  flattenedUnion(
    schema.ast,
    { name: "CustomerEvent", discriminator: "eventType", discriminatorType: "EventType" },
    naming,
  )

const v1Form = formOf(CustomerEvent.CustomerEventV1)
const v2Form = formOf(CustomerEvent.CustomerEvent)

/** Every int field a string: incompatible with version 1 in Avro, Protobuf and JSON Schema alike. */
const brokenForm = (form: RecordForm): RecordForm => ({
  ...form,
  fields: form.fields.map((f): Field => {
    if (f.type.kind === "int") return { ...f, type: { kind: "string" } }
    if (f.type.kind === "record") return { ...f, type: { kind: "record", record: brokenForm(f.type.record) } }
    if (f.type.kind === "choice")
      return {
        ...f,
        type: { ...f.type, members: f.type.members.map((m) => ({ ...m, record: brokenForm(m.record) })) },
      }
    return f
  }),
})

const forms: Readonly<Record<SchemaVersion, RecordForm>> = {
  "1": v1Form,
  "2": v2Form,
  broken: brokenForm(v1Form),
}

/** The JSON Schema of a version; broken: version 1's with every quantity a string. */
const jsonSchemaOf = (version: SchemaVersion): unknown => {
  if (version !== "broken") return CustomerEvent.jsonSchema(version)
  const quantityAsString = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(quantityAsString)
      : typeof value === "object" && value !== null
        ? Object.fromEntries(
            Object.entries(value).map(([k, v]) => [
              k,
              k === "quantity" ? { type: "string" } : quantityAsString(v),
            ]),
          )
        : value
  return quantityAsString(CustomerEvent.jsonSchema("1"))
}

/** The record's full name in Avro and Protobuf alike (Avro's namespace is the .proto's package). */
export const recordName = `${namespace}.CustomerEvent`

/** The schema a format registers, as the registry takes it (Avro and JSON Schema as JSON text). */
export const schemaText = (format: RegistryFormat, version: SchemaVersion = "1"): string =>
  schemaTextOf(forms[version], () => jsonSchemaOf(version), format)

/** The schema as `schema --format` prints it: JSON pretty-printed, the .proto as is. */
export const printableSchema = (format: RegistryFormat, version: SchemaVersion = "1"): string =>
  format === "protobuf"
    ? schemaText(format, version)
    : `${JSON.stringify(JSON.parse(schemaText(format, version)), null, 2)}\n`

export { jsonCodec }

/**
 * Payloads of a format, written with a version's schema. A reader passes `writerSchema`, the schema
 * the payloads were written with (a registry's), and version 2, which reads version 1 payloads too.
 */
export const payloadCodec = (
  format: RegistryFormat,
  version: SchemaVersion = "1",
  writerSchema?: string,
): PayloadCodec => codecOf(forms[version], recordName, format, writerSchema ?? schemaText(format, version))

/** A payload back to the event it encodes, checked against the contract like a JSON value. */
export const decodePayload = (
  codec: PayloadCodec,
  bytes: Uint8Array,
): Result.Result<CustomerEvent.CustomerEvent, CustomerEvent.EventDecodeError> => {
  let value: unknown
  try {
    value = codec.read(bytes)
  } catch (cause) {
    const message = `not a valid payload: ${cause instanceof Error ? cause.message : String(cause)}`
    return Result.fail(new CustomerEvent.EventDecodeError({ issues: [{ path: "", message }] }))
  }
  return CustomerEvent.decode(value)
}
