/**
 * Changing reference data (--entity-changes, --price-changes, ...): the generator's changes written
 * to the compacted topics while the events stream, each topic's in time order (key = id, record
 * timestamp = the change's time, value = the whole new entity, or null: a tombstone). They go through
 * the run's producer, in the run's format; what Kafka does not take is counted as failed (exit 1).
 */
import { EntityChanges, EventFormat, type EventGenerator, Reference } from "@customer-events/events"
import type { KafkaProducer } from "@customer-events/kafka"
import { type Cause, Effect, Fiber, Queue, Stream } from "effect"
import type { EntityValues, Topics } from "./ReferenceTopics.js"

/** The changes of a run: by kind, and how many Kafka took or did not. */
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

const recordOf = (change: EntityChanges.Change, values: EntityValues): ChangeRecord => {
  const encoder = values[change.entity]
  return {
    key: change.id,
    value:
      change.value === null ? null : (encoder?.encode([change.value])[0] ?? JSON.stringify(change.value)),
    headers: {
      "content-type": encoder?.contentType ?? EventFormat.contentTypes.json,
      entity: change.entity,
      "schema-version": "1",
      [changeHeader]: change.kind,
    },
    timestamp: String(change.atMs),
  }
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
        for (const change of batch.changes ?? []) {
          figures[change.kind]++
          Queue.offerUnsafe(writers.find((w) => w.entity === change.entity)!.queue, recordOf(change, values))
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
