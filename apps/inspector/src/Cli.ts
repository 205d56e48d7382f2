/** The inspector's command line: the producer's connection flags, what to read, how to report. */

import { readFileSync } from "node:fs"
import { FlagSpec, Flags, LogFlags, type Logging } from "@customer-events/cli"
import { type KafkaConsumer, KafkaSettings } from "@customer-events/kafka"
import type { LogLevel } from "effect"
import type { Expected, Mode } from "./Inspection.js"
import { inspectorFlags } from "./InspectorFlags.js"
import { TruthCheck } from "./TruthCheck.js"

export interface Options {
  readonly topic: string
  readonly configFile: string | undefined
  /** The Kafka flags given (read through the settings table). */
  readonly kafka: Readonly<Record<string, string | true>>
  /** Epoch ms to start from; undefined: the beginning. */
  readonly fromTime: number | undefined
  readonly follow: boolean
  readonly max: number | undefined
  readonly json: boolean
  /** --summary: the producer's summary of the run, whose injected disorder is expected. */
  readonly expected: Expected | undefined
  /** --truth, repeatable: the producer's ground truth files, combined. */
  readonly truth: TruthCheck | undefined
  readonly mode: Mode
  /** --reference-topics: where the producer wrote the products and customers. */
  readonly referenceTopics: { readonly products: string; readonly customers: string } | undefined
  /** --isolation: read_committed (default) skips the records of aborted transactions. */
  readonly isolation: KafkaConsumer.Isolation
  readonly logFormat: Logging.LogFormat
  readonly logLevel: LogLevel.LogLevel
  readonly progress: boolean
}

export type Command = { readonly _tag: "Run"; readonly options: Options } | { readonly _tag: "Help" }

/** The connection flags this app offers, from the producer's settings table. */
const kafkaFlags = ["bootstrap-servers", "connect-timeout", "client-id", "schema-registry-url"] as const

const flags = { ...KafkaSettings.flagOptions(kafkaFlags), ...FlagSpec.parseOptions(inspectorFlags) }

/** Defaults as written in the flags' specs, read by the same parsers as a given value. */
const defaultOf = <N extends keyof typeof inspectorFlags>(name: N) =>
  (inspectorFlags[name] as { readonly default: string }).default

/** The late and duplicate counts of a producer's --summary-file. */
const expectedOf = (path: string): Expected => {
  let summary: Record<string, unknown>
  try {
    summary = JSON.parse(readFileSync(path, "utf8"))
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message
    return Flags.fail("--summary", `cannot read ${path}: ${reason}`)
  }
  const { late, duplicatesInjected, anomalies } = summary
  if (typeof late !== "number" || typeof duplicatesInjected !== "number" || !Array.isArray(anomalies))
    return Flags.fail(
      "--summary",
      `${path} is not a producer summary (no late, duplicatesInjected and anomalies)`,
    )
  // Absent from the summaries of earlier versions.
  const duplicatesPossible = typeof summary.duplicatesPossible === "number" ? summary.duplicatesPossible : 0
  const priceChanges = Number(
    (summary.referenceChanges as { priceChanges?: number } | undefined)?.priceChanges ?? 0,
  )
  return { late, duplicatesInjected, duplicatesPossible, anomalies, priceChanges, ...transactionsOf(summary) }
}

/** A run in transactions (its summary counts some): its committed and aborted events. */
const transactionsOf = (summary: Record<string, unknown>): Pick<Expected, "transactions"> => {
  const ended = summary.transactions as Record<string, number> | undefined
  const any = ended !== undefined && Object.values(ended).some((n) => n > 0)
  if (!any || typeof summary.delivered !== "number") return {}
  return { transactions: { committed: summary.delivered, aborted: Number(summary.aborted ?? 0) } }
}

/** `--reference-topics [--products-topic T] [--customers-topic T]`: the producer's names by default. */
const referenceTopicsOf = (
  v: { readonly [K in "reference-topics" | "products-topic" | "customers-topic"]?: string | boolean },
  topic: string,
): Options["referenceTopics"] => {
  const named = (["products-topic", "customers-topic"] as const).find((f) => v[f] !== undefined)
  if (v["reference-topics"] !== true) {
    if (named !== undefined) Flags.fail(`--${named}`, "names a reference topic: add --reference-topics")
    return undefined
  }
  return {
    products: String(v["products-topic"] ?? `${topic}-products`),
    customers: String(v["customers-topic"] ?? `${topic}-customers`),
  }
}

export const parse = (argv: ReadonlyArray<string>, env: Record<string, string | undefined>): Command => {
  const { values: v, positionals } = Flags.parse(argv, flags)
  if (v.help) return { _tag: "Help" }
  if (positionals.length > 0) Flags.fail("", `unexpected argument ${JSON.stringify(positionals[0])}`)
  if (v["from-beginning"] && v["from-time"] !== undefined)
    Flags.fail("--from-time", "use either --from-beginning or --from-time, not both")
  if (v.follow && v["from-time"] !== undefined)
    Flags.fail("--from-time", "reads a bounded range: drop --follow")
  if (v.follow && v.truth !== undefined) Flags.fail("--truth", "compares a bounded read: drop --follow")
  const topic = Flags.topic(v.topic, env, defaultOf("topic"))
  return {
    _tag: "Run",
    options: {
      topic,
      referenceTopics: referenceTopicsOf(v, topic),
      configFile: v.config,
      kafka: KafkaSettings.givenFlags(kafkaFlags, v),
      fromTime: v["from-time"] === undefined ? undefined : Flags.instant("--from-time", v["from-time"]),
      follow: v.follow === true,
      max: v.max === undefined ? undefined : Flags.whole("--max", v.max, 1),
      json: v.json === true,
      expected: v.summary === undefined ? undefined : expectedOf(v.summary),
      truth: v.truth === undefined ? undefined : TruthCheck.load(v.truth),
      mode: Flags.oneOf("--mode", v.mode ?? defaultOf("mode"), ["auto", "sessions", "independent"]),
      isolation: Flags.oneOf("--isolation", v.isolation ?? defaultOf("isolation"), [
        "read_committed",
        "read_uncommitted",
      ]),
      ...LogFlags.logOptionsOf(v),
      progress: v["no-progress"] !== true,
    },
  }
}

export const help = `customer-events inspector: read a topic back and check that the stream is sound.

Usage:
  bun run apps/inspector [options]

Examples:
  bun run apps/inspector                                   # the whole topic customer-events, then a report
  bun run apps/inspector --topic orders --json > report.json
  bun run apps/inspector --from-time 2026-11-30T12:00:00Z  # from a point in time up to now
  bun run apps/inspector --follow                          # keep checking new events until Ctrl-C
  bun run apps/inspector --config client.properties --topic orders   # Confluent Cloud

Connection (exactly as the producer takes them):
${KafkaSettings.flagHelp(kafkaFlags)}
${FlagSpec.helpLines(inspectorFlags, "connection")}

What to read:
${FlagSpec.helpLines(inspectorFlags, "read")}

${FlagSpec.helpLines(inspectorFlags, "expect")}

Checks:
  Each record: the value decodes as an event; key = customerId; the headers event-type, event-id,
  content-type, schema-version agree with the event; the record timestamp = the event time.
  Each session (sessions mode): a purchase follows an addToCart of the same product and quantity;
  time never goes backwards. Across the stream: one unit price per product (with --reference-topics,
  or a summary saying prices changed: the price valid at each purchase's time); no duplicate eventId.
${FlagSpec.helpLines(inspectorFlags, "checks")}

Output:
  A report on stdout (--json: as JSON); a progress line on stderr. Ctrl-C prints the report so far.
${FlagSpec.helpLines(inspectorFlags, "output")}

Exit codes: 0 sound; 1 invalid records, violations, duplicates or a difference from the truth;
            2 bad usage, or the cluster or topic could not be reached.
`
