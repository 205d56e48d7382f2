/**
 * One run: generator -> pacer -> record encoding -> delivery target -> outcome consumers (run state,
 * dead letters, --print). A stop (signal, fatal error) ends generation at once; in-flight batches
 * then get the drain timeout, after which (or at a forced stop) the target gives up on them: they
 * come back as failed outcomes, so every generated event has exactly one outcome.
 */
import { type EventGenerator, EventRecord } from "@customer-events/events"
import { KafkaProducer } from "@customer-events/kafka"
import { type Array as Arr, Deferred, Duration, Effect, Fiber, Option, Stream } from "effect"
import { type DeliveryTarget, isFatal, type Outcome } from "./DeliveryTarget.js"
import * as Pacer from "./Pacer.js"
import type { RunControl } from "./RunControl.js"
import type { RunState, Summary } from "./RunState.js"

export interface RunInput {
  readonly target: DeliveryTarget
  /** The topic, for the summary. */
  readonly topic: string
  readonly seed: string
  /** "I/N" when this run is one of several instances: a header on every record, and in the summary. */
  readonly instance?: string
  /** How the values are written: a registry format's wire bytes; default JSON. */
  readonly values?: EventRecord.ValueEncoder
  /** The contract version the events follow: the `schema-version` header. */
  readonly schemaVersion?: string
  readonly generator: EventGenerator.EventGenerator
  readonly pacer: Pacer.PacerOptions
  readonly state: RunState
  readonly control: RunControl
  readonly drainTimeout: Duration.Duration
  /** What else each outcome goes to, after it is counted: the dead-letter file, --print, --truth. */
  readonly consumers: ReadonlyArray<(outcome: Outcome) => Effect.Effect<void>>
  /** What else sees each generated batch with its records, once counted: --truth. */
  readonly observers?: ReadonlyArray<
    (batch: EventGenerator.Batch, records: ReadonlyArray<EventRecord.Encoded>) => void
  >
}

export const run = (input: RunInput): Effect.Effect<Summary> =>
  Effect.gen(function* () {
    const { state, control, target } = input
    const records = Pacer.stream(
      input.generator,
      { ...input.pacer, isStopped: control.isStopped },
      (reason) => control.ended(reason),
    ).pipe(
      // Generation stops at once on a stop; what was already generated still goes out.
      Stream.interruptWhen(control.stopped),
      Stream.map((batch) => {
        state.generated(batch)
        const encoded = EventRecord.fromEvents(
          batch.events,
          batch.anomalies,
          input.instance,
          input.values,
          input.schemaVersion,
        )
        for (const observe of input.observers ?? []) observe(batch, encoded)
        return encoded
      }),
      // Records of a batch go on as one chunk; an empty batch (nothing due yet) is dropped.
      Stream.filter((encoded) => encoded.length > 0),
      (batches) =>
        Stream.flattenArray(
          batches as unknown as Stream.Stream<Arr.NonEmptyReadonlyArray<EventRecord.Encoded>>,
        ),
    )
    const abandon = yield* Deferred.make<KafkaProducer.DeliveryAbandoned>()
    const delivery = yield* Effect.forkChild(
      target
        .deliver(records, Deferred.await(abandon))
        .pipe(Stream.runForEach((outcome) => consume(input, outcome))),
    )
    const first = yield* Effect.raceFirst(
      Fiber.join(delivery).pipe(Effect.as("finished" as const)),
      control.stopped.pipe(Effect.as("stopping" as const)),
    )
    if (first === "stopping") yield* drain(input, delivery, abandon)
    yield* Fiber.join(delivery)
    return state.summary({
      topic: input.topic,
      ...(target.client === undefined ? {} : { client: target.client }),
      seed: input.seed,
      ...(input.instance === undefined ? {} : { instance: input.instance }),
      stoppedBy: control.stoppedBy,
      anomalies: input.generator.episodes(),
      ...(control.error === undefined ? {} : { error: control.error }),
    })
  })

/** Counts an outcome, stops the run on a fatal failure, then hands it on. */
const consume = (input: RunInput, outcome: Outcome) =>
  Effect.gen(function* () {
    input.state.answered(outcome)
    if (outcome._tag === "Failed" && isFatal(outcome.error) && input.control.error === undefined) {
      input.control.stop("error", outcome.error.message)
      yield* Effect.logError(`stopping: ${outcome.error.message}`)
    }
    for (const consumer of input.consumers) yield* consumer(outcome)
  })

/** Waits for in-flight batches up to the drain timeout (or a forced stop), then gives up on them. */
const drain = (
  input: RunInput,
  delivery: Fiber.Fiber<void>,
  abandon: Deferred.Deferred<KafkaProducer.DeliveryAbandoned>,
) =>
  Effect.gen(function* () {
    const { state, control } = input
    if (control.stoppedBy === "signal")
      yield* Effect.logInfo(
        `stopping: generation stopped, waiting up to ${Duration.format(input.drainTimeout)} for ` +
          `${state.pending} in-flight events (Ctrl-C again to force)`,
      )
    const drained = yield* Fiber.join(delivery).pipe(
      Effect.timeoutOption(input.drainTimeout),
      Effect.raceFirst(control.forced.pipe(Effect.as(Option.none()))),
    )
    if (Option.isSome(drained)) return
    const stop =
      control.stoppedBy === "forced"
        ? new KafkaProducer.DeliveryAbandoned({ stop: "forced" })
        : new KafkaProducer.DeliveryAbandoned({
            stop: "drain-timeout",
            drainTimeout: Duration.format(input.drainTimeout),
          })
    if (stop.stop === "forced")
      yield* Effect.logWarning("forced stop: events still in flight count as failed")
    else yield* Effect.logWarning(`drain timeout: ${state.pending} events ${stop.message} count as failed`)
    yield* Deferred.succeed(abandon, stop)
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
