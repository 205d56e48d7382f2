/**
 * The value formats of an event record: today's JSON, and the three a Schema Registry serves (Avro,
 * Protobuf, JSON Schema). Their schemas are written from the Effect schemas of CustomerEvent (one
 * source of truth); their payloads are what follows the Confluent wire format's header.
 */
import { Buffer } from "node:buffer"
import { Result, type SchemaAST } from "effect"
import * as CustomerEvent from "./CustomerEvent.js"
import { avroCodec, type PayloadCodec } from "./internal/avroCodec.js"
import { avroSchema, namespace } from "./internal/avroSchema.js"
import { protoCodec } from "./internal/protoCodec.js"
import { protoSchema } from "./internal/protoSchema.js"
import { flattenedUnion, type Naming } from "./internal/schemaForm.js"

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
  ]),
}

const eventForm = flattenedUnion(
  CustomerEvent.CustomerEvent.ast,
  { name: "CustomerEvent", discriminator: "eventType", discriminatorType: "EventType" },
  naming,
)

/** The record's full name in Avro and Protobuf alike (Avro's namespace is the .proto's package). */
export const recordName = `${namespace}.CustomerEvent`

/** The schema a format registers, as the registry takes it (Avro and JSON Schema as JSON text). */
export const schemaText = (format: RegistryFormat): string => {
  switch (format) {
    case "avro":
      return JSON.stringify(avroSchema(eventForm))
    case "protobuf":
      return protoSchema(eventForm)
    case "json-schema":
      return JSON.stringify(CustomerEvent.jsonSchema())
  }
}

/** The schema as `schema --format` prints it: JSON pretty-printed, the .proto as is. */
export const printableSchema = (format: RegistryFormat): string =>
  format === "protobuf" ? schemaText(format) : `${JSON.stringify(JSON.parse(schemaText(format)), null, 2)}\n`

const jsonCodec: PayloadCodec = {
  write: (value, into, offset) => {
    const json = JSON.stringify(value)
    // A UTF-16 code unit takes at most 3 bytes: with that much room nothing is cut.
    if (offset + json.length * 3 > into.length) return -1
    return offset + into.write(json, offset)
  },
  read: (bytes) => JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8")),
}

/**
 * Payloads of a format. `writerSchema`, the schema text the payloads were written with (a registry's),
 * defaults to ours: a reader passes the writer's, so that any compatible version reads.
 */
export const payloadCodec = (format: RegistryFormat, writerSchema?: string): PayloadCodec => {
  const text = writerSchema ?? schemaText(format)
  switch (format) {
    case "avro":
      return avroCodec(eventForm, JSON.parse(text), namespace)
    case "protobuf":
      return protoCodec(eventForm, text, recordName)
    case "json-schema":
      return jsonCodec
  }
}

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
