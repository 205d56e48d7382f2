/**
 * The command line: flags parsed by node:util's parseArgs (strict: unknown flags are errors), each
 * value validated once into typed RunOptions, and a --help that teaches by example.
 */

import { FlagSpec, Flags, LogFlags, type Logging } from "@customer-events/cli"
import {
  Anomaly,
  type EntityChanges,
  EventFormat,
  EventGenerator,
  Pacing,
  type TrafficProfile,
} from "@customer-events/events"
import { KafkaSettings } from "@customer-events/kafka"
import { Values } from "@customer-events/values"
import type { LogLevel } from "effect"
import { entityChangesOf } from "./EntityChangeFlags.js"
import * as EventPrinter from "./EventPrinter.js"
import { producerFlags } from "./ProducerFlags.js"
import * as RunExtras from "./RunExtras.js"
import * as Scaling from "./Scaling.js"
import * as Shaping from "./Shaping.js"
import * as Transactions from "./Transactions.js"

export interface RunOptions {
  readonly topic: string
  /** The records' values: JSON, or a registry format (the schema id resolved once, before Kafka). */
  readonly format: EventFormat.Format
  /** The event schema's version: 2 adds deviceType; broken is only ever offered to the registry. */
  readonly schemaVersion: EventFormat.SchemaVersion
  readonly configFile: string | undefined
  /** The Kafka flags given (read through the settings table): they win over env and file. */
  readonly kafka: Readonly<Record<string, string | true>>
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
  /** --metrics-port N (--metrics-host, --metrics-linger): /metrics for Prometheus while the run goes. */
  readonly metrics: { readonly host: string; readonly port: number; readonly lingerMs: number } | undefined
  /** --reference-topics: where the catalog and the customer pool are written before the first event. */
  readonly referenceTopics: { readonly products: string; readonly customers: string } | undefined
  /** --entity-changes, --price-changes, ...: the reference data changes over event time. */
  readonly entityChanges: EntityChanges.Rates | undefined
  /** --transaction-size, --transaction-interval, --abort-rate: used with a transactional id. */
  readonly transactions: Transactions.TransactionOptions
}

/** What `schema` prints: the event's JSON Schema, or a reference entity's, or a truth line's. */
export const schemaEntities = ["event", "product", "customer", "truth"] as const
export type SchemaEntity = (typeof schemaEntities)[number]

export type Command =
  | { readonly _tag: "Run"; readonly options: RunOptions }
  | {
      readonly _tag: "Schema"
      readonly entity: SchemaEntity
      readonly format: EventFormat.Format
      readonly version: EventFormat.SchemaVersion
    }
  | { readonly _tag: "Help" }
  | { readonly _tag: "Version" }

/** Defaults as written in the flags' specs, read by the same parsers as a given value. */
const defaultOf = <N extends keyof typeof producerFlags>(name: N) =>
  (producerFlags[name] as { readonly default: string }).default

/** The Kafka flags this app offers: every flag of the settings table, in its order (that of --help). */
export const kafkaFlags = KafkaSettings.flagNames

const flags = { ...KafkaSettings.flagOptions(kafkaFlags), ...FlagSpec.parseOptions(producerFlags) }

/** Whether a flag of this command line takes a value (--topic NAME) or stands alone (--dry-run). */
export const takesValue = (name: string): boolean =>
  kafkaFlags.includes(name) || FlagSpec.takesValue(producerFlags, name)

const { fail, durationMs: parseDurationMs, whole: parseWhole, oneOf } = Flags
const { pacingOf, profileOf, fraction, lateOf, timeZoneOf } = Shaping
const { instanceOf, shareOfCount, workersOf } = Scaling
const { metricsOf, truthOf, referenceTopicsOf } = RunExtras

const parsePrint = (text: string | undefined, dryRun: boolean) => {
  if (text === undefined) return undefined
  if (dryRun) return fail("--print", "--dry-run already writes every event to stdout: use one or the other")
  return oneOf("--print", text, EventPrinter.printFormats)
}

/** Parses argv (without the runtime and script) into a command; throws UsageError naming the flag. */
/**
 * `--print` takes an optional format: a bare `--print` (followed by a flag, "schema" or nothing) means text.
 */
const withPrintFormat = (argv: ReadonlyArray<string>): Array<string> =>
  argv.flatMap((arg, i) => {
    const next = argv[i + 1]
    const bare = next === undefined || next.startsWith("-") || next === "schema"
    return arg === "--print" && bare ? ["--print", "text"] : [arg]
  })

/** --format, else EVENT_FORMAT, else JSON; an error names where the value came from. */
const formatOf = (flag: string | undefined, env: Record<string, string | undefined>): EventFormat.Format => {
  const fromEnv = flag === undefined && env.EVENT_FORMAT !== undefined && env.EVENT_FORMAT !== ""
  const text = flag ?? (fromEnv ? env.EVENT_FORMAT! : defaultOf("format"))
  return oneOf(fromEnv ? "EVENT_FORMAT" : "--format", text, EventFormat.formats)
}

/** `schema [--entity E] [--format F]`, the only subcommand. */
const schemaCommand = (
  positionals: ReadonlyArray<string>,
  entity: string | undefined,
  format: EventFormat.Format,
  version: EventFormat.SchemaVersion,
): Command => {
  if (positionals.length === 0)
    return fail("--entity", "chooses what the schema command prints: customer-events schema --entity product")
  if (positionals[0] !== "schema" || positionals.length > 1)
    fail(
      "",
      `unexpected argument ${JSON.stringify(positionals.find((p) => p !== "schema"))} (the only ` +
        `subcommand is "schema")`,
    )
  const chosen = oneOf("--entity", entity ?? defaultOf("entity"), schemaEntities)
  if (chosen === "truth" && (format === "avro" || format === "protobuf"))
    fail("--format", `the truth is a file of JSON lines: use --format json-schema with --entity truth`)
  return { _tag: "Schema", entity: chosen, format, version }
}

const brokenUse =
  "broken is a change for the registry to refuse, never written: use it with --format " +
  "avro|protobuf|json-schema, without --dry-run"

/** --create-topic with the created topic's --partitions and --replication-factor. */
interface CreatedTopicFlags {
  readonly "create-topic"?: boolean
  readonly partitions?: string
  readonly "replication-factor"?: string
}

const createdTopicOf = (v: CreatedTopicFlags) => ({
  createTopic: v["create-topic"] === true,
  partitions: parseWhole("--partitions", v.partitions ?? defaultOf("partitions"), 1, 10_000),
  replicationFactor: parseWhole(
    "--replication-factor",
    v["replication-factor"] ?? defaultOf("replication-factor"),
    1,
    32,
  ),
})

export const parse = (argv: ReadonlyArray<string>, env: Record<string, string | undefined>): Command => {
  const parsed = Flags.parse(withPrintFormat(argv), flags)
  const v = parsed.values
  if (v.help) return { _tag: "Help" }
  if (v.version) return { _tag: "Version" }
  const format = formatOf(v.format, env)
  const version = oneOf("--schema-version", v["schema-version"] ?? "1", EventFormat.schemaVersions)
  if (parsed.positionals.length > 0 || v.entity !== undefined)
    return schemaCommand(parsed.positionals, v.entity, format, version)
  if (version === "broken" && (format === "json" || v["dry-run"] === true))
    fail("--schema-version", brokenUse)
  const topic = Flags.topic(v.topic, env, defaultOf("topic"))
  const customers = parseWhole("--customers", v.customers ?? defaultOf("customers"), 1, 1_000_000_000)
  const instance = instanceOf(v.instance, customers)
  const pacing = pacingOf(v.rate, v.interval)
  const referenceTopics = referenceTopicsOf(v, topic)
  const anomalies = (v.anomaly ?? []).map((text) => Flags.value("--anomaly", text, Anomaly.parse))

  return {
    _tag: "Run",
    options: {
      topic,
      format,
      schemaVersion: version,
      configFile: v.config,
      kafka: KafkaSettings.givenFlags(kafkaFlags, v),
      pacing: instance === undefined ? pacing : Pacing.shareOf(pacing, instance.of),
      profile: profileOf(v.profile, v.rate),
      timeZone: timeZoneOf(v.timezone ?? defaultOf("timezone")),
      late: lateOf(v["late-rate"], v["late-by"]),
      duplicateRate:
        v["duplicate-rate"] === undefined ? 0 : fraction("--duplicate-rate", v["duplicate-rate"]),
      anomalies,
      count: v.count === undefined ? undefined : shareOfCount(parseWhole("--count", v.count, 1), instance),
      durationMs: v.duration === undefined ? undefined : parseDurationMs("--duration", v.duration),
      seed: v.seed === undefined ? undefined : Flags.value("--seed", v.seed, Values.nonEmpty),
      mode: oneOf("--mode", v.mode ?? defaultOf("mode"), EventGenerator.modes),
      customers,
      products: parseWhole("--products", v.products ?? defaultOf("products"), 2, 100_000_000),
      startTime: v["start-time"] === undefined ? undefined : Flags.instant("--start-time", v["start-time"]),
      dryRun: v["dry-run"] === true,
      ...createdTopicOf(v),
      summaryFile: v["summary-file"],
      deadLetterFile: v["dead-letter-file"],
      ...LogFlags.logOptionsOf(v),
      progress: v["no-progress"] !== true,
      print: parsePrint(v.print, v["dry-run"] === true),
      truth: truthOf(v.truth, v["truth-window"]),
      referenceTopics,
      entityChanges: entityChangesOf(v, referenceTopics !== undefined, anomalies),
      instance,
      workers: workersOf(v.workers, v),
      metrics: metricsOf(v),
      transactions: Transactions.optionsOf(v),
    },
  }
}
