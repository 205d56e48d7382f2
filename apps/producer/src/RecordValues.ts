/**
 * How a run writes its records' values: JSON, or a registry format whose schema id is resolved once,
 * before Kafka is contacted (registered when missing, unless --no-auto-register), then stamped on
 * every value of every batch. A registry that is unreachable, refuses our credentials or refuses
 * the schema stops the run here, with nothing produced.
 */
import { Flags } from "@customer-events/cli"
import { EventFormat, type EventRecord, WireFormat } from "@customer-events/events"
import { type KafkaConfig, SchemaRegistry } from "@customer-events/kafka"
import { Effect, Option } from "effect"

export interface Resolved {
  readonly subject: string
  readonly schemaId: number
}

/** The subject and id a registry format writes with; undefined for JSON. */
export const resolve = (
  format: EventFormat.Format,
  topic: string,
  config: KafkaConfig.KafkaConfig,
): Effect.Effect<Resolved | undefined, Flags.UsageError | SchemaRegistry.SchemaRegistryError> =>
  Effect.gen(function* () {
    if (!EventFormat.isRegistryFormat(format)) return undefined
    if (Option.isNone(config.schemaRegistry))
      return yield* new Flags.UsageError({
        flag: "--schema-registry-url",
        reason:
          `is required with --format ${format} (or SCHEMA_REGISTRY_URL, or schema.registry.url in ` +
          "--config); bun run registry:up starts a local one",
      })
    const settings = config.schemaRegistry.value
    const registry = yield* SchemaRegistry.make(settings)
    const subject = SchemaRegistry.subjectOf(settings.subjectStrategy, topic, EventFormat.recordName)
    const schema = { type: EventFormat.schemaTypes[format], text: EventFormat.schemaText(format) }
    const schemaId = yield* registry.idFor(subject, schema, settings.autoRegister)
    yield* Effect.logInfo(`schema: ${format}, subject ${subject}, id ${schemaId} (${registry.url})`)
    return { subject, schemaId }
  })

/** The value encoder of a resolved registry format: undefined (JSON) when nothing was resolved. */
export const encoderOf = (
  format: EventFormat.Format,
  resolved: Resolved | undefined,
): EventRecord.ValueEncoder | undefined =>
  resolved === undefined || !EventFormat.isRegistryFormat(format)
    ? undefined
    : { contentType: EventFormat.contentTypes[format], encode: WireFormat.encoder(format, resolved.schemaId) }
