/** The log flags every app offers, as FlagSpec rows, and their values read once. */
import type { LogLevel } from "effect"
import type { FlagSpec } from "./FlagSpec.js"
import { oneOf } from "./Flags.js"
import { type LogFormat, logFormats, logLevels } from "./Logging.js"

export const logFlags = {
  "log-format": { value: "pretty|json", section: "output", help: "logs on stderr", default: "pretty" },
  "log-level": {
    value: "debug|info|warn|error",
    section: "output",
    help: "how much is logged",
    default: "info",
  },
} as const satisfies Readonly<Record<string, FlagSpec>>

/** --log-format and --log-level, or their defaults, checked. */
export const logOptionsOf = (v: {
  readonly "log-format"?: string | undefined
  readonly "log-level"?: string | undefined
}): { readonly logFormat: LogFormat; readonly logLevel: LogLevel.LogLevel } => ({
  logFormat: oneOf("--log-format", v["log-format"] ?? logFlags["log-format"].default, logFormats),
  logLevel:
    logLevels[oneOf("--log-level", v["log-level"] ?? logFlags["log-level"].default, Object.keys(logLevels))]!,
})
