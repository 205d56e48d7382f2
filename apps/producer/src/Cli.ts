/**
 * The command line: flags parsed by node:util's parseArgs (strict: unknown flags are errors), each
 * value validated once into typed RunOptions, and a --help that teaches by example.
 */

import { readFileSync } from "node:fs"
import { Flags, Logging, Values } from "@customer-events/cli"
import { EventGenerator, Pacing, TrafficProfile } from "@customer-events/events"
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
const kafkaFlags = [
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

export const help = `customer-events: stream realistic e-commerce customer events into Apache Kafka.

Usage:
  customer-events [options]          stream events (bun run apps/producer [options])
  customer-events schema             print the JSON Schema of an event

Examples:
  customer-events --create-topic                      # local broker, default pace (100ms..1s), until Ctrl-C
  customer-events --rate 500 --duration 10m            # ~500 events/s (Poisson) for ten minutes
  customer-events --rate max --count 1000000           # a million events as fast as the broker takes them
  customer-events --config client.properties --topic orders   # Confluent Cloud
  customer-events --dry-run --seed 42 --count 5 --start-time 2026-11-30T00:00:00Z   # NDJSON on stdout
  customer-events --start-time 2026-11-01T00:00:00Z --duration 24h --rate 20 --create-topic
                                                      # backfill one day of event time at full speed

Kafka (each flag wins over its environment variable and the --config file):
${KafkaSettings.flagHelp(kafkaFlags.filter((name) => name !== "drain-timeout"))}
  --topic NAME                 topic (env KAFKA_TOPIC; default customer-events)
  --config FILE                Java/librdkafka .properties file, e.g. Confluent Cloud's client.properties
                               (bootstrap.servers, security.protocol, sasl.*, ssl.ca.location, acks, ...)
                               Precedence: flags > environment > file > defaults.
  --create-topic               create the topic if it is missing, then wait for its leaders
  --partitions N               partitions of a created topic (default 3)
  --replication-factor N       replication factor of a created topic (default 1)

Pace and stop:
  --interval MIN..MAX          uniform random pause between events (default 100ms..1s, the original script's)
  --rate N|max                 Poisson arrivals averaging N events/s, or no pause at all
  --profile flat|diurnal|FILE  the rate's shape over event time, with --rate N as the mean over a week
                               (default flat). diurnal: quiet nights, an evening peak, busier weekends;
                               FILE: {"hourly": [24 weights], "weekday": [7, Monday first],
                               "bursts": {"every": "1h", "duration": "2m", "multiplier": 5}}
  --timezone TZ                the profile's clock: UTC (default), +02:00, Europe/Paris
  --count N                    stop after N events
  --duration D                 stop after D (event time when --start-time is given, else wall time)
  Without --count or --duration the stream runs until Ctrl-C (SIGINT) or SIGTERM.
  Ctrl-C stops generating at once and waits for in-flight batches; Ctrl-C again forces the exit.
${KafkaSettings.flagHelp(["drain-timeout"])}

Content:
  --seed S                     make the stream reproducible (event ids included); printed when omitted
  --mode sessions|independent  sessions: customer visits with views, recommendation clicks, carts and
                               purchases in order (default); independent: each event drawn on its own
  --customers N                customer pool size (default 5000)
  --products N                 catalog size (default 500)
  --start-time ISO             simulated event time from ISO, advancing by the drawn pauses; runs at full speed

Output:
  --dry-run                    write NDJSON events to stdout instead of Kafka (logs stay on stderr)
  --summary-file PATH          write the summary as JSON: {generated, delivered, failed, deadLettered, ...}
  --dead-letter-file PATH      write events that could not be delivered as NDJSON
  --log-format pretty|json     default pretty
  --log-level debug|info|warn|error   default info
  --print [text|json]          each event on stdout once Kafka has it: a readable line (time, type,
                               customer, product, figures, partition@offset), or NDJSON with json
  --no-progress                no live progress line
  -h, --help                   this help
  -V, --version                the version

Durations: 500ms, 10s, 5m, 1h, 1d.
Exit codes: 0 all generated events delivered (also after Ctrl-C); 1 some could not be delivered;
            2 bad usage or configuration, or the cluster refused us at start-up; 130 forced stop.
`
