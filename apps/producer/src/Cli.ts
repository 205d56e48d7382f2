/**
 * The command line: flags parsed by node:util's parseArgs (strict: unknown flags are errors), each
 * value validated once into typed RunOptions, and a --help that teaches by example.
 */

import { readFileSync } from "node:fs"
import { Flags, Logging, Values } from "@customer-events/cli"
import { Anomaly, EventGenerator, Pacing, TrafficProfile } from "@customer-events/events"
import { KafkaSettings } from "@customer-events/kafka"
import { Either, type LogLevel } from "effect"
import * as EventPrinter from "./EventPrinter.js"

export interface RunOptions {
  readonly topic: string
  readonly configFile: string | undefined
  /** The Kafka flags given (read through the settings table): they win over env and file. */
  readonly kafka: Readonly<Record<string, string>>
  readonly pacing: Pacing.Pacing
  /** --profile: the rate's shape over event time (with --rate N); undefined: flat. */
  readonly profile: TrafficProfile.TrafficProfile | undefined
  /** --timezone: the profile's clock. */
  readonly timeZone: string
  /** --late-rate with --late-by: late events. */
  readonly late: EventGenerator.Lateness | undefined
  /** --duplicate-rate: events sent again later. */
  readonly duplicateRate: number
  /** --anomaly, repeatable: labelled anomaly episodes. */
  readonly anomalies: ReadonlyArray<Anomaly.Episode>
  readonly count: number | undefined
  readonly durationMs: number | undefined
  readonly seed: string | undefined
  readonly mode: EventGenerator.Mode
  readonly customers: number
  readonly products: number
  /** Epoch ms: event time is simulated from here, and the run goes at full speed. */
  readonly startTime: number | undefined
  readonly dryRun: boolean
  readonly createTopic: boolean
  readonly partitions: number
  readonly replicationFactor: number
  readonly summaryFile: string | undefined
  readonly deadLetterFile: string | undefined
  readonly logFormat: Logging.LogFormat
  readonly logLevel: LogLevel.LogLevel
  readonly progress: boolean
  /** --print: each event on stdout as it is answered. */
  readonly print: EventPrinter.PrintFormat | undefined
}

export type Command =
  | { readonly _tag: "Run"; readonly options: RunOptions }
  | { readonly _tag: "Schema" }
  | { readonly _tag: "Help" }
  | { readonly _tag: "Version" }

export const defaultTopic = "customer-events"

/** The Kafka flags this app offers, from the settings table (their order in --help). */
export const kafkaFlags = [
  "bootstrap-servers",
  "client",
  "acks",
  "compression",
  "batch-size",
  "linger",
  "client-id",
  "connect-timeout",
  "delivery-timeout",
  "drain-timeout",
] as const

const flags = {
  ...KafkaSettings.flagOptions(kafkaFlags),
  topic: { type: "string" },
  config: { type: "string" },
  interval: { type: "string" },
  profile: { type: "string" },
  "late-rate": { type: "string" },
  "late-by": { type: "string" },
  "duplicate-rate": { type: "string" },
  anomaly: { type: "string", multiple: true },
  timezone: { type: "string" },
  rate: { type: "string" },
  count: { type: "string" },
  duration: { type: "string" },
  seed: { type: "string" },
  mode: { type: "string" },
  customers: { type: "string" },
  products: { type: "string" },
  "start-time": { type: "string" },
  "dry-run": { type: "boolean" },
  "create-topic": { type: "boolean" },
  partitions: { type: "string" },
  "replication-factor": { type: "string" },
  "summary-file": { type: "string" },
  "dead-letter-file": { type: "string" },
  "log-format": { type: "string" },
  "log-level": { type: "string" },
  "no-progress": { type: "boolean" },
  print: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const

const { fail, durationMs: parseDurationMs, whole: parseWhole, oneOf } = Flags

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

const pacingOf = (rate: string | undefined, interval: string | undefined): Pacing.Pacing => {
  if (interval !== undefined && rate !== undefined)
    fail("--rate", "use either --rate or --interval, not both")
  if (rate !== undefined) return parseRate(rate)
  return interval !== undefined ? parseInterval(interval) : Pacing.defaultPacing
}

/** `--profile flat|diurnal|FILE`: a shape needs a mean rate to shape (`--rate N`). */
const profileOf = (
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
  return Either.getOrElse(TrafficProfile.decode(json, text), (reason) =>
    fail("--profile", `${text}: ${reason}`),
  )
}

/** A fraction from 0 to 1, e.g. 0.05. */
const fraction = (flag: string, text: string): number => {
  const n = Number(text)
  if (!/^\d*\.?\d+$/.test(text) || !(n >= 0 && n <= 1))
    return fail(flag, `expected a fraction from 0 to 1 such as 0.05, got ${JSON.stringify(text)}`)
  return n
}

/** `--late-rate P --late-by MIN..MAX` (default 30s..10m). */
const lateOf = (rate: string | undefined, by: string | undefined): EventGenerator.Lateness | undefined => {
  if (rate === undefined) {
    if (by !== undefined) fail("--late-by", "needs --late-rate P (the fraction of events that are late)")
    return undefined
  }
  const parts = (by ?? "30s..10m").split("..")
  if (parts.length !== 2)
    return fail("--late-by", `expected MIN..MAX such as 30s..10m, got ${JSON.stringify(by)}`)
  const minMs = parseDurationMs("--late-by", parts[0]!)
  const maxMs = parseDurationMs("--late-by", parts[1]!)
  if (!(minMs > 0) || minMs > maxMs)
    return fail("--late-by", `expected 0 < MIN <= MAX, got ${JSON.stringify(by)}`)
  return { rate: fraction("--late-rate", rate), minMs, maxMs }
}

const timeZoneOf = (text: string | undefined): string => {
  if (text === undefined) return "UTC"
  if (!TrafficProfile.isTimeZone(text))
    return fail(
      "--timezone",
      `expected UTC, an offset such as +02:00, or a name such as Europe/Paris, got ${JSON.stringify(text)}`,
    )
  return text
}

const parsePrint = (text: string | undefined, dryRun: boolean) => {
  if (text === undefined) return undefined
  if (dryRun) return fail("--print", "--dry-run already writes every event to stdout: use one or the other")
  return oneOf("--print", text, EventPrinter.printFormats)
}

/** Parses argv (without the runtime and script) into a command; throws UsageError naming the flag. */
/** `--print` takes an optional format: a bare `--print` (followed by a flag, "schema" or nothing) means text. */
const withPrintFormat = (argv: ReadonlyArray<string>): Array<string> =>
  argv.flatMap((arg, i) => {
    const next = argv[i + 1]
    const bare = next === undefined || next.startsWith("-") || next === "schema"
    return arg === "--print" && bare ? ["--print", "text"] : [arg]
  })

export const parse = (argv: ReadonlyArray<string>, env: Record<string, string | undefined>): Command => {
  const parsed = Flags.parse(withPrintFormat(argv), flags)
  const v = parsed.values
  if (v.help) return { _tag: "Help" }
  if (v.version) return { _tag: "Version" }
  if (parsed.positionals.length > 0) {
    if (parsed.positionals[0] === "schema" && parsed.positionals.length === 1) return { _tag: "Schema" }
    fail("", `unexpected argument ${JSON.stringify(parsed.positionals[0])} (the only subcommand is "schema")`)
  }

  return {
    _tag: "Run",
    options: {
      topic: Flags.topic(v.topic, env, defaultTopic),
      configFile: v.config,
      kafka: KafkaSettings.givenFlags(kafkaFlags, v),
      pacing: pacingOf(v.rate, v.interval),
      profile: profileOf(v.profile, v.rate),
      timeZone: timeZoneOf(v.timezone),
      late: lateOf(v["late-rate"], v["late-by"]),
      duplicateRate:
        v["duplicate-rate"] === undefined ? 0 : fraction("--duplicate-rate", v["duplicate-rate"]),
      anomalies: (v.anomaly ?? []).map((text) => Flags.value("--anomaly", text, Anomaly.parse)),
      count: v.count === undefined ? undefined : parseWhole("--count", v.count, 1),
      durationMs: v.duration === undefined ? undefined : parseDurationMs("--duration", v.duration),
      seed: v.seed === undefined ? undefined : Flags.value("--seed", v.seed, Values.nonEmpty),
      mode: v.mode === undefined ? "sessions" : oneOf("--mode", v.mode, EventGenerator.modes),
      customers: v.customers === undefined ? 5000 : parseWhole("--customers", v.customers, 1, 10_000_000),
      products: v.products === undefined ? 500 : parseWhole("--products", v.products, 2, 1_000_000),
      startTime: v["start-time"] === undefined ? undefined : Flags.instant("--start-time", v["start-time"]),
      dryRun: v["dry-run"] === true,
      createTopic: v["create-topic"] === true,
      partitions: v.partitions === undefined ? 3 : parseWhole("--partitions", v.partitions, 1, 10_000),
      replicationFactor:
        v["replication-factor"] === undefined
          ? 1
          : parseWhole("--replication-factor", v["replication-factor"], 1, 32),
      summaryFile: v["summary-file"],
      deadLetterFile: v["dead-letter-file"],
      logFormat:
        v["log-format"] === undefined ? "pretty" : oneOf("--log-format", v["log-format"], Logging.logFormats),
      logLevel:
        Logging.logLevels[
          v["log-level"] === undefined
            ? "info"
            : oneOf("--log-level", v["log-level"], Object.keys(Logging.logLevels))
        ]!,
      progress: v["no-progress"] !== true,
      print: parsePrint(v.print, v["dry-run"] === true),
    },
  }
}
