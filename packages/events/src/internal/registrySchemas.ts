/**
 * One record form in the three registry formats: its schema as a registry takes it, and the codec
 * of its payloads. Events (EventFormat) and reference entities (EntityFormat) both go through here.
 */
import { Buffer } from "node:buffer"
import { avroCodec, type PayloadCodec } from "./avroCodec.js"
import { avroSchema, namespace } from "./avroSchema.js"
import { protoCodec } from "./protoCodec.js"
import { protoSchema } from "./protoSchema.js"
import type { RecordForm } from "./schemaForm.js"

export type RegistryFormat = "avro" | "protobuf" | "json-schema"

/** JSON Schema's payload: the value's JSON, as the JSON format's records carry it. */
export const jsonCodec: PayloadCodec = {
  write: (value, into, offset) => {
    const json = JSON.stringify(value)
    // A UTF-16 code unit takes at most 3 bytes: with that much room nothing is cut.
    if (offset + json.length * 3 > into.length) return -1
    return offset + into.write(json, offset)
  },
  read: (bytes) => JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8")),
}

/** The schema text a registry takes (Avro and JSON Schema as JSON text, Protobuf as a .proto). */
export const schemaTextOf = (form: RecordForm, jsonSchema: () => unknown, format: RegistryFormat): string => {
  switch (format) {
    case "avro":
      return JSON.stringify(avroSchema(form))
    case "protobuf":
      return protoSchema(form)
    case "json-schema":
      return JSON.stringify(jsonSchema())
  }
}

/** Payloads of the form, written with (or read from) the schema `text`; `fullName`: the .proto message. */
export const codecOf = (
  form: RecordForm,
  fullName: string,
  format: RegistryFormat,
  text: string,
): PayloadCodec => {
  switch (format) {
    case "avro":
      return avroCodec(form, JSON.parse(text), namespace)
    case "protobuf":
      return protoCodec(form, text, fullName)
    case "json-schema":
      return jsonCodec
  }
}
