/**
 * The flags of a run's extra outputs: --metrics-port (Prometheus), --truth (the ground truth per
 * window) and --reference-topics (the catalog and customers in compacted topics).
 */
import { Flags } from "@customer-events/cli"
import { Values } from "@customer-events/values"
import type { RunOptions } from "./Cli.js"
import { producerFlags } from "./ProducerFlags.js"

const { fail, durationMs: parseDurationMs, whole: parseWhole } = Flags

/** `--metrics-port N [--metrics-host H] [--metrics-linger D]`. */
export const metricsOf = (
  v: { readonly [K in "metrics-port" | "metrics-host" | "metrics-linger"]?: string },
) => {
  if (v["metrics-port"] === undefined) {
    const named = (["metrics-host", "metrics-linger"] as const).find((f) => v[f] !== undefined)
    if (named !== undefined) fail(`--${named}`, "goes with --metrics-port N (where /metrics is served)")
    return undefined
  }
  const host = v["metrics-host"] ?? producerFlags["metrics-host"].default
  if (!/^[A-Za-z0-9.:-]+$/.test(host))
    return fail(
      "--metrics-host",
      `expected a host name or address such as 0.0.0.0, got ${JSON.stringify(host)}`,
    )
  return {
    host,
    port: parseWhole("--metrics-port", v["metrics-port"], 1, 65_535),
    lingerMs: parseDurationMs(
      "--metrics-linger",
      v["metrics-linger"] ?? producerFlags["metrics-linger"].default,
    ),
  }
}

/** `--truth FILE [--truth-window D]` (default 1m). */
export const truthOf = (file: string | undefined, window: string | undefined): RunOptions["truth"] => {
  if (file === undefined) {
    if (window !== undefined) fail("--truth-window", "needs --truth FILE (where the windows are written)")
    return undefined
  }
  const windowMs = parseDurationMs("--truth-window", window ?? producerFlags["truth-window"].default)
  if (windowMs < 1000 || windowMs % 1000 !== 0)
    return fail(
      "--truth-window",
      `expected whole seconds, at least 1s, such as 1m, got ${JSON.stringify(window)}`,
    )
  return { file: Flags.value("--truth", file, Values.nonEmpty), windowMs }
}

/** `--reference-topics [--products-topic T] [--customers-topic T]`: Kafka only, three distinct topics. */
export const referenceTopicsOf = (
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
      `the event topic, the products topic and the customers topic must differ (${topic}, ` +
        `${products}, ${customers})`,
    )
  return { products, customers }
}
