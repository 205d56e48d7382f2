#!/usr/bin/env bun
/**
 * customer-events: streams realistic e-commerce customer events into Kafka (or stdout with
 * --dry-run). Parses the command line, connects, runs, prints the summary, and exits with the
 * code DESIGN.md promises: 0 all delivered, 1 some failed, 2 bad usage/config/cluster, 130 forced.
 */
import { writeFileSync } from "node:fs"
import { Failure, Flags, Logging, Terminal } from "@customer-events/cli"
import {
  type Catalog,
  CustomerEvent,
  EventClock,
  EventGenerator,
  Pacing,
  Reference,
  Truth,
} from "@customer-events/events"
import {
  KafkaAdmin,
  KafkaConfig,
  type KafkaError,
  KafkaProducer,
  quietKafkaJsTimerWarnings,
} from "@customer-events/kafka"
import { Cause, Duration, Effect, Exit, Fiber, Option } from "effect"
import packageJson from "../package.json" with { type: "json" }
import * as Cli from "./Cli.js"
import { Counters, type Summary } from "./Counters.js"
import * as DeadLetterFile from "./DeadLetterFile.js"
import * as DeliveryTarget from "./DeliveryTarget.js"
import * as EventPrinter from "./EventPrinter.js"
import { help } from "./Help.js"
import * as Output from "./Output.js"
import * as ReferenceTopics from "./ReferenceTopics.js"
import * as Run from "./Run.js"
import { RunControl } from "./RunControl.js"
import * as StdoutTarget from "./StdoutTarget.js"
import { TruthLog } from "./TruthLog.js"

/** Start-up failures: all exit 2. */
type StartupError = Flags.UsageError | KafkaError.KafkaError

const connect = (options: Cli.RunOptions) =>
  Effect.gen(function* () {
    const loaded = yield* KafkaConfig.load({
      configFile: options.configFile,
      flags: options.kafka,
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
        if (options.referenceTopics !== undefined)
          yield* ReferenceTopics.ensure(admin, options.referenceTopics, options)
      }),
    )
    return yield* KafkaProducer.make(config)
  })

/** Kafka as the run's target: connected, topics checked, reference data written first when asked. */
const kafkaTarget = (options: Cli.RunOptions, catalog: Catalog.Catalog) =>
  Effect.gen(function* () {
    const producer = yield* connect(options)
    if (options.referenceTopics !== undefined)
      yield* ReferenceTopics.write(producer, options.referenceTopics, catalog, options.customers)
    return DeliveryTarget.kafka(producer, options.topic)
  })

/** --truth: the file is opened (emptied) before anything connects, so a bad path fails at once. */
const openTruth = (options: Cli.RunOptions, catalog: Catalog.Catalog) =>
  Effect.try({
    try: () =>
      options.truth === undefined
        ? undefined
        : new TruthLog(options.truth.file, options.truth.windowMs, (id) => catalog.byId.get(id)?.category),
    catch: (error) =>
      new Flags.UsageError({
        flag: "--truth",
        reason: `cannot write ${options.truth?.file}: ${(error as Error).message}`,
      }),
  })

const runStream = (options: Cli.RunOptions, control: RunControl) =>
  Effect.gen(function* () {
    const seed = options.seed ?? String(Math.floor(Math.random() * 2 ** 31))
    if (options.seed === undefined)
      yield* Effect.logInfo(`seed ${seed} (pass --seed ${seed} to reproduce this stream)`)
    const generator = yield* EventGenerator.makeSeeded(seed, {
      mode: options.mode,
      customers: options.customers,
      products: options.products,
      pacing: options.pacing,
      ...(options.profile === undefined ? {} : { profile: options.profile, timeZone: options.timeZone }),
      ...(options.late === undefined ? {} : { late: options.late }),
      duplicateRate: options.duplicateRate,
      anomalies: options.anomalies,
      clock: options.startTime === undefined ? EventClock.wall() : EventClock.simulated(options.startTime),
    })
    const truth = yield* openTruth(options, generator.catalog)
    const target = options.dryRun ? StdoutTarget.make() : yield* kafkaTarget(options, generator.catalog)
    const deadLetters =
      options.deadLetterFile === undefined ? undefined : DeadLetterFile.open(options.deadLetterFile)
    yield* Effect.addFinalizer(() => Effect.sync(() => deadLetters?.close()))
    const counters = new Counters()
    yield* Effect.logInfo(startLine(options, target))
    const progress = yield* Effect.fork(
      Output.progress(counters, options.progress && !options.dryRun, target.latency),
    )
    control.begin()
    const summary = yield* Run.run({
      target,
      topic: options.topic,
      seed,
      generator,
      counters,
      control,
      drainTimeout: target.drainTimeout,
      pacer: Run.pacerOptions({
        pacingIsMax: options.pacing._tag === "Max",
        startTime: options.startTime,
        count: options.count,
        durationMs: options.durationMs,
        maxGroup: target.maxGroup,
      }),
      consumers: [
        ...(deadLetters === undefined ? [] : [DeadLetterFile.consumer(deadLetters, counters)]),
        ...(options.print === undefined ? [] : [EventPrinter.make(options.print)]),
        ...(truth === undefined ? [] : [truth.consumer]),
      ],
      observers: truth === undefined ? [] : [truth.generated],
    })
    yield* Fiber.interrupt(progress)
    if (truth !== undefined) {
      truth.finish()
      yield* Effect.logInfo(`truth: ${truth.windows} windows in ${truth.path}`)
    }
    // A forced stop exits now, without waiting for the producer to close.
    if (summary.stoppedBy === "forced") yield* Effect.sync(() => process.exit(finish(summary, options)))
    return summary
  })

const startLine = (options: Cli.RunOptions, target: DeliveryTarget.DeliveryTarget) =>
  `streaming ${options.mode} events to ${target.description}: ${Pacing.describe(options.pacing)}` +
  (options.profile === undefined ? "" : `, profile ${options.profile.name} (${options.timeZone})`) +
  (options.count !== undefined ? `, ${options.count} events` : "") +
  (options.durationMs !== undefined ? `, for ${Duration.format(Duration.millis(options.durationMs))}` : "") +
  (options.startTime !== undefined ? `, event time from ${new Date(options.startTime).toISOString()}` : "") +
  (options.count === undefined && options.durationMs === undefined ? " until Ctrl-C" : "")

const finish = (summary: Summary, options: Cli.RunOptions) => {
  if (options.summaryFile !== undefined)
    writeFileSync(options.summaryFile, `${JSON.stringify(summary, null, 2)}\n`)
  Output.printSummary(summary, options.dryRun)
  return summary.stoppedBy === "forced" ? 130 : summary.failed > 0 ? 1 : 0
}

/**
 * SIGINT/SIGTERM: the first stops generation and lets in-flight batches drain; a second SIGINT
 * forces the stop (in-flight events count as failed and are dead-lettered) and exits 130. Before
 * the run has begun there is nothing to account for: a signal exits 130 at once.
 */
const onSignals = (control: RunControl) => {
  let received = 0
  let firstAt = 0
  const onSignal = (signal: string) => {
    // One Ctrl-C can arrive twice: from the terminal to the whole process group, and forwarded by
    // a parent `bun run`. A repeat within a second is the same Ctrl-C, not a request to force.
    if (received > 0 && performance.now() - firstAt < 1000) return
    if (received === 0) firstAt = performance.now()
    received++
    if (!control.running) process.exit(130)
    if (received === 1) control.stop("signal")
    else if (signal === "SIGINT" || received > 2) control.force()
  }
  process.on("SIGINT", () => onSignal("SIGINT"))
  process.on("SIGTERM", () => onSignal("SIGTERM"))
}

const schemaOf = (entity: Cli.SchemaEntity) =>
  entity === "event"
    ? CustomerEvent.jsonSchema()
    : entity === "truth"
      ? Truth.jsonSchema()
      : Reference.jsonSchema(entity)

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const command = Flags.parseCommand(() => Cli.parse(argv, process.env))
  if (command === undefined) return 2
  switch (command._tag) {
    case "Help":
      process.stdout.write(help)
      return 0
    case "Version":
      process.stdout.write(`${packageJson.version}\n`)
      return 0
    case "Schema":
      process.stdout.write(`${JSON.stringify(schemaOf(command.entity), null, 2)}\n`)
      return 0
    case "Run":
      break
  }
  const options = command.options
  const control = new RunControl()
  onSignals(control)
  const exit = await Effect.runPromiseExit(
    Effect.scoped(runStream(options, control)).pipe(
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

quietKafkaJsTimerWarnings()
process.exitCode = await main(Bun.argv.slice(2))
// kafkajs may leave timers behind after disconnecting: do not wait for them.
process.exit()
