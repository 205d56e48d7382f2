/**
 * The worker side of --workers: a Bun worker that runs one instance (Production.runStream) from
 * the command line its parent gives it, reports its counters twice a second and its summary at the
 * end, and stops (or gives up on in-flight events) when the parent says so.
 */
import { Failure, Logging } from "@customer-events/cli"
import { ProducerMetrics } from "@customer-events/kafka"
import { Cause, Context, Effect, Exit, Metric, Option } from "effect"
import * as Cli from "./Cli.js"
import type { Outcome } from "./DeliveryTarget.js"
import * as Production from "./Production.js"
import { RunControl } from "./RunControl.js"
import type * as RunMetrics from "./RunMetrics.js"
import { type Figures, RunState, type Summary } from "./RunState.js"

/** What the parent says. */
export type ToWorker =
  | { readonly type: "start"; readonly argv: ReadonlyArray<string> }
  | { readonly type: "stop" }
  | { readonly type: "force" }

/** What a worker reports while it runs: its figures and its batches. */
export interface Report {
  readonly figures: Figures
  readonly batches: RunMetrics.Batches
}

/** What a worker says. */
export type FromWorker =
  | { readonly type: "progress"; readonly report: Report }
  | { readonly type: "summary"; readonly summary: Summary }
  | { readonly type: "failed"; readonly message: string }

/** This thread's batches in flight: its producer's gauge (one producer per worker). */
const inFlightNow = () => {
  let n = 0
  for (const metric of Metric.snapshotUnsafe(Context.empty()))
    if (metric.id === ProducerMetrics.batchesInFlightName && metric.type === "Gauge")
      n += Number(metric.state.value)
  return n
}

/** What the worker reports: its figures, and the outcomes it saw since the previous report. */
const reporter = (state: RunState) => {
  let batches: Array<number> = []
  return {
    answered: (outcome: Outcome) =>
      Effect.sync(() => {
        batches.push(outcome.records.length, outcome.latencyMs)
      }),
    report: () => {
      const answered = batches
      batches = []
      const report = { figures: state.figures, batches: { answered, inFlight: inFlightNow() } }
      scope.postMessage({ type: "progress", report })
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
  const state = new RunState()
  const { answered, report } = reporter(state)
  const ticker = setInterval(report, 500)
  // The last outcomes first, then the summary: the parent's figures are whole when it ends.
  const ended = (summary: Summary) =>
    Effect.sync(() => {
      report()
      scope.postMessage({ type: "summary", summary })
    })
  const exit = await Effect.runPromiseExit(
    Effect.scoped(
      Production.runStream(options, { control, state, answered, ended, appendDeadLetters: true }),
    ).pipe(Effect.provide(Logging.layer(options.logFormat, options.logLevel))),
  )
  clearInterval(ticker)
  if (Exit.isFailure(exit)) {
    const failure = Cause.findErrorOption(exit.cause)
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
