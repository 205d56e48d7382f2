/**
 * How a run writes its records' values: JSON, or a registry format whose schema id is resolved once,
 * before Kafka is contacted (registered when missing, unless --no-auto-register), then stamped on
 * every value of every batch. A registry that is unreachable, refuses our credentials or refuses
 * the schema stops the run here, with nothing produced. `--schema-version broken` ends here always:
 * refused, as it should be, or accepted by a registry that does not check compatibility.
 */
import { Flags } from "@customer-events/cli"
import {
  EntityFormat,
  EventFormat,
  type EventRecord,
  type Reference,
  WireFormat,
} from "@customer-events/events"
import { type KafkaConfig, SchemaRegistry } from "@customer-events/kafka"
import { Effect, Option } from "effect"
import type * as Cli from "./Cli.js"
import type * as ReferenceTopics from "./ReferenceTopics.js"

/** How the run's records are written: the events' values, and the reference topics' (--reference-topics). */
export interface Values {
  /** Undefined: JSON. */
  readonly events: EventRecord.ValueEncoder | undefined
  readonly entities: ReferenceTopics.EntityValues
}

type Failure = Flags.UsageError | SchemaRegistry.SchemaRegistryError

const json: Values = { events: undefined, entities: {} }

/** Every schema this run writes with, resolved before Kafka is contacted; JSON needs none. */
export const prepare = (
  options: Pick<Cli.RunOptions, "format" | "schemaVersion" | "topic" | "referenceTopics">,
  config: KafkaConfig.KafkaConfig,
): Effect.Effect<Values, Failure> =>
  Effect.gen(function* () {
    const { format, schemaVersion: version, topic } = options
    if (!EventFormat.isRegistryFormat(format)) return json
    if (Option.isNone(config.schemaRegistry))
      return yield* new Flags.UsageError({
        flag: "--schema-registry-url",
        reason:
          `is required with --format ${format} (or SCHEMA_REGISTRY_URL, or schema.registry.url in ` +
          "--config); bun run registry:up starts a local one",
      })
    const settings = config.schemaRegistry.value
    const registry = yield* SchemaRegistry.make(settings)
    const subjectOf = (topicName: string, recordName: string) =>
      SchemaRegistry.subjectOf(settings.subjectStrategy, topicName, recordName)
    const subject = subjectOf(topic, EventFormat.recordName)
    const schema = { type: EventFormat.schemaTypes[format], text: EventFormat.schemaText(format, version) }
    if (version === "broken") return yield* rehearseRefusal(registry, subject, schema)
    const id = yield* registry.idFor(subject, schema, settings.autoRegister)
    yield* Effect.logInfo(
      `schema: ${format} version ${version}, subject ${subject}, id ${id} (${registry.url})`,
    )
    const events = encoder(format, id, EventFormat.payloadCodec(format, version))
    const topics = options.referenceTopics
    if (topics === undefined) return { events, entities: {} }
    const entity = (name: Reference.Entity, entityTopic: string) =>
      Effect.map(
        registry.idFor(
          subjectOf(entityTopic, EntityFormat.recordName(name)),
          { type: EventFormat.schemaTypes[format], text: EntityFormat.schemaText(name, format) },
          settings.autoRegister,
        ),
        (entityId) => encoder(format, entityId, EntityFormat.payloadCodec(name, format)),
      )
    return {
      events,
      entities: {
        product: yield* entity("product", topics.products),
        customer: yield* entity("customer", topics.customers),
      },
    }
  })

const encoder = (
  format: EventFormat.RegistryFormat,
  id: number,
  codec: EventFormat.PayloadCodec,
): EventRecord.ValueEncoder => ({
  contentType: EventFormat.contentTypes[format],
  encode: WireFormat.encoder(format, id, codec),
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
