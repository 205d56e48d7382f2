/**
 * How a run writes its records' values: JSON, or a registry format whose schema id is resolved once,
 * before Kafka is contacted (registered when missing, unless --no-auto-register), then stamped on
 * every value of every batch. A registry that is unreachable, refuses our credentials or refuses
 * the schema stops the run here, with nothing produced. `--schema-version broken` ends here always:
 * refused, as it should be, or accepted by a registry that does not check compatibility.
 */
import { Flags } from "@customer-events/cli"
import { EventFormat, type EventRecord, WireFormat } from "@customer-events/events"
import { type KafkaConfig, SchemaRegistry } from "@customer-events/kafka"
import { Effect, Option } from "effect"
import type * as Cli from "./Cli.js"

export interface Resolved {
  readonly subject: string
  readonly schemaId: number
}

type Failure = Flags.UsageError | SchemaRegistry.SchemaRegistryError

/** The subject and id a registry format writes with; undefined for JSON. */
export const resolve = (
  options: Pick<Cli.RunOptions, "format" | "schemaVersion" | "topic">,
  config: KafkaConfig.KafkaConfig,
): Effect.Effect<Resolved | undefined, Failure> =>
  Effect.gen(function* () {
    const { format, schemaVersion: version, topic } = options
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
    const schema = { type: EventFormat.schemaTypes[format], text: EventFormat.schemaText(format, version) }
    if (version === "broken") return yield* rehearseRefusal(registry, subject, schema)
    const schemaId = yield* registry.idFor(subject, schema, settings.autoRegister)
    yield* Effect.logInfo(
      `schema: ${format} version ${version}, subject ${subject}, id ${schemaId} (${registry.url})`,
    )
    return { subject, schemaId }
  })

/** The broken schema offered to a subject that has a version: the registry's refusal is the answer. */
const rehearseRefusal = (
  registry: SchemaRegistry.SchemaRegistry,
  subject: string,
  schema: SchemaRegistry.SchemaText,
): Effect.Effect<never, Failure> =>
  Effect.gen(function* () {
    const fail = (reason: string) =>
      Effect.fail(new SchemaRegistry.SchemaRegistryError({ url: registry.url, subject, reason }))
    if (Option.isNone(yield* registry.latestId(subject)))
      return yield* fail(
        "has no version for --schema-version broken to be incompatible with: produce with version 1 first",
      )
    const accepted = yield* registry.idFor(subject, schema, true)
    return yield* fail(
      `accepted the incompatible schema as id ${accepted}: the subject does not check BACKWARD ` +
        "compatibility; nothing produced",
    )
  })

/** The value encoder of a resolved registry format: undefined (JSON) when nothing was resolved. */
export const encoderOf = (
  format: EventFormat.Format,
  resolved: Resolved | undefined,
  version: EventFormat.SchemaVersion,
): EventRecord.ValueEncoder | undefined =>
  resolved === undefined || !EventFormat.isRegistryFormat(format)
    ? undefined
    : {
        contentType: EventFormat.contentTypes[format],
        encode: WireFormat.encoder(format, resolved.schemaId, EventFormat.payloadCodec(format, version)),
      }
