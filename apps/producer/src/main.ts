#!/usr/bin/env bun
/**
 * customer-events: streams realistic e-commerce customer events into Kafka (or stdout with
 * --dry-run). Parses the command line, connects, runs, prints the summary, and exits with the
 * code DESIGN.md promises: 0 all delivered, 1 some failed, 2 bad usage/config/cluster, 130 forced.
 */
import { writeFileSync } from "node:fs"
import { Failure, Flags, Logging, Terminal } from "@customer-events/cli"
import { CustomerEvent, EventClock, EventGenerator, Pacing } from "@customer-events/events"
import { KafkaAdmin, KafkaConfig, type KafkaError, KafkaProducer } from "@customer-events/kafka"
import { Cause, Deferred, Duration, Effect, Exit, Fiber, Option } from "effect"
import packageJson from "../package.json" with { type: "json" }
import * as Cli from "./Cli.js"
import { Counters, type Summary } from "./Counters.js"
import * as DeadLetterFile from "./DeadLetterFile.js"
import * as Output from "./Output.js"
import * as Run from "./Run.js"
import * as StdoutTarget from "./StdoutTarget.js"

/** Start-up failures: all exit 2. */
type StartupError = Flags.UsageError | KafkaError.KafkaError

/** The app keeps the producer's own drain short: the run has already drained with --drain-timeout. */
const producerDrainMs = 2_000

const connect = (options: Cli.RunOptions) =>
  Effect.gen(function* () {
    const loaded = yield* KafkaConfig.load({
      configFile: options.configFile,
      flags: { ...options.kafka, drainTimeoutMs: producerDrainMs },
    })
    if (loaded.unknownKeys.length > 0)
      yield* Effect.logWarning(
        `${options.configFile}: ignoring keys this producer does not use: ${loaded.unknownKeys.join(", ")}`,
      )
    const config = loaded.config
    yield* Effect.logInfo(`connecting to ${KafkaConfig.describe(config)}`)
    yield* Effect.scoped(
      Effect.gen(function* () {
        const admin = yield* KafkaAdmin.make(config)
        if (options.createTopic) {
          const { created } = yield* admin.ensureTopic({
            topic: options.topic,
            partitions: options.partitions,
            replicationFactor: options.replicationFactor,
          })
          if (created)
            yield* Effect.logInfo(
              `created topic ${options.topic} (${options.partitions} partitions, replication factor ${options.replicationFactor})`,
            )
        } else if (!(yield* admin.topicExists(options.topic))) {
          return yield* new Flags.UsageError({
            flag: "--topic",
            reason: `topic "${options.topic}" does not exist: pass --create-topic (with --partitions and --replication-factor) to create it`,
          })
        }
      }),
    )
    return yield* KafkaProducer.make(config)
  })

const runStream = (options: Cli.RunOptions, signals: Signals) =>
  Effect.gen(function* () {
    const seed = options.seed ?? String(Math.floor(Math.random() * 2 ** 31))
    if (options.seed === undefined)
      yield* Effect.logInfo(`seed ${seed} (pass --seed ${seed} to reproduce this stream)`)
    const generator = yield* EventGenerator.makeSeeded(seed, {
      mode: options.mode,
      customers: options.customers,
      products: options.products,
      pacing: options.pacing,
      clock: options.startTime === undefined ? EventClock.wall() : EventClock.simulated(options.startTime),
    })
    const producer = options.dryRun ? StdoutTarget.make() : yield* connect(options)
    const deadLetters =
      options.deadLetterFile === undefined ? undefined : DeadLetterFile.open(options.deadLetterFile)
    yield* Effect.addFinalizer(() => Effect.sync(() => deadLetters?.close()))
    const counters = new Counters()
    const stop = yield* Deferred.make<void>()
    signals.arm({
      stop,
      counters,
      deadLetters,
      options,
      seed,
      client: options.dryRun ? undefined : producer.config.client,
    })
    yield* Effect.logInfo(
      `streaming ${options.mode} events to ${options.dryRun ? "stdout" : `topic ${options.topic}`}: ${Pacing.describe(options.pacing)}` +
        (options.count !== undefined ? `, ${options.count} events` : "") +
        (options.durationMs !== undefined
          ? `, for ${Duration.format(Duration.millis(options.durationMs))}`
          : "") +
        (options.startTime !== undefined
          ? `, event time from ${new Date(options.startTime).toISOString()}`
          : "") +
        (options.count === undefined && options.durationMs === undefined ? " until Ctrl-C" : ""),
    )
    const progress = yield* Effect.fork(Output.progress(counters, options.progress && !options.dryRun))
    const summary = yield* Run.run({
      topic: options.topic,
      ...(options.dryRun ? {} : { client: producer.config.client }),
      seed,
      generator,
      producer,
      counters,
      stop,
      deadLetters,
      drainTimeout: Duration.millis(options.drainTimeoutMs),
      pacer: Run.pacerOptions({
        pacingIsMax: options.pacing._tag === "Max",
        startTime: options.startTime,
        count: options.count,
        durationMs: options.durationMs,
        maxGroup: producer.config.batchMaxRecords,
      }),
      ...(options.dryRun ? { stopsTheRun: () => true } : {}),
    })
    yield* Fiber.interrupt(progress)
    return summary
  })

const finish = (summary: Summary, options: Cli.RunOptions) => {
  if (options.summaryFile !== undefined)
    writeFileSync(options.summaryFile, `${JSON.stringify(summary, null, 2)}\n`)
  Output.printSummary(summary, options.dryRun)
  return summary.failed > 0 ? 1 : 0
}

/**
 * SIGINT/SIGTERM: the first stops generation and lets in-flight batches drain; a second SIGINT
 * writes what it can (unanswered events count as failed and are dead-lettered) and exits 130.
 */
class Signals {
  private armed:
    | {
        stop: Deferred.Deferred<void>
        counters: Counters
        deadLetters: DeadLetterFile.DeadLetterFile | undefined
        options: Cli.RunOptions
        seed: string
        client: string | undefined
      }
    | undefined
  private received = 0
  private firstAt = 0

  constructor() {
    process.on("SIGINT", () => this.onSignal("SIGINT"))
    process.on("SIGTERM", () => this.onSignal("SIGTERM"))
  }

  arm(state: NonNullable<Signals["armed"]>) {
    this.armed = state
    if (this.received > 0) Deferred.unsafeDone(state.stop, Exit.void)
  }

  private onSignal(signal: string) {
    // One Ctrl-C can arrive twice: from the terminal to the whole process group, and forwarded by
    // a parent `bun run`. A repeat within a second is the same Ctrl-C, not a request to force.
    if (this.received > 0 && performance.now() - this.firstAt < 1000) return
    if (this.received === 0) this.firstAt = performance.now()
    this.received++
    if (this.received === 1) {
      if (this.armed === undefined) process.exit(130)
      Deferred.unsafeDone(this.armed.stop, Exit.void)
      return
    }
    if (signal === "SIGTERM" && this.received === 2) return
    const armed = this.armed
    if (armed === undefined) process.exit(130)
    const abandoned = armed.counters.abandonPending()
    if (armed.deadLetters !== undefined) armed.counters.deadLettered += armed.deadLetters.write(abandoned)
    Terminal.writeLine("forced stop: events still in flight count as failed")
    finish(
      armed.counters.summary({
        topic: armed.options.topic,
        ...(armed.client === undefined ? {} : { client: armed.client }),
        seed: armed.seed,
        stoppedBy: "forced",
      }),
      armed.options,
    )
    process.exit(130)
  }
}

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const command = Flags.parseCommand(() => Cli.parse(argv, process.env))
  if (command === undefined) return 2
  switch (command._tag) {
    case "Help":
      process.stdout.write(Cli.help)
      return 0
    case "Version":
      process.stdout.write(`${packageJson.version}\n`)
      return 0
    case "Schema":
      process.stdout.write(`${JSON.stringify(CustomerEvent.jsonSchema(), null, 2)}\n`)
      return 0
    case "Run":
      break
  }
  const options = command.options
  const signals = new Signals()
  const exit = await Effect.runPromiseExit(
    Effect.scoped(runStream(options, signals)).pipe(
      Effect.provide(Logging.layer(options.logFormat, options.logLevel)),
    ),
  )
  if (Exit.isSuccess(exit)) return finish(exit.value, options)
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) {
    const error: StartupError = failure.value
    Terminal.writeLine(`error: ${error.message}`)
    return 2
  }
  Terminal.writeLine(`error: ${Failure.oneLine(exit.cause)}`)
  return 1
}

process.exitCode = await main(Bun.argv.slice(2))
// kafkajs may leave timers behind after disconnecting: do not wait for them.
process.exit()
