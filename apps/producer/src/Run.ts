/**
 * One run: generator -> pacer -> record encoding -> producer batched delivery -> counters. A stop
 * (signal, fatal error) ends generation at once; in-flight batches then drain within the drain
 * timeout, and whatever is still unanswered after it counts as failed (and is dead-lettered).
 */
import { type EventGenerator, EventRecord } from "@customer-events/events"
import { KafkaError, type KafkaProducer } from "@customer-events/kafka"
import { Chunk, Deferred, Duration, Effect, Fiber, Option, Stream } from "effect"
import type { Counters, Summary } from "./Counters.js"
import type { DeadLetterFile } from "./DeadLetterFile.js"
import * as Pacer from "./Pacer.js"

export interface RunInput {
  readonly topic: string
  /** The Kafka client library, for the summary (absent in a dry run). */
  readonly client?: string
  readonly seed: string
  readonly generator: EventGenerator.EventGenerator
  readonly producer: KafkaProducer.Service
  readonly pacer: Pacer.PacerOptions
  readonly counters: Counters
  /** Completed by the first SIGINT/SIGTERM, or by a fatal delivery error. */
  readonly stop: Deferred.Deferred<void>
  readonly drainTimeout: Duration.Duration
  readonly deadLetters: DeadLetterFile | undefined
  /** Which failures stop the run (default: the fatal ones, e.g. authentication, missing topic). */
  readonly stopsTheRun?: (error: KafkaError.KafkaError) => boolean
}

export const run = (input: RunInput): Effect.Effect<Summary> =>
  Effect.gen(function* () {
    const { counters, deadLetters } = input
    let stoppedBy: Summary["stoppedBy"] = "signal"
    let fatal: KafkaError.KafkaError | undefined

    const records = Pacer.stream(input.generator, { ...input.pacer, stop: input.stop }, (reason) => {
      stoppedBy = reason
    }).pipe(
      // Generation stops at once on a stop; what was already generated still goes out.
      Stream.interruptWhen(Deferred.await(input.stop)),
      Stream.map((batch) => {
        const encoded = EventRecord.fromEvents(batch.events)
        counters.recordGenerated(batch.events, encoded)
        return Chunk.unsafeFromArray(encoded)
      }),
      Stream.flattenChunks,
    )

    const onOutcome = (outcome: KafkaProducer.BatchOutcome<EventRecord.EventRecord>) =>
      Effect.gen(function* () {
        if (outcome._tag === "Delivered") {
          counters.recordDelivered(outcome.records.length, outcome.retries, outcome.latencyMs)
          return
        }
        counters.recordFailed(outcome.records.length, outcome.retries)
        if (deadLetters !== undefined) counters.deadLettered += deadLetters.write(outcome.records)
        if ((input.stopsTheRun ?? KafkaError.isFatal)(outcome.error) && fatal === undefined) {
          fatal = outcome.error
          stoppedBy = "error"
          yield* Effect.logError(`stopping: ${outcome.error.message}`)
          yield* Deferred.succeed(input.stop, undefined)
        }
      })

    const delivery = yield* Effect.fork(
      input.producer.deliver(input.topic, records).pipe(Stream.runForEach(onOutcome)),
    )
    const first = yield* Effect.raceFirst(
      Fiber.join(delivery).pipe(Effect.as("finished" as const)),
      Deferred.await(input.stop).pipe(Effect.as("stopping" as const)),
    )
    if (first === "stopping") {
      if (stoppedBy === "signal")
        yield* Effect.logInfo(
          `stopping: generation stopped, waiting up to ${Duration.format(input.drainTimeout)} for ${counters.pending.size} in-flight events (Ctrl-C again to force)`,
        )
      const drained = yield* Fiber.join(delivery).pipe(Effect.timeoutOption(input.drainTimeout))
      if (Option.isNone(drained)) {
        yield* Fiber.interrupt(delivery)
        yield* Effect.logWarning(
          `drain timeout: ${counters.pending.size} events were not acknowledged in time and count as failed`,
        )
      }
    }
    // Anything never answered (a drain timeout) is failed, and dead-lettered when asked.
    const abandoned = counters.abandonPending()
    if (deadLetters !== undefined && abandoned.length > 0)
      counters.deadLettered += deadLetters.write(abandoned)

    return counters.summary({
      topic: input.topic,
      ...(input.client === undefined ? {} : { client: input.client }),
      seed: input.seed,
      stoppedBy,
      ...(fatal === undefined ? {} : { error: fatal.message }),
    })
  })

/** How the pacer runs for the given pacing and options. */
export const pacerOptions = (options: {
  readonly pacingIsMax: boolean
  readonly startTime: number | undefined
  readonly count: number | undefined
  readonly durationMs: number | undefined
  readonly maxGroup: number
}): Pacer.PacerOptions => ({
  realTime: !options.pacingIsMax && options.startTime === undefined,
  maxGroup: options.maxGroup,
  count: options.count,
  durationMs: options.durationMs,
  durationIsEventTime: options.startTime !== undefined,
})
