/**
 * The reference entities (products, customers) in the registry formats, like the events: their Avro
 * schema and .proto written from their Effect schemas, each under its own subject.
 */
import { Result, type SchemaAST } from "effect"
import * as CustomerEvent from "./CustomerEvent.js"
import type * as EventFormat from "./EventFormat.js"
import { namespace } from "./internal/avroSchema.js"
import { codecOf, schemaTextOf } from "./internal/registrySchemas.js"
import { type Naming, recordForm } from "./internal/schemaForm.js"
import * as Reference from "./Reference.js"

export type Entity = Reference.Entity

const naming: Naming = {
  special: new Map<SchemaAST.AST, "uuid" | "timestamp" | "money" | "int">([
    [CustomerEvent.Amount.ast, "money"],
  ]),
  enums: new Map<SchemaAST.AST, string>([
    [CustomerEvent.CategorySchema.ast, "Category"],
    [Reference.RegionSchema.ast, "Region"],
    [Reference.TierSchema.ast, "Tier"],
  ]),
}

const names = { product: "Product", customer: "Customer" } as const
const forms = {
  product: recordForm(Reference.ProductEntity.ast, names.product, naming),
  customer: recordForm(Reference.CustomerEntity.ast, names.customer, naming),
}

/** The entity's full name in Avro and Protobuf: the subject of the record strategies. */
export const recordName = (entity: Entity) => `${namespace}.${names[entity]}`

export const schemaText = (entity: Entity, format: EventFormat.RegistryFormat): string =>
  schemaTextOf(forms[entity], () => Reference.jsonSchema(entity), format)

/** An entity's payloads in a format; a reader passes the writer's Avro schema. */
export const payloadCodec = (
  entity: Entity,
  format: EventFormat.RegistryFormat,
  writerSchema?: string,
): EventFormat.PayloadCodec =>
  codecOf(forms[entity], recordName(entity), format, writerSchema ?? schemaText(entity, format))

/** A payload back to its entity, checked against the entity's contract. */
export const decodePayload = (entity: Entity, codec: EventFormat.PayloadCodec, bytes: Uint8Array) => {
  try {
    return Result.mapError(
      Reference.decode(entity, codec.read(bytes)),
      (message) => `not a valid ${entity}: ${message}`,
    )
  } catch (cause) {
    return Result.fail(
      `not a valid ${entity} payload: ${cause instanceof Error ? cause.message : String(cause)}`,
    )
  }
}
