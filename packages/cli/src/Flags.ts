/**
 * Command-line parsing shared by the apps: node:util's parseArgs in strict mode (an unknown flag is
 * an error that names it), and value parsers whose errors name the flag and show what was given.
 */
import { type ParseArgsConfig, parseArgs } from "node:util"
import { Data } from "effect"

export class UsageError extends Data.TaggedError("UsageError")<{
  readonly flag: string
  readonly reason: string
}> {
  override get message() {
    return this.flag === "" ? this.reason : `${this.flag}: ${this.reason}`
  }
}

export const fail = (flag: string, reason: string): never => {
  throw new UsageError({ flag, reason })
}

/** parseArgs, strict, with its errors turned into UsageErrors naming the flag. */
export const parse = <const O extends NonNullable<ParseArgsConfig["options"]>>(
  argv: ReadonlyArray<string>,
  options: O,
) => {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // node's wording, e.g. "Unknown option '--bogus'" or "Option '--count <value>' argument missing".
    const flag = (message.match(/'(-[^']*)'/)?.[1] ?? "").replace(/ <value>$/, "")
    throw new UsageError({ flag, reason: message.replace(/\. To specify.*$/s, "") })
  }
}

/**
 * Runs an app's command-line parser: a UsageError is written to stderr with a pointer to --help,
 * and gives undefined (the app then exits 2); any other error is a bug and is rethrown.
 */
export const parseCommand = <C>(parseCommandLine: () => C): C | undefined => {
  try {
    return parseCommandLine()
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`error: ${error.message}\nRun with --help for usage.\n`)
    return undefined
  }
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** "500ms", "1.5s", "10m", "2h", "1d"; a bare 0 is allowed. */
export const durationMs = (flag: string, text: string): number => {
  if (text.trim() === "0") return 0
  const match = text.trim().match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/)
  if (match === null)
    return fail(flag, `expected a duration such as 500ms, 10s, 5m or 1h, got ${JSON.stringify(text)}`)
  return Number(match[1]) * units[match[2]!]!
}

export const whole = (flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max)
    return fail(
      flag,
      `expected a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}, got ${JSON.stringify(text)}`,
    )
  return n
}

export const oneOf = <const T extends string>(flag: string, text: string, values: ReadonlyArray<T>): T =>
  (values as ReadonlyArray<string>).includes(text)
    ? (text as T)
    : fail(flag, `expected one of ${values.join(", ")}, got ${JSON.stringify(text)}`)

/** An ISO-8601 instant, as epoch ms. */
export const instant = (flag: string, text: string): number => {
  const ms = Date.parse(text)
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    return fail(
      flag,
      `expected an ISO-8601 instant such as 2026-11-30T00:00:00Z, got ${JSON.stringify(text)}`,
    )
  return ms
}

const topicName = /^[A-Za-z0-9._-]{1,249}$/

/** The topic: the flag, else KAFKA_TOPIC, else the default; checked against Kafka's naming rules. */
export const topic = (
  flag: string | undefined,
  env: Record<string, string | undefined>,
  fallback: string,
): string => {
  const value = flag ?? (env.KAFKA_TOPIC || undefined) ?? fallback
  if (!topicName.test(value))
    fail(
      flag !== undefined ? "--topic" : "KAFKA_TOPIC",
      `expected a Kafka topic name (letters, digits, . _ -; at most 249), got ${JSON.stringify(value)}`,
    )
  return value
}
