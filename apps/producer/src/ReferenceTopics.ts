/**
 * --reference-topics: the catalog and the customer pool in their own compacted topics (key = id,
 * value = the entity's JSON, or in the run's registry format under its own subject; packages/events
 * Reference), written before the first event so that a join finds every id the events carry. Both
 * are the same in every run, so rewriting them only adds versions that compaction folds away.
 */
import { Flags } from "@customer-events/cli"
import { type Catalog, EventFormat, type EventRecord, Reference } from "@customer-events/events"
import type { KafkaAdmin, KafkaError, KafkaProducer } from "@customer-events/kafka"
import { Effect, Stream } from "effect"

export interface Topics {
  readonly products: string
  readonly customers: string
}

/**
 * Compacted; a record stays uncompacted for 7 days at least, so that a replay sees each entity's
 * history of a run (its changes) and not only its latest version.
 */
export const compacted = { "cleanup.policy": "compact", "min.compaction.lag.ms": "604800000" } as const

/** Creates the missing ones compacted; an existing one must be compacted already. */
export const ensure = (
  admin: KafkaAdmin.Service,
  topics: Topics,
  layout: { readonly partitions: number; readonly replicationFactor: number },
): Effect.Effect<void, KafkaError.KafkaError | Flags.UsageError> =>
  Effect.forEach(
    [
      ["--products-topic", topics.products],
      ["--customers-topic", topics.customers],
    ] as const,
    ([flag, topic]) =>
      Effect.gen(function* () {
        const { created } = yield* admin.ensureTopic({
          topic,
          partitions: layout.partitions,
          replicationFactor: layout.replicationFactor,
          configs: compacted,
        })
        if (created) return yield* Effect.logInfo(`created compacted topic ${topic}`)
        const policy = (yield* admin.topicConfig(topic))["cleanup.policy"] ?? "delete"
        if (!policy.split(",").includes("compact"))
          return yield* new Flags.UsageError({
            flag,
            reason:
              `topic "${topic}" exists with cleanup.policy=${policy}: a reference topic must ` +
              `be compacted (delete it, or name another)`,
          })
      }),
    { discard: true },
  )

/** How each entity's values are written: JSON, or a registry format's encoder (RecordValues). */
export type EntityValues = Partial<Record<Reference.Entity, EventRecord.ValueEncoder>>

interface EntityRecord {
  readonly key: string
  readonly value: string | Buffer
  readonly headers: Readonly<Record<string, string>>
  readonly timestamp: string
}

const batchSize = 1000

/** The headers of an entity's records: its format, the entity, its schema version. */
export const headersOf = (entity: Reference.Entity, values: EventRecord.ValueEncoder | undefined) => ({
  "content-type": values?.contentType ?? EventFormat.contentTypes.json,
  entity,
  "schema-version": "1",
})

/** The entities in records, a batch at a time: a registry format's encoder works per batch. */
function* records<A extends object>(
  entities: Iterable<A>,
  entity: Reference.Entity,
  idOf: (a: A) => string,
  values: EventRecord.ValueEncoder | undefined,
  timestamp: string,
): Generator<ReadonlyArray<EntityRecord>> {
  const headers = headersOf(entity, values)
  let batch: Array<A> = []
  const flush = () => {
    const bytes = values?.encode(batch)
    const out = batch.map((a, i) => ({
      key: idOf(a),
      value: bytes?.[i] ?? JSON.stringify(a),
      headers,
      timestamp,
    }))
    batch = []
    return out
  }
  for (const a of entities) {
    batch.push(a)
    if (batch.length === batchSize) yield flush()
  }
  if (batch.length > 0) yield flush()
}

/** Writes one entity list to its topic; any record Kafka does not take fails the start-up. */
const writeAll = (
  producer: KafkaProducer.Service,
  topic: string,
  flag: string,
  batches: Iterable<ReadonlyArray<EntityRecord>>,
) =>
  producer.deliver(topic, Stream.fromIterable(batches).pipe(Stream.flattenIterable)).pipe(
    Stream.runFold(
      () => ({ delivered: 0, failed: 0, reason: "" }),
      (acc, outcome) =>
        outcome._tag === "Delivered"
          ? { ...acc, delivered: acc.delivered + outcome.records.length }
          : { ...acc, failed: acc.failed + outcome.records.length, reason: outcome.error.message },
    ),
    Effect.flatMap((result) =>
      result.failed === 0
        ? Effect.succeed(result.delivered)
        : new Flags.UsageError({
            flag,
            reason: `${result.failed} records could not be written to ${topic}: ${result.reason}`,
          }),
    ),
  )

/**
 * The whole catalog and customer pool, before the first event, stamped `validFromMs`: no later than
 * the earliest event time (late events included), so that a temporal join finds every entity.
 */
export const write = (
  producer: KafkaProducer.Service,
  topics: Topics,
  catalog: Catalog.Catalog,
  customers: number,
  values: EntityValues = {},
  validFromMs: number = Date.now(),
): Effect.Effect<void, Flags.UsageError> =>
  Effect.gen(function* () {
    const stamp = String(Math.floor(validFromMs))
    const products = yield* writeAll(
      producer,
      topics.products,
      "--products-topic",
      records(Reference.products(catalog), "product", (p) => p.productId, values.product, stamp),
    )
    const written = yield* writeAll(
      producer,
      topics.customers,
      "--customers-topic",
      records(Reference.customers(customers), "customer", (c) => c.customerId, values.customer, stamp),
    )
    yield* Effect.logInfo(
      `reference data: ${products} products in ${topics.products}, ${written} customers in ` +
        `${topics.customers}`,
    )
  })
