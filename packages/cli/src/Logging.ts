/**
 * Effect loggers that write to stderr: pretty for a terminal, JSON lines for machines. Both go
 * through Terminal.writeLine, so they never tangle with the status line.
 */
import { Cause, Layer, Logger, type LogLevel, References } from "effect"
import { colors, writeLine } from "./Terminal.js"

export type LogFormat = "pretty" | "json"
export const logFormats: ReadonlyArray<LogFormat> = ["pretty", "json"]

export const logLevels: Readonly<Record<string, LogLevel.LogLevel>> = {
  debug: "Debug",
  info: "Info",
  warn: "Warn",
  warning: "Warn",
  error: "Error",
}

const levelColor: Record<string, string> = { ERROR: "31", WARN: "33", INFO: "36", DEBUG: "90", FATAL: "31" }

const render = (message: unknown): string => {
  if (Array.isArray(message)) return message.map(render).join(" ")
  if (typeof message === "string") return message
  if (message instanceof Error) return message.message
  return JSON.stringify(message)
}

const hasCause = (cause: Cause.Cause<unknown>) => cause.reasons.length > 0

const prettyLogger = Logger.make(({ logLevel, message, cause, date, fiber }) => {
  const time = date.toISOString().slice(11, 23)
  const label = logLevel.toUpperCase()
  const level = colors ? `\x1b[${levelColor[label] ?? "0"}m${label.padEnd(5)}\x1b[0m` : label.padEnd(5)
  const annotations = Object.entries(fiber.getRef(References.CurrentLogAnnotations))
  const extras = annotations.map(([key, value]) => ` ${key}=${render(value)}`).join("")
  const failure = !hasCause(cause) ? "" : ` ${Cause.pretty(cause).split("\n")[0]}`
  writeLine(
    `${time} ${level} ${render(message)}${failure}${colors && extras ? `\x1b[90m${extras}\x1b[0m` : extras}`,
  )
})

const jsonLogger = Logger.make(({ logLevel, message, cause, date, fiber }) => {
  const entry: Record<string, unknown> = {
    time: date.toISOString(),
    level: logLevel.toLowerCase(),
    message: render(message),
    ...fiber.getRef(References.CurrentLogAnnotations),
  }
  if (hasCause(cause)) entry.cause = Cause.pretty(cause)
  for (const [label, startTime] of fiber.getRef(References.CurrentLogSpans))
    entry[`span.${label}`] = date.getTime() - startTime
  writeLine(JSON.stringify(entry))
})

/** Replaces Effect's default logger (which writes to stdout) and sets the minimum level. */
export const layer = (format: LogFormat, level: LogLevel.LogLevel) =>
  Layer.merge(
    Logger.layer([format === "json" ? jsonLogger : prettyLogger]),
    Layer.succeed(References.MinimumLogLevel, level),
  )
