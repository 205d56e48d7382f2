/**
 * Traffic shape: how the arrival rate varies with event time. A profile weighs each hour of the day
 * and each day of the week, and may add bursts (Poisson-timed periods at a multiple of the rate).
 * With a profile, `--rate N` is the mean over a week; without one, the rate is flat.
 */

import { Values } from "@customer-events/values"
import { Result } from "effect"

export { isTimeZone } from "./internal/timeZone.js"

export interface Bursts {
  /** Mean time between burst starts (bursts start at Poisson times). */
  readonly everyMs: number
  readonly durationMs: number
  readonly multiplier: number
}

export interface TrafficProfile {
  readonly name: string
  /** 24 weights, hour 0 first, in the profile's time zone. */
  readonly hourly: ReadonlyArray<number>
  /** 7 weights, Monday first. */
  readonly weekday: ReadonlyArray<number>
  readonly bursts?: Bursts
}

/**
 * An e-commerce day: quiet from 2 to 6, rising through the day, an evening peak from 19 to 22 (the
 * peak hour about 9x the quietest); weekend days about 25% busier than weekdays.
 */
export const diurnal: TrafficProfile = {
  name: "diurnal",
  hourly: [
    0.5, 0.35, 0.22, 0.2, 0.2, 0.22, 0.4, 0.6, 0.8, 0.9, 1.0, 1.05, 1.15, 1.1, 1.0, 1.0, 1.05, 1.2, 1.45, 1.7,
    1.85, 1.75, 1.35, 0.9,
  ],
  weekday: [0.95, 0.95, 0.95, 1.0, 1.05, 1.2, 1.2],
}

const flatWeights = {
  hourly: Array.from({ length: 24 }, () => 1),
  weekday: Array.from({ length: 7 }, () => 1),
}

const duration = (text: unknown): number | undefined =>
  typeof text === "string" ? Result.getOrUndefined(Values.durationMs(text)) : undefined

const weights = (
  value: unknown,
  length: number,
  field: string,
): Result.Result<ReadonlyArray<number>, string> => {
  if (!Array.isArray(value) || value.length !== length)
    return Result.fail(`${field}: expected ${length} weights, got ${JSON.stringify(value)}`)
  if (!value.every((w) => typeof w === "number" && Number.isFinite(w) && w >= 0))
    return Result.fail(`${field}: expected numbers >= 0, got ${JSON.stringify(value)}`)
  if (!value.some((w) => w > 0)) return Result.fail(`${field}: expected at least one weight above 0`)
  return Result.succeed(value)
}

const burstsOf = (value: unknown): Result.Result<Bursts | undefined, string> => {
  if (value === undefined) return Result.succeed(undefined)
  const b = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>
  const everyMs = duration(b.every)
  const durationMs = duration(b.duration)
  const multiplier = b.multiplier
  if (everyMs === undefined || !(everyMs > 0))
    return Result.fail(`bursts.every: expected a duration such as 1h, got ${JSON.stringify(b.every)}`)
  if (durationMs === undefined || !(durationMs > 0))
    return Result.fail(`bursts.duration: expected a duration such as 2m, got ${JSON.stringify(b.duration)}`)
  if (typeof multiplier !== "number" || !(multiplier >= 1) || !Number.isFinite(multiplier))
    return Result.fail(`bursts.multiplier: expected a number >= 1, got ${JSON.stringify(multiplier)}`)
  return Result.succeed({ everyMs, durationMs, multiplier })
}

/**
 * A profile file's JSON: `{ "hourly": [24], "weekday": [7], "bursts": { "every", "duration", "multiplier" }
 * }`, every field optional.
 */
export const decode = (json: unknown, name: string): Result.Result<TrafficProfile, string> =>
  Result.gen(function* () {
    if (typeof json !== "object" || json === null || Array.isArray(json))
      return yield* Result.fail("expected a JSON object with hourly, weekday and bursts")
    const o = json as Record<string, unknown>
    const unknown = Object.keys(o).filter((k) => !["hourly", "weekday", "bursts"].includes(k))
    if (unknown.length > 0)
      return yield* Result.fail(`unknown field ${unknown[0]} (expected hourly, weekday, bursts)`)
    const hourly = o.hourly === undefined ? flatWeights.hourly : yield* weights(o.hourly, 24, "hourly")
    const weekday = o.weekday === undefined ? flatWeights.weekday : yield* weights(o.weekday, 7, "weekday")
    const bursts = yield* burstsOf(o.bursts)
    return { name, hourly, weekday, ...(bursts === undefined ? {} : { bursts }) }
  })

/** The expected share of a week's events in each hour of the day and each day of the week. */
export const shares = (profile: TrafficProfile) => {
  const hourSum = profile.hourly.reduce((a, b) => a + b, 0)
  const daySum = profile.weekday.reduce((a, b) => a + b, 0)
  return { hourly: profile.hourly.map((w) => w / hourSum), weekday: profile.weekday.map((w) => w / daySum) }
}
