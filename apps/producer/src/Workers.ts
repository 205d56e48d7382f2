/**
 * --workers N: N instances of the stream in Bun workers, one command. The parent checks or creates
 * the topics and writes the reference data once, then starts each worker with the command line it
 * was given, narrowed to its instance (--instance k/N, the same --seed, no topic creation); it shows
 * one progress line from the workers' counters and adds their summaries into one. A stop (Ctrl-C)
 * goes to every worker, which drains and reports: the sum adds up as a single run's does.
 */
import { writeFileSync } from "node:fs"
import { FlagSpec } from "@customer-events/cli"
import { Catalog, Pacing } from "@customer-events/events"
import { Deferred, Effect, Exit, Fiber } from "effect"
import * as Cli from "./Cli.js"
import * as Output from "./Output.js"
import { producerFlags } from "./ProducerFlags.js"
import * as Production from "./Production.js"
import * as ReferenceTopics from "./ReferenceTopics.js"
import type { RunControl } from "./RunControl.js"
import * as RunMetrics from "./RunMetrics.js"
import { RunState, type Summary, sum } from "./RunState.js"
import * as Runtime from "./Runtime.js"
import type { FromWorker, Report, ToWorker } from "./WorkerThread.js"

/** Flags the parent handles itself: a worker never gets them. */
const parentOnly = FlagSpec.parentOnly(producerFlags)

/** The command line without the given flags (and their values). */
export const withoutFlags = (argv: ReadonlyArray<string>, names: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const name = arg.startsWith("--") ? arg.slice(2).split("=")[0]! : ""
    if (!names.includes(name)) out.push(arg)
    else if (!arg.includes("=") && Cli.takesValue(name)) i++
  }
  return out
}

/** Worker k's command line: its instance within the command's (--instance I/N splits further). */
const instanceOf = (options: Cli.RunOptions, k: number) => {
  const parent = options.instance ?? { index: 1, of: 1 }
  return `${(parent.index - 1) * options.workers + k}/${parent.of * options.workers}`
}

const workerArgv = (argv: ReadonlyArray<string>, options: Cli.RunOptions, seed: string, k: number) => {
  const instance = instanceOf(options, k)
  const quiet = argv.some((a) => a.startsWith("--log-level")) ? [] : ["--log-level", "warn"]
  return [
    ...withoutFlags(argv, parentOnly),
    "--instance",
    instance,
    "--seed",
    seed,
    "--no-progress",
    ...quiet,
  ]
}

/** Topics checked or created, reference data written: once, before any worker starts. The client's name. */
const prepare = (options: Cli.RunOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const { producer, values } = yield* Production.connect(options)
      if (options.referenceTopics !== undefined)
        yield* ReferenceTopics.write(
          producer,
          options.referenceTopics,
          Catalog.makeCatalog(options.products),
          options.customers,
          values.entities,
        )
      return producer.config.client
    }),
  )

/** Worker k's metric labels: its instance. */
const labelsOf = (options: Cli.RunOptions, client: string, k: number): RunMetrics.Labels => ({
  topic: options.topic,
  client,
  instance: instanceOf(options, k),
})

/** A worker's reports as the parent's metrics: served by --metrics-port, read by the progress line. */
const publisherOf = (options: Cli.RunOptions, labels: RunMetrics.Labels) =>
  RunMetrics.publisher(labels, Pacing.shareOf(options.pacing, options.workers))

/** The workers' summaries as one run's. */
export const combine = (
  summaries: ReadonlyArray<Summary>,
  base: Pick<Summary, "seed" | "elapsedMs">,
): Summary => {
  const reasons = summaries.map((s) => s.stoppedBy)
  const stoppedBy = (["forced", "error", "signal", "duration", "count"] as const).find((r) =>
    reasons.includes(r),
  )!
  const error = summaries.find((s) => s.error !== undefined)?.error
  const { instance: _, ...first } = summaries[0]!
  return {
    ...first,
    ...sum(summaries),
    ...base,
    workers: summaries.length,
    stoppedBy,
    anomalies: summaries.flatMap((s) => s.anomalies),
    ...(error === undefined ? {} : { error }),
  }
}

/** The parent's figures: its workers' latest reports added up, for the progress line. */
const tally = (state: RunState, reports: ReadonlyArray<Report | undefined>) =>
  state.adopt(sum(reports.flatMap((r) => (r === undefined ? [] : [r.figures]))))

interface Started {
  readonly worker: Worker
  readonly done: Deferred.Deferred<Summary, string>
}

const start = (
  argv: ReadonlyArray<string>,
  reports: Array<Report | undefined>,
  k: number,
  publish: ReturnType<typeof RunMetrics.publisher>,
): Started => {
  const worker = Runtime.startWorker()
  const done = Deferred.makeUnsafe<Summary, string>()
  const fail = (reason: string) => Deferred.doneUnsafe(done, Exit.fail(`worker ${k + 1}: ${reason}`))
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const message = event.data
    if (message.type === "progress") {
      reports[k] = message.report
      Effect.runSync(publish(message.report.figures, message.report.batches))
    } else if (message.type === "summary") {
      Effect.runSync(publish(message.summary))
      Deferred.doneUnsafe(done, Exit.succeed(message.summary))
    } else fail(message.message)
  }
  worker.onerror = (event) => fail(event.message)
  worker.postMessage({ type: "start", argv } satisfies ToWorker)
  return { worker, done }
}

/** Runs the command's workers to one summary; a worker's failure fails the command after the others stop. */
export const run = (argv: ReadonlyArray<string>, options: Cli.RunOptions, control: RunControl) =>
  Effect.gen(function* () {
    const startedAt = performance.now()
    const client = yield* prepare(options)
    const seed = yield* Production.seedOf(options)
    if (options.deadLetterFile !== undefined) writeFileSync(options.deadLetterFile, "")
    const reports: Array<Report | undefined> = new Array(options.workers).fill(undefined)
    yield* Effect.logInfo(
      `streaming with ${options.workers} workers, each its own instance and Kafka producer`,
    )
    control.begin()
    const labels = reports.map((_, k) => labelsOf(options, client, k + 1))
    const workers = labels.map((workerLabels, k) =>
      start(workerArgv(argv, options, seed, k + 1), reports, k, publisherOf(options, workerLabels)),
    )
    const tell = (message: ToWorker) =>
      Effect.sync(() => {
        for (const w of workers) w.worker.postMessage(message)
      })
    yield* Effect.forkChild(Effect.andThen(control.stopped, tell({ type: "stop" })))
    yield* Effect.forkChild(Effect.andThen(control.forced, tell({ type: "force" })))
    const state = new RunState()
    const progress = yield* Effect.forkChild(
      Output.progress(state, options.progress, RunMetrics.latencyOf(labels)),
    )
    const ticker = setInterval(() => tally(state, reports), 250)
    // A worker that fails stops the others: they drain and report before the command fails.
    const results = yield* Effect.forEach(
      workers,
      (w) =>
        Deferred.await(w.done).pipe(
          Effect.tapError(() => Effect.sync(() => control.stop("error"))),
          Effect.result,
        ),
      { concurrency: "unbounded" },
    )
    clearInterval(ticker)
    yield* Fiber.interrupt(progress)
    for (const w of workers) w.worker.terminate()
    const failure = results.find((r) => r._tag === "Failure")
    if (failure !== undefined) return yield* Effect.fail(failure.failure)
    const summaries = results
      .map((r) => (r._tag === "Success" ? r.success : undefined))
      .filter((s) => s !== undefined)
    return combine(summaries, { seed, elapsedMs: Math.round(performance.now() - startedAt) })
  })
