/**
 * The command line: flags parsed by node:util's parseArgs (strict: unknown flags are errors), each
 * value validated once into typed RunOptions, and a --help that teaches by example.
 */

import { Flags, Logging, Values } from "@customer-events/cli"
import { Anomaly, EventGenerator, Pacing, type TrafficProfile } from "@customer-events/events"
import { KafkaSettings } from "@customer-events/kafka"
import type { LogLevel } from "effect"
import * as EventPrinter from "./EventPrinter.js"
import * as Shaping from "./Shaping.js"

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
  /** --truth FILE with --truth-window: the ground truth per window of event time. */
  readonly truth: { readonly file: string; readonly windowMs: number } | undefined
  /** --instance I/N: one of N instances, each with its share of the customers and 1/N of the rate. */
  readonly instance: EventGenerator.Instance | undefined
  /** --workers N: this many instances in Bun workers behind one progress line and one summary. */
  readonly workers: number
  /** --reference-topics: where the catalog and the customer pool are written before the first event. */
  readonly referenceTopics: { readonly products: string; readonly customers: string } | undefined
}

/** What `schema` prints: the event's JSON Schema, or a reference entity's, or a truth line's. */
export const schemaEntities = ["event", "product", "customer", "truth"] as const
export type SchemaEntity = (typeof schemaEntities)[number]

export type Command =
  | { readonly _tag: "Run"; readonly options: RunOptions }
  | { readonly _tag: "Schema"; readonly entity: SchemaEntity }
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
  truth: { type: "string" },
  "truth-window": { type: "string" },
  "reference-topics": { type: "boolean" },
  "products-topic": { type: "string" },
  "customers-topic": { type: "string" },
  entity: { type: "string" },
  instance: { type: "string" },
  workers: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const

/** Whether a flag of this command line takes a value (--topic NAME) or stands alone (--dry-run). */
export const takesValue = (name: string): boolean =>
  (flags as Record<string, { readonly type: string }>)[name]?.type === "string"

const { fail, durationMs: parseDurationMs, whole: parseWhole, oneOf } = Flags
const { pacingOf, profileOf, fraction, lateOf, timeZoneOf } = Shaping

const parsePrint = (text: string | undefined, dryRun: boolean) => {
  if (text === undefined) return undefined
  if (dryRun) return fail("--print", "--dry-run already writes every event to stdout: use one or the other")
  return oneOf("--print", text, EventPrinter.printFormats)
}

/** `--instance I/N`: 1 <= I <= N, and at least one customer per instance. */
const instanceOf = (text: string | undefined, customers: number): EventGenerator.Instance | undefined => {
  if (text === undefined) return undefined
  const match = /^(\d+)\/(\d+)$/.exec(text)
  const [index, of] = match === null ? [0, 0] : [Number(match[1]), Number(match[2])]
  if (!(index >= 1 && index <= of && of <= 10_000))
    return fail(
      "--instance",
      `expected I/N with 1 <= I <= N <= 10000, such as 2/4, got ${JSON.stringify(text)}`,
    )
  if (customers < of) return fail("--instance", `${of} instances need at least ${of} customers (--customers)`)
  return { index, of }
}

/** `--count N` is the command's: one of several instances sends its share (N split as evenly as can be). */
const shareOfCount = (count: number, instance: EventGenerator.Instance | undefined) =>
  instance === undefined
    ? count
    : Math.floor(count / instance.of) + (instance.index <= count % instance.of ? 1 : 0)

/** `--workers N`: each worker is a Kafka producer of its own; what writes one shared stream cannot be split. */
const workersOf = (
  text: string | undefined,
  v: { readonly [K in "dry-run" | "print" | "truth"]?: unknown },
) => {
  if (text === undefined) return 1
  const n = parseWhole("--workers", text, 1, 64)
  const single = (["dry-run", "print", "truth"] as const).find((f) => v[f] !== undefined)
  if (n > 1 && single !== undefined)
    fail(
      "--workers",
      `--${single} writes one stream: run it with one worker, or run instances with --instance I/N`,
    )
  return n
}

/** `--truth FILE [--truth-window D]` (default 1m). */
const truthOf = (file: string | undefined, window: string | undefined): RunOptions["truth"] => {
  if (file === undefined) {
    if (window !== undefined) fail("--truth-window", "needs --truth FILE (where the windows are written)")
    return undefined
  }
  const windowMs = window === undefined ? 60_000 : parseDurationMs("--truth-window", window)
  if (windowMs < 1000 || windowMs % 1000 !== 0)
    return fail(
      "--truth-window",
      `expected whole seconds, at least 1s, such as 1m, got ${JSON.stringify(window)}`,
    )
  return { file: Flags.value("--truth", file, Values.nonEmpty), windowMs }
}

/** `--reference-topics [--products-topic T] [--customers-topic T]`: Kafka only, three distinct topics. */
const referenceTopicsOf = (
  v: {
    readonly [K in "reference-topics" | "products-topic" | "customers-topic" | "dry-run"]?: string | boolean
  },
  topic: string,
): RunOptions["referenceTopics"] => {
  const named = (["products-topic", "customers-topic"] as const).find((f) => v[f] !== undefined)
  if (v["reference-topics"] !== true) {
    if (named !== undefined) fail(`--${named}`, "names a reference topic: add --reference-topics")
    return undefined
  }
  if (v["dry-run"] === true) return fail("--reference-topics", "writes to Kafka: drop --dry-run")
  const products = String(v["products-topic"] ?? `${topic}-products`)
  const customers = String(v["customers-topic"] ?? `${topic}-customers`)
  if (products === topic || customers === topic || products === customers)
    return fail(
      named === undefined ? "--reference-topics" : `--${named}`,
      `the event topic, the products topic and the customers topic must differ (${topic}, ${products}, ${customers})`,
    )
  return { products, customers }
}

/** Parses argv (without the runtime and script) into a command; throws UsageError naming the flag. */
/** `--print` takes an optional format: a bare `--print` (followed by a flag, "schema" or nothing) means text. */
const withPrintFormat = (argv: ReadonlyArray<string>): Array<string> =>
  argv.flatMap((arg, i) => {
    const next = argv[i + 1]
    const bare = next === undefined || next.startsWith("-") || next === "schema"
    return arg === "--print" && bare ? ["--print", "text"] : [arg]
  })

/** `schema [--entity E]`, the only subcommand. */
const schemaCommand = (positionals: ReadonlyArray<string>, entity: string | undefined): Command => {
  if (positionals.length === 0)
    return fail("--entity", "chooses what the schema command prints: customer-events schema --entity product")
  if (positionals[0] !== "schema" || positionals.length > 1)
    fail(
      "",
      `unexpected argument ${JSON.stringify(positionals.find((p) => p !== "schema"))} (the only subcommand is "schema")`,
    )
  return {
    _tag: "Schema",
    entity: entity === undefined ? "event" : oneOf("--entity", entity, schemaEntities),
  }
}

export const parse = (argv: ReadonlyArray<string>, env: Record<string, string | undefined>): Command => {
  const parsed = Flags.parse(withPrintFormat(argv), flags)
  const v = parsed.values
  if (v.help) return { _tag: "Help" }
  if (v.version) return { _tag: "Version" }
  if (parsed.positionals.length > 0 || v.entity !== undefined)
    return schemaCommand(parsed.positionals, v.entity)
  const topic = Flags.topic(v.topic, env, defaultTopic)
  const customers =
    v.customers === undefined ? 5000 : parseWhole("--customers", v.customers, 1, 1_000_000_000)
  const instance = instanceOf(v.instance, customers)
  const pacing = pacingOf(v.rate, v.interval)

  return {
    _tag: "Run",
    options: {
      topic,
      configFile: v.config,
      kafka: KafkaSettings.givenFlags(kafkaFlags, v),
      pacing: instance === undefined ? pacing : Pacing.shareOf(pacing, instance.of),
      profile: profileOf(v.profile, v.rate),
      timeZone: timeZoneOf(v.timezone),
      late: lateOf(v["late-rate"], v["late-by"]),
      duplicateRate:
        v["duplicate-rate"] === undefined ? 0 : fraction("--duplicate-rate", v["duplicate-rate"]),
      anomalies: (v.anomaly ?? []).map((text) => Flags.value("--anomaly", text, Anomaly.parse)),
      count: v.count === undefined ? undefined : shareOfCount(parseWhole("--count", v.count, 1), instance),
      durationMs: v.duration === undefined ? undefined : parseDurationMs("--duration", v.duration),
      seed: v.seed === undefined ? undefined : Flags.value("--seed", v.seed, Values.nonEmpty),
      mode: v.mode === undefined ? "sessions" : oneOf("--mode", v.mode, EventGenerator.modes),
      customers,
      products: v.products === undefined ? 500 : parseWhole("--products", v.products, 2, 100_000_000),
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
      truth: truthOf(v.truth, v["truth-window"]),
      referenceTopics: referenceTopicsOf(v, topic),
      instance,
      workers: workersOf(v.workers, v),
    },
  }
}
