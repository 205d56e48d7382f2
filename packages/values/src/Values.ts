/**
 * Value parsers for text given by users (flags, environment variables, properties files): each
 * returns the value or the reason it is wrong, showing what was given; the caller names the source.
 */
import { Result } from "effect"

export type Read<A> = (text: string) => Result.Result<A, string>

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** "500ms", "1.5s", "10m", "2h", "1d"; a bare 0 is allowed. */
export const durationMs: Read<number> = (text) => {
  if (text.trim() === "0") return Result.succeed(0)
  const match = text.trim().match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/)
  return match === null
    ? Result.fail(`expected a duration such as 500ms, 10s, 5m or 1h, got ${JSON.stringify(text)}`)
    : Result.succeed(Number(match[1]) * units[match[2]!]!)
}

export const whole =
  (min: number, max = Number.MAX_SAFE_INTEGER): Read<number> =>
  (text) => {
    const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN
    return Number.isSafeInteger(n) && n >= min && n <= max
      ? Result.succeed(n)
      : Result.fail(
          `expected a whole number from ` +
            `${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}, got ${JSON.stringify(text)}`,
        )
  }

const byteUnits: Record<string, number> = { "": 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }

/** A size in bytes: "1048576", "512KB", "32MB", "1GB" (1024-based, as Java's defaults are written). */
export const bytes =
  (min: number, max = Number.MAX_SAFE_INTEGER): Read<number> =>
  (text) => {
    const match = text.trim().match(/^(\d+)\s*(KB|MB|GB)?$/i)
    const n = match === null ? Number.NaN : Number(match[1]) * byteUnits[(match[2] ?? "").toUpperCase()]!
    return Number.isSafeInteger(n) && n >= min && n <= max
      ? Result.succeed(n)
      : Result.fail(
          `expected a size in bytes from ${min} to ${max} (or with KB, MB, GB: 32MB), ` +
            `got ${JSON.stringify(text)}`,
        )
  }

export const oneOf =
  <const T extends string>(values: ReadonlyArray<T>): Read<T> =>
  (text) =>
    (values as ReadonlyArray<string>).includes(text)
      ? Result.succeed(text as T)
      : Result.fail(`expected one of ${values.join(", ")}, got ${JSON.stringify(text)}`)

/** A decimal number from `min` to `max` (or to below `max`): "0.2", "1.5". */
export const decimal =
  (min: number, max: number, upTo: "max" | "below" = "max"): Read<number> =>
  (text) => {
    const n = /^\d*\.?\d+$/.test(text.trim()) ? Number(text) : Number.NaN
    return n >= min && (upTo === "below" ? n < max : n <= max)
      ? Result.succeed(n)
      : Result.fail(
          `expected a number from ${min} to ${upTo === "below" ? "below " : ""}${max}, got ` +
            `${JSON.stringify(text)}`,
        )
  }

/** An ISO-8601 instant, as epoch ms. */
export const instant: Read<number> = (text) => {
  const ms = Date.parse(text)
  return !/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)
    ? Result.fail(`expected an ISO-8601 instant such as 2026-11-30T00:00:00Z, got ${JSON.stringify(text)}`)
    : Result.succeed(ms)
}

/** Any text but the empty one. */
export const nonEmpty: Read<string> = (text) =>
  text === "" ? Result.fail("expected a value, got an empty one") : Result.succeed(text)
