/**
 * Changing reference data (--entity-changes, --price-changes, ...): the generator's changes written
 * to the compacted topics while the events stream, each topic's in time order (key = id, record
 * timestamp = the change's time, value = the whole new entity, or null: a tombstone). They go through
 * the run's producer, in the run's format; what Kafka does not take is counted as failed (exit 1).
 */
import { EntityChanges, type EventGenerator, Reference } from "@customer-events/events"
import type { KafkaProducer } from "@customer-events/kafka"
import { type Cause, Effect, Fiber, Queue, Stream } from "effect"
import { type EntityValues, headersOf, type Topics } from "./ReferenceTopics.js"

/** The changes of a run: by kind, and how many Kafka took or did not (the summary's referenceChanges). */
export interface Figures extends EntityChanges.Counts {
  written: number
  failed: number
}

interface ChangeRecord {
  readonly key: string
  readonly value: string | Buffer | null
  readonly headers: Readonly<Record<string, string>>
  readonly timestamp: string
}

export interface ChangeWriter {
  /** A generated batch: its changes are queued for their topics (an observer of the run). */
  readonly observe: (batch: EventGenerator.Batch) => void
  /** Once the run has ended: waits for the changes queued, then their figures. */
  readonly finish: Effect.Effect<Figures>
}

/** The header `change` says which kind a record is: priceChanges, customerUpdates, ... */
export const changeHeader = "change"

/** One entity's changes of a batch as records: a registry format encodes their values together. */
const recordsOf = (
  changes: ReadonlyArray<EntityChanges.Change>,
  entity: Reference.Entity,
  values: EntityValues,
): Array<ChangeRecord> => {
  const encoder = values[entity]
  const updates = changes.flatMap((c) => (c.value === null ? [] : [c.value]))
  const bytes = encoder?.encode(updates)
  const common = headersOf(entity, encoder)
  let update = 0
  return changes.map((change) => ({
    key: change.id,
    value: change.value === null ? null : (bytes?.[update++] ?? JSON.stringify(change.value)),
    headers: { ...common, [changeHeader]: change.kind },
    timestamp: String(change.atMs),
  }))
}

export const start = (producer: KafkaProducer.Service, topics: Topics, values: EntityValues) =>
  Effect.gen(function* () {
    const figures: Figures = { ...EntityChanges.zeroCounts(), written: 0, failed: 0 }
    let lastError: string | undefined
    const writers = yield* Effect.forEach(Reference.entities, (entity) =>
      Effect.gen(function* () {
        const queue = yield* Queue.unbounded<ChangeRecord, Cause.Done>()
        const topic = entity === "product" ? topics.products : topics.customers
        const fiber = yield* Effect.forkChild(
          producer.deliver(topic, Stream.fromQueue(queue)).pipe(
            Stream.runForEach((outcome) =>
              Effect.sync(() => {
                if (outcome._tag === "Delivered") figures.written += outcome.records.length
                else {
                  figures.failed += outcome.records.length
                  lastError =
                    `${outcome.records.length} changes not written to ${topic}: ` + outcome.error.message
                }
              }),
            ),
          ),
        )
        return { entity, queue, fiber }
      }),
    )
    const writer: ChangeWriter = {
      observe: (batch) => {
        const changes = batch.changes
        if (changes === undefined || changes.length === 0) return
        for (const change of changes) figures[change.kind]++
        for (const w of writers) {
          const own = changes.filter((change) => change.entity === w.entity)
          if (own.length > 0) Queue.offerAllUnsafe(w.queue, recordsOf(own, w.entity, values))
        }
      },
      finish: Effect.gen(function* () {
        for (const w of writers) yield* Queue.end(w.queue)
        for (const w of writers) yield* Fiber.join(w.fiber)
        if (lastError !== undefined) yield* Effect.logError(lastError)
        yield* Effect.logInfo(
          `reference changes: ${figures.priceChanges} price changes, ${figures.customerUpdates} customer ` +
            `updates, ${figures.productDeletes} product and ${figures.customerDeletes} customer deletes ` +
            `(${figures.written} written, ${figures.failed} failed)`,
        )
        return { ...figures }
      }),
    }
    return writer
  })
