/** A run on the TestClock with an in-memory producer, for the stream-logic tests. */
import { EventClock, EventGenerator, type EventRecord, type Pacing } from "@customer-events/events"
import { KafkaProducer } from "@customer-events/kafka"
import { Duration, Effect, Fiber, References } from "effect"
import { TestClock } from "effect/testing"
import * as DeadLetterFile from "../src/DeadLetterFile.js"
import * as DeliveryTarget from "../src/DeliveryTarget.js"
import * as Run from "../src/Run.js"
import { RunControl } from "../src/RunControl.js"
import { RunState } from "../src/RunState.js"
import * as Transactions from "../src/Transactions.js"

export interface Setup {
  readonly pacing: Pacing.Pacing
  readonly count?: number
  readonly durationMs?: number
  readonly startTime?: number
  readonly latency?: Duration.Input
  readonly fail?: KafkaProducer.InMemoryOptions["fail"]
  readonly deadLetterFile?: string
  readonly drainTimeout?: Duration.Input
  readonly values?: EventRecord.ValueEncoder
  /** In transactions of this size and abort rate (--transactional-id). */
  readonly transactions?: Omit<Transactions.TransactionOptions, "given">
}

/** Starts a run on the TestClock; the caller drives time and may stop it. */
export const start = (setup: Setup) =>
  Effect.gen(function* () {
    const log: KafkaProducer.InMemoryLog = { records: [] }
    const producer = yield* KafkaProducer.makeInMemory({
      log,
      latency: setup.latency ?? "2 millis",
      config: {
        batchMaxRecords: 500,
        lingerMs: 5,
        ...(setup.transactions === undefined ? {} : { transactionalId: "in-memory" }),
      },
      ...(setup.fail ? { fail: setup.fail } : {}),
    })
    const generator = yield* EventGenerator.makeSeeded(1, {
      pacing: setup.pacing,
      clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00.000Z")),
    })
    const state = new RunState()
    const control = new RunControl()
    control.begin()
    const deadLetters = setup.deadLetterFile ? DeadLetterFile.open(setup.deadLetterFile) : undefined
    const fiber = yield* Effect.forkChild(
      Run.run({
        target:
          setup.transactions === undefined
            ? DeliveryTarget.kafka(producer, "t")
            : Transactions.target(producer, "t", { ...setup.transactions, given: [] }, "1"),
        topic: "t",
        seed: "1",
        ...(setup.values === undefined ? {} : { values: setup.values }),
        generator,
        state,
        control,
        consumers: deadLetters === undefined ? [] : [DeadLetterFile.consumer(deadLetters, state)],
        drainTimeout: Duration.fromInputUnsafe(setup.drainTimeout ?? "30 seconds"),
        pacer: Run.pacerOptions({
          pacingIsMax: setup.pacing._tag === "Max",
          startTime: setup.startTime,
          count: setup.count,
          durationMs: setup.durationMs,
          maxGroup: 500,
        }),
      }),
    )
    return { fiber, control, state, log, deadLetters }
  })

export const runTest = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.runPromise(
    effect.pipe(
      Effect.provide(TestClock.layer()),
      Effect.provideService(References.MinimumLogLevel, "None"),
      Effect.timeout("30 seconds"),
    ),
  )

/** Advances the TestClock in small steps until the fiber is done (or the budget runs out). */
export const advanceUntilDone = <A, E>(fiber: Fiber.Fiber<A, E>, step: Duration.Input, maxSteps = 100_000) =>
  Effect.gen(function* () {
    for (let i = 0; i < maxSteps; i++) {
      if (fiber.pollUnsafe() !== undefined) break
      yield* TestClock.adjust(step)
    }
    return yield* Fiber.join(fiber)
  })

export const advance = (total: Duration.Input, step: Duration.Input) =>
  Effect.gen(function* () {
    const steps = Math.round(Duration.toMillis(total) / Duration.toMillis(step))
    for (let i = 0; i < steps; i++) yield* TestClock.adjust(step)
  })
