/**
 * Command-line parsing shared by the apps: node:util's parseArgs in strict mode (an unknown flag is
 * an error that names it), and value parsers whose errors name the flag and show what was given.
 */
import { type ParseArgsConfig, parseArgs } from "node:util"
import { Values } from "@customer-events/values"
import { Data, Result } from "effect"

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

/**
 * `--rate -5` as `--rate=-5`: parseArgs would call a value that looks like an option "ambiguous";
 * joined, it reaches the flag's own parser, whose error says what the flag expects.
 */
const joinNegativeValues = (
  argv: ReadonlyArray<string>,
  options: NonNullable<ParseArgsConfig["options"]>,
) => {
  const out: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const next = argv[i + 1]
    const name = arg.startsWith("--") ? arg.slice(2) : undefined
    if (name !== undefined && options[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`)
      i++
    } else out.push(arg)
  }
  return out
}

/** parseArgs, strict, with its errors turned into UsageErrors naming the flag. */
export const parse = <const O extends NonNullable<ParseArgsConfig["options"]>>(
  argv: ReadonlyArray<string>,
  options: O,
) => {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      allowPositionals: true,
      strict: true,
    })
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

/** A value parsed by `read`, or a UsageError naming the flag. */
export const value = <A>(flag: string, text: string, read: Values.Read<A>): A =>
  Result.getOrElse(read(text), (reason) => fail(flag, reason))

export const durationMs = (flag: string, text: string): number => value(flag, text, Values.durationMs)

export const whole = (flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number =>
  value(flag, text, Values.whole(min, max))

export const oneOf = <const T extends string>(flag: string, text: string, values: ReadonlyArray<T>): T =>
  value(flag, text, Values.oneOf(values))

export const instant = (flag: string, text: string): number => value(flag, text, Values.instant)

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
