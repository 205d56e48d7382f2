/**
 * Effect loggers that write to stderr: pretty for a terminal, JSON lines for machines. Both go
 * through Terminal.writeLine, so they never tangle with the status line.
 */
import { Cause, HashMap, Layer, List, Logger, LogLevel } from "effect"
import { colors, writeLine } from "./Terminal.js"

export type LogFormat = "pretty" | "json"
export const logFormats: ReadonlyArray<LogFormat> = ["pretty", "json"]

export const logLevels: Readonly<Record<string, LogLevel.LogLevel>> = {
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warn: LogLevel.Warning,
  warning: LogLevel.Warning,
  error: LogLevel.Error,
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

/** Replaces Effect's default logger (which writes to stdout) and sets the minimum level. */
export const layer = (format: LogFormat, level: LogLevel.LogLevel) =>
  Layer.merge(
    Logger.replace(Logger.defaultLogger, format === "json" ? jsonLogger : prettyLogger),
    Logger.minimumLogLevel(level),
  )
