/**
 * The flags that pace and shape the stream: --rate/--interval, --profile and --timezone, late
 * events and duplicates. Each reader names its flag in the error.
 */
import { readFileSync } from "node:fs"
import { Flags } from "@customer-events/cli"
import { type EventGenerator, Pacing, TrafficProfile } from "@customer-events/events"
import { Result } from "effect"
import { producerFlags } from "./ProducerFlags.js"

const { fail, durationMs: parseDurationMs } = Flags

/** `--interval MIN..MAX`, e.g. 100ms..1s. */
export const parseInterval = (text: string): Pacing.Pacing => {
  const parts = text.split("..")
  if (parts.length !== 2)
    return fail("--interval", `expected MIN..MAX such as 100ms..1s, got ${JSON.stringify(text)}`)
  const minMs = parseDurationMs("--interval", parts[0]!)
  const maxMs = parseDurationMs("--interval", parts[1]!)
  if (minMs > maxMs) return fail("--interval", `MIN must not exceed MAX, got ${JSON.stringify(text)}`)
  if (maxMs === 0) return Pacing.Pacing.Max()
  return Pacing.Pacing.Interval({ minMs, maxMs })
}

/** `--rate N` (events/s, Poisson arrivals) or `--rate max`. */
export const parseRate = (text: string): Pacing.Pacing => {
  if (text === "max") return Pacing.Pacing.Max()
  const n = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0) || n > 10_000_000)
    return fail("--rate", `expected events per second (a number > 0) or "max", got ${JSON.stringify(text)}`)
  return Pacing.Pacing.Rate({ perSecond: n })
}

export const pacingOf = (rate: string | undefined, interval: string | undefined): Pacing.Pacing => {
  if (interval !== undefined && rate !== undefined)
    fail("--rate", "use either --rate or --interval, not both")
  if (rate !== undefined) return parseRate(rate)
  return interval !== undefined ? parseInterval(interval) : Pacing.defaultPacing
}

/** `--profile flat|diurnal|FILE`: a shape needs a mean rate to shape (`--rate N`). */
export const profileOf = (
  text: string | undefined,
  rate: string | undefined,
): TrafficProfile.TrafficProfile | undefined => {
  if (text === undefined || text === "flat") return undefined
  if (rate === undefined || rate === "max")
    return fail("--profile", "shapes a mean rate: give --rate N (events/s, the mean over a week)")
  if (text === "diurnal") return TrafficProfile.diurnal
  let json: unknown
  try {
    json = JSON.parse(readFileSync(text, "utf8"))
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message
    return fail("--profile", `expected flat, diurnal or a JSON file; ${text}: ${reason}`)
  }
  return Result.getOrElse(TrafficProfile.decode(json, text), (reason) =>
    fail("--profile", `${text}: ${reason}`),
  )
}

/** A fraction from 0 to 1, e.g. 0.05. */
export const fraction = (flag: string, text: string): number => {
  const n = Number(text)
  if (!/^\d*\.?\d+$/.test(text) || !(n >= 0 && n <= 1))
    return fail(flag, `expected a fraction from 0 to 1 such as 0.05, got ${JSON.stringify(text)}`)
  return n
}

/** `--late-rate P --late-by MIN..MAX` (default 30s..10m). */
export const lateOf = (
  rate: string | undefined,
  by: string | undefined,
): EventGenerator.Lateness | undefined => {
  if (rate === undefined) {
    if (by !== undefined) fail("--late-by", "needs --late-rate P (the fraction of events that are late)")
    return undefined
  }
  const parts = (by ?? producerFlags["late-by"].default).split("..")
  if (parts.length !== 2)
    return fail("--late-by", `expected MIN..MAX such as 30s..10m, got ${JSON.stringify(by)}`)
  const minMs = parseDurationMs("--late-by", parts[0]!)
  const maxMs = parseDurationMs("--late-by", parts[1]!)
  if (!(minMs > 0) || minMs > maxMs)
    return fail("--late-by", `expected 0 < MIN <= MAX, got ${JSON.stringify(by)}`)
  return { rate: fraction("--late-rate", rate), minMs, maxMs }
}

export const timeZoneOf = (text: string): string => {
  if (!TrafficProfile.isTimeZone(text))
    return fail(
      "--timezone",
      `expected UTC, an offset such as +02:00, or a name such as Europe/Paris, got ${JSON.stringify(text)}`,
    )
  return text
}
