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
import { Deferred, Effect, Exit, Fiber, FiberId } from "effect"
import * as Cli from "./Cli.js"
import { Counters, type Summary } from "./Counters.js"
import * as Output from "./Output.js"
import { producerFlags } from "./ProducerFlags.js"
import * as Production from "./Production.js"
import * as ReferenceTopics from "./ReferenceTopics.js"
import type { RunControl } from "./RunControl.js"
import * as RunMetrics from "./RunMetrics.js"
import * as Runtime from "./Runtime.js"
import type { FromWorker, Snapshot, ToWorker } from "./WorkerThread.js"

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
      const producer = yield* Production.connect(options)
      if (options.referenceTopics !== undefined)
        yield* ReferenceTopics.write(
          producer,
          options.referenceTopics,
          Catalog.makeCatalog(options.products),
          options.customers,
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
  RunMetrics.publisher(labels, Pacing.shareOf(options.pacing, options.workers), true)

/** The workers' summaries as one run's. */
export const combine = (
  summaries: ReadonlyArray<Summary>,
  base: Pick<Summary, "seed" | "elapsedMs">,
): Summary => {
  const sum = (pick: (s: Summary) => number) => summaries.reduce((n, s) => n + pick(s), 0)
  const byType = { ...summaries[0]!.byType }
  for (const type of Object.keys(byType) as Array<keyof typeof byType>)
    byType[type] = sum((s) => s.byType[type])
  const reasons = summaries.map((s) => s.stoppedBy)
  const stoppedBy = (["forced", "error", "signal", "duration", "count"] as const).find((r) =>
    reasons.includes(r),
  )!
  const error = summaries.find((s) => s.error !== undefined)?.error
  const { instance: _, ...first } = summaries[0]!
  return {
    ...first,
    generated: sum((s) => s.generated),
    delivered: sum((s) => s.delivered),
    failed: sum((s) => s.failed),
    deadLettered: sum((s) => s.deadLettered),
    retries: sum((s) => s.retries),
    late: sum((s) => s.late),
    duplicatesInjected: sum((s) => s.duplicatesInjected),
    byType,
    ...base,
    workers: summaries.length,
    stoppedBy,
    anomalies: summaries.flatMap((s) => s.anomalies),
    ...(error === undefined ? {} : { error }),
  }
}

/** The parent's counters: the sum of the workers' latest snapshots, for the progress line. */
const tally = (counters: Counters, snapshots: ReadonlyArray<Snapshot | undefined>) => {
  const total = (pick: (s: Snapshot) => number) =>
    snapshots.reduce((n, s) => n + (s === undefined ? 0 : pick(s)), 0)
  counters.generated = total((s) => s.generated)
  counters.delivered = total((s) => s.delivered)
  counters.failed = total((s) => s.failed)
  counters.deadLettered = total((s) => s.deadLettered)
  counters.retries = total((s) => s.retries)
}

interface Started {
  readonly worker: Worker
  readonly done: Deferred.Deferred<Summary, string>
}

const start = (
  argv: ReadonlyArray<string>,
  snapshots: Array<Snapshot | undefined>,
  k: number,
  publish: (figures: RunMetrics.Figures) => Effect.Effect<void>,
): Started => {
  const worker = Runtime.startWorker()
  const done = Deferred.unsafeMake<Summary, string>(FiberId.none)
  const fail = (reason: string) => Deferred.unsafeDone(done, Exit.fail(`worker ${k + 1}: ${reason}`))
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const message = event.data
    if (message.type === "progress") {
      snapshots[k] = message.snapshot
      Effect.runSync(publish(message.snapshot))
    } else if (message.type === "summary") {
      Effect.runSync(publish(message.summary))
      Deferred.unsafeDone(done, Exit.succeed(message.summary))
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
    const snapshots: Array<Snapshot | undefined> = new Array(options.workers).fill(undefined)
    yield* Effect.logInfo(
      `streaming with ${options.workers} workers, each its own instance and Kafka producer`,
    )
    control.begin()
    const labels = snapshots.map((_, k) => labelsOf(options, client, k + 1))
    const workers = labels.map((workerLabels, k) =>
      start(workerArgv(argv, options, seed, k + 1), snapshots, k, publisherOf(options, workerLabels)),
    )
    const tell = (message: ToWorker) =>
      Effect.sync(() => {
        for (const w of workers) w.worker.postMessage(message)
      })
    yield* Effect.fork(Effect.zipRight(control.stopped, tell({ type: "stop" })))
    yield* Effect.fork(Effect.zipRight(control.forced, tell({ type: "force" })))
    const counters = new Counters()
    const progress = yield* Effect.fork(
      Output.progress(counters, options.progress, RunMetrics.latencyOf(labels)),
    )
    const ticker = setInterval(() => tally(counters, snapshots), 250)
    // A worker that fails stops the others: they drain and report before the command fails.
    const results = yield* Effect.forEach(
      workers,
      (w) =>
        Deferred.await(w.done).pipe(
          Effect.tapError(() => Effect.sync(() => control.stop("error"))),
          Effect.either,
        ),
      { concurrency: "unbounded" },
    )
    clearInterval(ticker)
    yield* Fiber.interrupt(progress)
    for (const w of workers) w.worker.terminate()
    const failure = results.find((r) => r._tag === "Left")
    if (failure !== undefined) return yield* Effect.fail(failure.left)
    const summaries = results
      .map((r) => (r._tag === "Right" ? r.right : undefined))
      .filter((s) => s !== undefined)
    return combine(summaries, { seed, elapsedMs: Math.round(performance.now() - startedAt) })
  })
