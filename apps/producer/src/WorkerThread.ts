/**
 * The worker side of --workers: a Bun worker that runs one instance (Production.runStream) from
 * the command line its parent gives it, reports its counters twice a second and its summary at the
 * end, and stops (or gives up on in-flight events) when the parent says so.
 */
import { Failure, Logging } from "@customer-events/cli"
import { ProducerMetrics } from "@customer-events/kafka"
import { Cause, Effect, Exit, Metric, MetricState, Option } from "effect"
import * as Cli from "./Cli.js"
import { Counters, type Summary } from "./Counters.js"
import type { Outcome } from "./DeliveryTarget.js"
import * as Production from "./Production.js"
import { RunControl } from "./RunControl.js"

/** What the parent says. */
export type ToWorker =
  | { readonly type: "start"; readonly argv: ReadonlyArray<string> }
  | { readonly type: "stop" }
  | { readonly type: "force" }

/** The counters a worker reports while it runs. */
export interface Snapshot {
  readonly generated: number
  readonly delivered: number
  readonly failed: number
  readonly deadLettered: number
  readonly retries: number
  readonly byType: Summary["byType"]
  /** Batches answered since the previous snapshot: size and acknowledgement latency (ms), in pairs. */
  readonly batches: ReadonlyArray<number>
  /** Batches sent and not answered yet. */
  readonly inFlight: number
}

/** What a worker says. */
export type FromWorker =
  | { readonly type: "progress"; readonly snapshot: Snapshot }
  | { readonly type: "summary"; readonly summary: Summary }
  | { readonly type: "failed"; readonly message: string }

export const snapshotOf = (c: Counters, batches: ReadonlyArray<number>, inFlight: number): Snapshot => ({
  generated: c.generated,
  delivered: c.delivered,
  failed: c.failed,
  deadLettered: c.deadLettered,
  retries: c.retries,
  byType: { ...c.byType },
  batches,
  inFlight,
})

/** This thread's batches in flight: its producer's gauge (one producer per worker). */
const inFlightNow = () => {
  let n = 0
  for (const pair of Metric.unsafeSnapshot())
    if (
      pair.metricKey.name === ProducerMetrics.batchesInFlightName &&
      MetricState.isGaugeState(pair.metricState)
    )
      n += Number(pair.metricState.value)
  return n
}

/** What the worker reports: its counters, and the outcomes it saw since the previous report. */
const reporter = (counters: Counters) => {
  let batches: Array<number> = []
  return {
    answered: (outcome: Outcome) =>
      Effect.sync(() => {
        batches.push(outcome.records.length, outcome.latencyMs)
      }),
    report: () => {
      const answered = batches
      batches = []
      scope.postMessage({ type: "progress", snapshot: snapshotOf(counters, answered, inFlightNow()) })
    },
  }
}

const scope = globalThis as unknown as {
  postMessage: (message: FromWorker) => void
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null
}

const run = async (argv: ReadonlyArray<string>, control: RunControl) => {
  const command = Cli.parse(argv, process.env)
  if (command._tag !== "Run") throw new Error("a worker runs a stream")
  const options = command.options
  const counters = new Counters()
  const { answered, report } = reporter(counters)
  const ticker = setInterval(report, 500)
  // The last outcomes first, then the summary: the parent's figures are whole when it ends.
  const ended = (summary: Summary) =>
    Effect.sync(() => {
      report()
      scope.postMessage({ type: "summary", summary })
    })
  const exit = await Effect.runPromiseExit(
    Effect.scoped(
      Production.runStream(options, { control, counters, answered, ended, appendDeadLetters: true }),
    ).pipe(Effect.provide(Logging.layer(options.logFormat, options.logLevel))),
  )
  clearInterval(ticker)
  if (Exit.isFailure(exit)) {
    const failure = Cause.failureOption(exit.cause)
    scope.postMessage({
      type: "failed",
      message: Option.isSome(failure) ? failure.value.message : Failure.oneLine(exit.cause),
    })
  }
}

/** Serves the parent: the first message starts the run, the next ones stop it. */
export const serve = () => {
  const control = new RunControl()
  scope.onmessage = (event) => {
    const message = event.data
    if (message.type === "start")
      run(message.argv, control).catch((error) =>
        scope.postMessage({
          type: "failed",
          message: error instanceof Error ? error.message : String(error),
        }),
      )
    else if (message.type === "stop") control.stop("signal")
    else control.force()
  }
}
