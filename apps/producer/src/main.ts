#!/usr/bin/env bun
/**
 * customer-events: streams realistic e-commerce customer events into Kafka (or stdout with
 * --dry-run). Parses the command line, connects, runs, prints the summary, and exits with the
 * code DESIGN.md promises: 0 all delivered, 1 some failed, 2 bad usage/config/cluster, 130 forced.
 */
import { writeFileSync } from "node:fs"
import { Failure, Flags, Logging, Main, Terminal } from "@customer-events/cli"
import { EntityFormat, EventFormat, Reference, Truth } from "@customer-events/events"
import { type KafkaError, quietKafkaJsTimerWarnings, type SchemaRegistry } from "@customer-events/kafka"
import { Cause, Deferred, Effect, Exit, Fiber, Metric, Option } from "effect"
import packageJson from "../package.json" with { type: "json" }
import * as Cli from "./Cli.js"
import { help } from "./Help.js"
import * as MetricsServer from "./MetricsServer.js"
import * as Output from "./Output.js"
import * as Production from "./Production.js"
import { RunControl } from "./RunControl.js"
import { RunState, type Summary } from "./RunState.js"
import * as Runtime from "./Runtime.js"
import * as Workers from "./Workers.js"
import * as WorkerThread from "./WorkerThread.js"

/** Start-up failures: all exit 2. */
type StartupError = Flags.UsageError | KafkaError.KafkaError | SchemaRegistry.SchemaRegistryError

const finish = (summary: Summary, options: Cli.RunOptions) => {
  if (options.summaryFile !== undefined)
    writeFileSync(options.summaryFile, `${JSON.stringify(summary, null, 2)}\n`)
  Output.printSummary(summary, options.dryRun)
  const failed = summary.failed + (summary.referenceChanges?.failed ?? 0)
  return summary.stoppedBy === "forced" ? 130 : failed > 0 ? 1 : 0
}

const jsonSchemaOf = (entity: Cli.SchemaEntity, version: EventFormat.SchemaVersion) =>
  entity === "event"
    ? JSON.parse(EventFormat.schemaText("json-schema", version))
    : entity === "truth"
      ? Truth.jsonSchema()
      : Reference.jsonSchema(entity)

/** `schema`: the JSON Schema (json, json-schema), or an event's or entity's Avro schema or .proto. */
const schemaText = (
  entity: Cli.SchemaEntity,
  format: EventFormat.Format,
  version: EventFormat.SchemaVersion,
) => {
  if (format !== "avro" && format !== "protobuf")
    return `${JSON.stringify(jsonSchemaOf(entity, version), null, 2)}\n`
  if (entity === "event") return EventFormat.printableSchema(format, version)
  const text = EntityFormat.schemaText(entity as Reference.Entity, format)
  return format === "protobuf" ? text : `${JSON.stringify(JSON.parse(text), null, 2)}\n`
}

const main = (argv: ReadonlyArray<string>, exiting: Main.Exiting): Effect.Effect<number> =>
  Effect.suspend(() => {
    const command = Flags.parseCommand(() => Cli.parse(argv, process.env))
    if (command === undefined) return Effect.succeed(2)
    switch (command._tag) {
      case "Help":
        process.stdout.write(help)
        return Effect.succeed(0)
      case "Version":
        process.stdout.write(`${packageJson.version}\n`)
        return Effect.succeed(0)
      case "Schema":
        process.stdout.write(schemaText(command.entity, command.format, command.version))
        return Effect.succeed(0)
      case "Run":
        return withMetrics(command.options, exiting, runCommand(argv, command.options, exiting))
    }
  })

/**
 * Serves /metrics from before the run starts until after its summary and --metrics-linger (which
 * Ctrl-C ends at once, with the run's code).
 */
const withMetrics = (
  options: Cli.RunOptions,
  exiting: Main.Exiting,
  run: Effect.Effect<number>,
): Effect.Effect<number> => {
  if (options.metrics === undefined) return run
  const { host, port, lingerMs } = options.metrics
  return Effect.gen(function* () {
    const server = yield* Effect.tryPromise(() => MetricsServer.start(host, port)).pipe(
      Effect.tapError((error) =>
        Effect.sync(() => Terminal.writeLine(`error: ${(error.cause as Error).message}`)),
      ),
      Effect.option,
    )
    if (Option.isNone(server)) return 2
    const code = yield* run
    exiting.settle(code)
    if (lingerMs > 0) yield* Effect.sleep(lingerMs)
    yield* Effect.promise(() => server.value.close())
    return code
  })
}

/** A run's exit code: its summary's, or 2 for a start-up failure, 1 for anything unexpected. */
const codeOf = (exit: Exit.Exit<Summary, StartupError | string>, options: Cli.RunOptions): number => {
  if (Exit.isSuccess(exit)) return finish(exit.value, options)
  const failure = Cause.findErrorOption(exit.cause)
  if (Option.isSome(failure)) {
    const error: StartupError | string = failure.value
    Terminal.writeLine(`error: ${typeof error === "string" ? error : error.message}`)
    return 2
  }
  Terminal.writeLine(`error: ${Failure.oneLine(exit.cause)}`)
  return 1
}

/**
 * The run goes on in a fiber of its own. The first SIGINT/SIGTERM interrupts the program (runMain):
 * the run is told to stop generating, lets in-flight batches drain, and its summary still decides
 * the exit code. A second Ctrl-C forces the stop (in-flight events count as failed and are
 * dead-lettered; exit 130), without waiting for the producer to close. Before the run has begun
 * there is nothing to account for: a signal exits 130 at once.
 */
const runCommand = (argv: ReadonlyArray<string>, options: Cli.RunOptions, exiting: Main.Exiting) =>
  Effect.gen(function* () {
    const control = new RunControl()
    Main.onSecondSignal(() => control.force())
    const forced = yield* Deferred.make<Summary>()
    const ended = (summary: Summary) =>
      summary.stoppedBy === "forced" ? Deferred.succeed(forced, summary) : Effect.void
    const stream =
      options.workers > 1
        ? Workers.run(argv, options, control)
        : Production.runStream(options, { control, state: new RunState(), ended })
    const label = Production.instanceLabel(options).instance
    const run = Effect.scoped(stream).pipe(
      label === undefined
        ? (e) => e
        : Effect.provideService(Metric.CurrentMetricAttributes, { instance: label }),
      options.metrics === undefined
        ? (e) => e
        : (e) =>
            Effect.andThen(
              Effect.logInfo(`metrics at http://${options.metrics?.host}:${options.metrics?.port}/metrics`),
              e,
            ),
      Effect.provide(Logging.layer(options.logFormat, options.logLevel)),
    )
    const fiber = yield* Effect.forkDetach(run)
    const outcome = Effect.raceFirst(Fiber.await(fiber), Effect.map(Deferred.await(forced), Exit.succeed))
    return yield* Effect.map(outcome, (exit) => codeOf(exit, options)).pipe(
      Effect.onInterrupt(() =>
        control.running
          ? Effect.sync(() => control.stop("signal")).pipe(
              Effect.andThen(outcome),
              Effect.map((exit) => exiting.settle(codeOf(exit, options))),
            )
          : Effect.void,
      ),
    )
  })

quietKafkaJsTimerWarnings()
// The same entry point runs each worker of --workers (Workers.ts starts it).
if (!Runtime.isMainThread) WorkerThread.serve()
else Main.run((exiting) => main(Runtime.args(), exiting))
