#!/usr/bin/env bun
/**
 * customer-events: streams realistic e-commerce customer events into Kafka (or stdout with
 * --dry-run). Parses the command line, connects, runs, prints the summary, and exits with the
 * code DESIGN.md promises: 0 all delivered, 1 some failed, 2 bad usage/config/cluster, 130 forced.
 */
import { writeFileSync } from "node:fs"
import { Failure, Flags, Logging, Terminal } from "@customer-events/cli"
import { CustomerEvent, Reference, Truth } from "@customer-events/events"
import { type KafkaError, quietKafkaJsTimerWarnings } from "@customer-events/kafka"
import { Cause, Effect, Exit, Option } from "effect"
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
type StartupError = Flags.UsageError | KafkaError.KafkaError

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
  return runCommand(argv, command.options)
}

/** Serves /metrics from before the run starts until after its summary (and --metrics-linger). */
const withMetrics = async (options: Cli.RunOptions, run: () => Promise<number>): Promise<number> => {
  if (options.metrics === undefined) return run()
  const { host, port, lingerMs } = options.metrics
  let server: MetricsServer.MetricsServer
  try {
    server = await MetricsServer.start(host, port, packageJson.version)
  } catch (error) {
    Terminal.writeLine(`error: ${(error as Error).message}`)
    return 2
  }
  const code = await run()
  // Lingering lets a last scrape see the final figures; Ctrl-C ends it at once.
  if (lingerMs > 0)
    await Promise.race([Runtime.sleep(lingerMs), new Promise((end) => process.once("SIGINT", end))])
  await server.close()
  return code
}

const runCommand = (argv: ReadonlyArray<string>, options: Cli.RunOptions) =>
  withMetrics(options, async () => {
    const control = new RunControl()
    onSignals(control)
    const ended = (summary: Summary) =>
      // A forced stop exits now, without waiting for the producer to close.
      summary.stoppedBy === "forced" ? Effect.sync(() => process.exit(finish(summary, options))) : Effect.void
    const stream =
      options.workers > 1
        ? Workers.run(argv, options, control)
        : Production.runStream(options, { control, state: new RunState(), ended })
    const label = Production.instanceLabel(options).instance
    const exit = await Effect.runPromiseExit(
      Effect.scoped(stream).pipe(
        label === undefined ? (e) => e : Effect.tagMetrics("instance", label),
        options.metrics === undefined
          ? (e) => e
          : (e) =>
              Effect.zipRight(
                Effect.logInfo(`metrics at http://${options.metrics?.host}:${options.metrics?.port}/metrics`),
                e,
              ),
        Effect.provide(Logging.layer(options.logFormat, options.logLevel)),
      ),
    )
    if (Exit.isSuccess(exit)) return finish(exit.value, options)
    const failure = Cause.failureOption(exit.cause)
    if (Option.isSome(failure)) {
      const error: StartupError | string = failure.value
      Terminal.writeLine(`error: ${typeof error === "string" ? error : error.message}`)
      return 2
    }
    Terminal.writeLine(`error: ${Failure.oneLine(exit.cause)}`)
    return 1
  })

quietKafkaJsTimerWarnings()
// The same entry point runs each worker of --workers (Workers.ts starts it).
if (!Runtime.isMainThread) WorkerThread.serve()
else {
  process.exitCode = await main(Runtime.args())
  // kafkajs may leave timers behind after disconnecting: do not wait for them.
  process.exit()
}
