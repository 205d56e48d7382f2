/**
 * A record's value back to its event: JSON, or a value in the Confluent wire format (its first byte
 * is 0, which no JSON value starts with), decoded with the schema its id names in the registry. The
 * schema of an id is fetched the first time it is met (`prepare`), then every record decodes
 * synchronously. An id the registry does not know, or a registry-format value without a registry,
 * is a finding on that record, never a crash.
 */
import { CustomerEvent, EventFormat, WireFormat } from "@customer-events/events"
import { KafkaConsumer, type SchemaRegistry } from "@customer-events/kafka"
import { Effect, Result } from "effect"
import type { Report } from "./InspectionReport.js"

type Codec = { readonly format: EventFormat.RegistryFormat; readonly codec: EventFormat.PayloadCodec }

export type Decoded =
  | {
      readonly _tag: "Event"
      readonly event: CustomerEvent.CustomerEvent
      /** The content type the record's header should say. */
      readonly contentType: string
      readonly schemaId?: number
    }
  | { readonly _tag: "Invalid"; readonly path: string; readonly reason: string }

const formatOf: Record<SchemaRegistry.SchemaTypeName, EventFormat.RegistryFormat> = {
  AVRO: "avro",
  PROTOBUF: "protobuf",
  JSON: "json-schema",
}

const invalid = (path: string, reason: string): Decoded => ({ _tag: "Invalid", path, reason })

const isWireFormat = (value: Buffer) => value.length > 0 && value[0] === WireFormat.magicByte

export class ValueDecoder {
  /** Each schema id met: its codec, or why it cannot be read. */
  private readonly schemas = new Map<number, Codec | string>()
  /** Records per schema id, for the report. */
  readonly counts = new Map<number, { format: EventFormat.RegistryFormat | undefined; records: number }>()
  /** The subject's versions by schema id, once asked for (`findVersions`). */
  private versions: ReadonlyMap<number, number> = new Map()

  constructor(private readonly registry: SchemaRegistry.SchemaRegistry | undefined) {}

  /** Fetches the schema of this record's id when it is the first of its id (nothing for JSON). */
  prepare(record: KafkaConsumer.ConsumedRecord): Effect.Effect<void> {
    const value = record.value
    if (value === null || !isWireFormat(value) || value.length < 5 || this.registry === undefined)
      return Effect.void
    const id = value.readInt32BE(1)
    if (this.schemas.has(id)) return Effect.void
    return this.registry.schemaOf(id).pipe(
      Effect.map((schema): Codec => {
        const format = formatOf[schema.type]
        const writer = schema.avro === undefined ? undefined : JSON.stringify(schema.avro)
        // Version 2 reads version 1 too (its one addition is optional).
        return { format, codec: EventFormat.payloadCodec(format, "2", writer) }
      }),
      Effect.catch((error) => Effect.succeed(`schema id ${id}: ${error.reason}`)),
      Effect.tap((codec) => Effect.sync(() => this.schemas.set(id, codec))),
      Effect.asVoid,
    )
  }

  decode(value: Buffer): Decoded {
    if (!isWireFormat(value)) {
      const decoded = CustomerEvent.decodeJson(KafkaConsumer.text(value)!)
      return this.result(decoded, EventFormat.contentTypes.json)
    }
    if (this.registry === undefined)
      return invalid("value", "in the Confluent wire format: pass --schema-registry-url to read it")
    const id = value.length < 5 ? undefined : value.readInt32BE(1)
    const schema = id === undefined ? undefined : this.schemas.get(id)
    if (typeof schema !== "object") return invalid("value", schema ?? "too short for the wire format")
    const counted = this.counts.get(id!) ?? { format: schema.format, records: 0 }
    counted.records++
    this.counts.set(id!, counted)
    const framed = WireFormat.read(value, schema.format)
    if (Result.isFailure(framed)) return invalid("value", framed.failure)
    if (framed.success.messageIndexes.some((index) => index !== 0))
      return invalid("value", `message indexes ${framed.success.messageIndexes.join(",")}: expected [0]`)
    const decoded = EventFormat.decodePayload(schema.codec, framed.success.payload)
    return this.result(decoded, EventFormat.contentTypes[schema.format], id)
  }

  /**
   * The versions of the subject the records' schemas are (once, for the report): a schema id that is
   * no version of it (another subject's, another strategy's) is reported without one.
   */
  findVersions(subject: string): Effect.Effect<void> {
    if (this.registry === undefined || this.counts.size === 0) return Effect.void
    return this.registry.versions(subject).pipe(
      Effect.tap((versions) => Effect.sync(() => (this.versions = versions))),
      Effect.catch((error) => Effect.logWarning(`schema versions of ${subject}: ${error.reason}`)),
      Effect.asVoid,
    )
  }

  /** The schema ids met, with their format, version and records: the report's `schemas`. */
  schemasSeen(): NonNullable<Report["schemas"]> {
    return [...this.counts]
      .map(([id, { format, records }]) => {
        const version = this.versions.get(id)
        return { id, format: format ?? "unknown", ...(version === undefined ? {} : { version }), records }
      })
      .sort((a, b) => a.id - b.id)
  }

  private result(
    decoded: Result.Result<CustomerEvent.CustomerEvent, CustomerEvent.EventDecodeError>,
    contentType: string,
    schemaId?: number,
  ): Decoded {
    if (Result.isFailure(decoded)) {
      const issue = decoded.failure.issues[0]!
      return invalid(issue.path === "" ? "value" : issue.path, issue.message)
    }
    return {
      _tag: "Event",
      event: decoded.success,
      contentType,
      ...(schemaId === undefined ? {} : { schemaId }),
    }
  }
}
