/**
 * How an app reports the failure that ends it: one line on stderr, never a stack trace. An expected
 * failure (a typed error) prints its message; anything else is named "unexpected", with the first
 * line of its message.
 */
import { Cause, Option } from "effect"

/** The one line that explains why a run ended. */
export const oneLine = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.findErrorOption(cause)
  if (Option.isSome(failure)) return firstLine(messageOf(failure.value))
  if (Cause.hasInterruptsOnly(cause)) return "interrupted"
  const defect = Cause.squash(cause)
  return `unexpected error: ${firstLine(messageOf(defect))}`
}

const messageOf = (value: unknown): string =>
  value instanceof Error ? value.message || value.name : typeof value === "string" ? value : String(value)

const firstLine = (text: string) => text.split("\n")[0]?.trim() ?? text
