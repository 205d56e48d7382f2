/**
 * What the user sees on stderr (stdout carries only events, in --dry-run), besides the log lines:
 * the live progress line and the end-of-run summary.
 */
import { Terminal } from "@customer-events/cli"
import type { ProducerMetrics } from "@customer-events/kafka"
import { Effect, Option, Schedule } from "effect"
import type { RunState, Summary } from "./RunState.js"

const { formatCount } = Terminal
const ms = (n: number | undefined) =>
  n === undefined ? "-" : n < 10 ? `${n.toFixed(1)}ms` : `${Math.round(n)}ms`

/**
 * Progress while running: on a terminal a line redrawn every second (rate, counters, batch ack
 * latency p50/p99 of the run, from the producer's histogram); otherwise a log line every 10 s.
 * Runs until interrupted.
 */
export const progress = (
  state: RunState,
  enabled: boolean,
  latency: Effect.Effect<Option.Option<ProducerMetrics.LatencyPercentiles>>,
) =>
  Effect.gen(function* () {
    let lastGenerated = 0
    let lastAt = performance.now()
    const line = (percentiles: Option.Option<ProducerMetrics.LatencyPercentiles>) => {
      const p = Option.getOrUndefined(percentiles)
      const now = performance.now()
      const f = state.figures
      const rate = ((f.generated - lastGenerated) * 1000) / Math.max(1, now - lastAt)
      lastGenerated = f.generated
      lastAt = now
      return (
        `${formatCount(Math.round(rate))} ev/s | generated ${formatCount(f.generated)}` +
        ` | delivered ${formatCount(f.delivered)} | failed ${formatCount(f.failed)}` +
        ` | retries ${formatCount(f.retries)} | ack p50 ${ms(p?.p50)} p99 ${ms(p?.p99)}`
      )
    }
    if (!enabled) return yield* Effect.never
    if (Terminal.isTty)
      yield* Effect.map(latency, (p) => Terminal.showStatus(line(p))).pipe(
        Effect.repeat(Schedule.spaced("1 second")),
        Effect.delay("1 second"),
      )
    else
      yield* Effect.flatMap(latency, (p) => Effect.logInfo(`progress: ${line(p)}`)).pipe(
        Effect.repeat(Schedule.spaced("10 seconds")),
        Effect.delay("10 seconds"),
      )
  }).pipe(Effect.ensuring(Effect.sync(Terminal.clearStatus)))

/** Where a run's events went, and as what: "topic t (platformatic), seed 1, instance 1/2". */
const destination = (summary: Summary, dryRun: boolean) =>
  [
    (dryRun ? "stdout" : `topic ${summary.topic}`) +
      (summary.client === undefined ? "" : ` (${summary.client})`),
    `seed ${summary.seed}`,
    ...(summary.instance === undefined ? [] : [`instance ${summary.instance}`]),
    ...(summary.workers === undefined ? [] : [`${summary.workers} workers`]),
  ].join(", ")

/** The human summary at the end of a run. */
export const printSummary = (summary: Summary, dryRun: boolean) => {
  const seconds = summary.elapsedMs / 1000
  const rate = seconds > 0 ? Math.round(summary.generated / seconds) : summary.generated
  const types = Object.entries(summary.byType)
    .map(([type, n]) => `${type} ${formatCount(n)}`)
    .join(", ")
  const lines = [
    `summary (${summary.stoppedBy}): ${formatCount(summary.generated)} generated, ` +
      `${formatCount(summary.delivered)} ${dryRun ? "written" : "delivered"}, ` +
      `${formatCount(summary.failed)} failed, ${formatCount(summary.deadLettered)} dead-lettered, ` +
      `${formatCount(summary.retries)} retries`,
    `  in ${seconds.toFixed(1)}s (${formatCount(rate)} events/s) to ${destination(summary, dryRun)}`,
    `  by type: ${types}`,
  ]
  if (summary.late > 0 || summary.duplicatesInjected > 0)
    lines.push(
      `  injected: ${formatCount(summary.late)} late, ${formatCount(summary.duplicatesInjected)} ` +
        `duplicates (counted in generated)`,
    )
  const t = summary.transactions
  if (t.committed + t.aborted + t.failed > 0)
    lines.push(
      `  transactions: ${formatCount(t.committed)} committed, ${formatCount(t.aborted)} aborted on ` +
        `purpose (${formatCount(summary.aborted)} events, invisible to read_committed readers), ` +
        `${formatCount(t.failed)} failed`,
    )
  if (summary.duplicatesPossible > 0)
    lines.push(
      `  ${formatCount(summary.duplicatesPossible)} delivered events were sent again under a new producer ` +
        `id after a request went unanswered: each may be in the topic twice`,
    )
  for (const episode of summary.anomalies)
    lines.push(
      `  anomaly ${episode.kind}: ${episode.start} .. ${episode.end}, ${formatCount(episode.events)} events`,
    )
  const changes = summary.referenceChanges
  if (changes !== undefined)
    lines.push(
      `  reference changes: ${formatCount(changes.priceChanges)} price changes, ` +
        `${formatCount(changes.customerUpdates)} customer updates, ${formatCount(changes.productDeletes)} ` +
        `product deletes, ${formatCount(changes.customerDeletes)} customer deletes (` +
        `${formatCount(changes.written)} written, ${formatCount(changes.failed)} failed)`,
    )
  if (summary.error !== undefined) lines.push(`  error: ${summary.error}`)
  for (const l of lines) Terminal.writeLine(l)
}
