/**
 * What the user sees, all on stderr (stdout carries only events, in --dry-run): log lines (pretty
 * for a terminal, JSON for machines), the live progress line, and the end-of-run summary.
 */
import { Cause, Effect, HashMap, Layer, List, Logger, type LogLevel, Schedule } from "effect"
import type { LogFormat } from "./Cli.js"
import type { Counters, Summary } from "./Counters.js"

const stderr = process.stderr
const isTty = stderr.isTTY === true
const colors = isTty && process.env.NO_COLOR === undefined

/** The progress line currently drawn on the terminal: log lines clear it first, the next tick redraws it. */
let progressShown = false
const clearProgress = () => {
  if (progressShown) {
    stderr.write("\r\x1b[2K")
    progressShown = false
  }
}

export const writeLine = (line: string) => {
  clearProgress()
  stderr.write(`${line}\n`)
}

const levelColor: Record<string, string> = { ERROR: "31", WARN: "33", INFO: "36", DEBUG: "90", FATAL: "31" }

const render = (message: unknown): string => {
  if (Array.isArray(message)) return message.map(render).join(" ")
  if (typeof message === "string") return message
  if (message instanceof Error) return message.message
  return JSON.stringify(message)
}

const prettyLogger = Logger.make(({ logLevel, message, annotations, cause, date }) => {
  const time = date.toISOString().slice(11, 23)
  const label = logLevel.label
  const level = colors ? `\x1b[${levelColor[label] ?? "0"}m${label.padEnd(5)}\x1b[0m` : label.padEnd(5)
  const extras = HashMap.reduce(annotations, "", (acc, value, key) => `${acc} ${key}=${render(value)}`)
  const failure = Cause.isEmpty(cause) ? "" : ` ${Cause.pretty(cause).split("\n")[0]}`
  writeLine(
    `${time} ${level} ${render(message)}${failure}${colors && extras ? `\x1b[90m${extras}\x1b[0m` : extras}`,
  )
})

const jsonLogger = Logger.make(({ logLevel, message, annotations, cause, date, spans }) => {
  const entry: Record<string, unknown> = {
    time: date.toISOString(),
    level: logLevel.label.toLowerCase(),
    message: render(message),
  }
  HashMap.forEach(annotations, (value, key) => {
    entry[key] = value
  })
  if (!Cause.isEmpty(cause)) entry.cause = Cause.pretty(cause)
  List.forEach(spans, (span) => {
    entry[`span.${span.label}`] = date.getTime() - span.startTime
  })
  writeLine(JSON.stringify(entry))
})

export const loggerLayer = (format: LogFormat, level: LogLevel.LogLevel) =>
  Layer.merge(
    Logger.replace(Logger.defaultLogger, format === "json" ? jsonLogger : prettyLogger),
    Logger.minimumLogLevel(level),
  )

const formatCount = (n: number) => n.toLocaleString("en-US")
const ms = (n: number | undefined) =>
  n === undefined ? "-" : n < 10 ? `${n.toFixed(1)}ms` : `${Math.round(n)}ms`

/**
 * Progress while running: on a terminal a line redrawn every second (rate, counters, batch ack
 * latency p50/p99); otherwise a log line every 10 s. Runs until interrupted.
 */
export const progress = (counters: Counters, enabled: boolean) =>
  Effect.gen(function* () {
    let lastGenerated = 0
    let lastAt = performance.now()
    const line = () => {
      const now = performance.now()
      const rate = ((counters.generated - lastGenerated) * 1000) / Math.max(1, now - lastAt)
      lastGenerated = counters.generated
      lastAt = now
      return (
        `${formatCount(Math.round(rate))} ev/s | generated ${formatCount(counters.generated)}` +
        ` | delivered ${formatCount(counters.delivered)} | failed ${formatCount(counters.failed)}` +
        ` | retries ${formatCount(counters.retries)} | ack p50 ${ms(counters.latencies.percentile(0.5))}` +
        ` p99 ${ms(counters.latencies.percentile(0.99))}`
      )
    }
    if (!enabled) return yield* Effect.never
    if (isTty)
      yield* Effect.sync(() => {
        stderr.write(`\r\x1b[2K${line()}`)
        progressShown = true
      }).pipe(Effect.repeat(Schedule.spaced("1 second")), Effect.delay("1 second"))
    else
      yield* Effect.suspend(() => Effect.logInfo(`progress: ${line()}`)).pipe(
        Effect.repeat(Schedule.spaced("10 seconds")),
        Effect.delay("10 seconds"),
      )
  }).pipe(Effect.ensuring(Effect.sync(clearProgress)))

/** The human summary at the end of a run. */
export const printSummary = (summary: Summary, dryRun: boolean) => {
  const seconds = summary.elapsedMs / 1000
  const rate = seconds > 0 ? Math.round(summary.generated / seconds) : summary.generated
  const types = Object.entries(summary.byType)
    .map(([type, n]) => `${type} ${formatCount(n)}`)
    .join(", ")
  const lines = [
    `summary (${summary.stoppedBy}): ${formatCount(summary.generated)} generated, ${formatCount(summary.delivered)} ${dryRun ? "written" : "delivered"}, ${formatCount(summary.failed)} failed, ${formatCount(summary.deadLettered)} dead-lettered, ${formatCount(summary.retries)} retries`,
    `  in ${seconds.toFixed(1)}s (${formatCount(rate)} events/s) to ${dryRun ? "stdout" : `topic ${summary.topic}`}, seed ${summary.seed}`,
    `  by type: ${types}`,
  ]
  if (summary.error !== undefined) lines.push(`  error: ${summary.error}`)
  for (const l of lines) writeLine(l)
}
