/**
 * Kafka's own VerifiableProducer (kafka-tools, the jars scripts/kafka.sh fetches), the reference row
 * of every scenario: Kafka's system tests judge clients by it. acks=all, idempotence on, the Java
 * producer's defaults otherwise (retries unbounded: the tool itself defaults to 0, which idempotence
 * refuses). It produces the integers 0..N-1 as values, keys cycling over 1,000 like our customers,
 * and prints a JSON line for every acknowledgement and every failure: the topic is read back and
 * compared with those, as for the app.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { readTopic, repoRoot, startInGroup } from "@customer-events/test-support"
import { type Figures, type Producer, plainBootstrap, type Summary, settled } from "./harness.js"

const libs = () => {
  const result = Bun.spawnSync(["bash", join(repoRoot, "scripts/kafka.sh"), "libs"])
  return result.stdout.toString().trim()
}

export interface JavaOptions {
  readonly rate: number | "max"
  readonly count: number
  readonly deliveryTimeoutMs?: number
  /** More producer properties (security). */
  readonly properties?: string
}

/** A PEM file as one properties value: its line breaks escaped. */
const inlinePem = (path: string) => readFileSync(path, "utf8").trim().replaceAll("\n", "\\n")

const loginModules: Record<string, string> = {
  PLAIN: "org.apache.kafka.common.security.plain.PlainLoginModule",
  "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule",
}

/**
 * The app's --config file (librdkafka's names) in Java's names: JAAS for SASL, PEM trust and key
 * stores for TLS. max.block.ms is 5 s (60 s by default), so that a connection that can never
 * succeed fails each send within seconds, as the app's start-up does.
 */
const propertiesOf = (file: string) =>
  new Map(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const),
  )

export const javaSecurityOf = (file: string): string => {
  const p = propertiesOf(file)
  const lines = [`security.protocol=${p.get("security.protocol") ?? "PLAINTEXT"}`, "max.block.ms=5000"]
  const mechanism = p.get("sasl.mechanism")
  if (mechanism !== undefined)
    lines.push(
      `sasl.mechanism=${mechanism}`,
      `sasl.jaas.config=${loginModules[mechanism]} required ` +
        `username="${p.get("sasl.username")}" password="${p.get("sasl.password")}";`,
    )
  const ca = p.get("ssl.ca.location")
  if (ca !== undefined) lines.push("ssl.truststore.type=PEM", `ssl.truststore.location=${ca}`)
  const certificate = p.get("ssl.certificate.location")
  const key = p.get("ssl.key.location")
  if (certificate !== undefined && key !== undefined)
    lines.push(
      "ssl.keystore.type=PEM",
      `ssl.keystore.certificate.chain=${inlinePem(certificate)}`,
      `ssl.keystore.key=${inlinePem(key)}`,
    )
  return `${lines.join("\n")}\n`
}

/** The app's own flags of a scenario, as the Java tool's options. */
export const javaOptionsOf = (args: ReadonlyArray<string>): JavaOptions & { readonly bootstrap?: string } => {
  const value = (flag: string) => {
    const at = args.indexOf(flag)
    return at < 0 ? undefined : args[at + 1]
  }
  const rate = value("--rate")
  const deliveryTimeout = value("--delivery-timeout")
  const config = value("--config")
  const options = {
    rate: rate === undefined || rate === "max" ? ("max" as const) : Number(rate),
    count: Number(value("--count") ?? 10_000),
    ...(deliveryTimeout === undefined
      ? {}
      : { deliveryTimeoutMs: Number.parseFloat(deliveryTimeout) * 1000 }),
    ...(config === undefined ? {} : { properties: javaSecurityOf(config) }),
  }
  const bootstrap =
    value("--bootstrap-servers") ??
    (config === undefined ? undefined : propertiesOf(config).get("bootstrap.servers"))
  return { ...options, ...(bootstrap === undefined ? {} : { bootstrap }) }
}

export const startJava = (
  topic: string,
  work: string,
  options: JavaOptions,
  bootstrap = plainBootstrap(),
) => {
  const config = join(work, `${topic}.java.properties`)
  // Java refuses a delivery timeout under linger.ms + request.timeout.ms.
  const timeouts =
    options.deliveryTimeoutMs === undefined
      ? ""
      : `delivery.timeout.ms=${options.deliveryTimeoutMs}\nrequest.timeout.ms=${options.deliveryTimeoutMs - 1000}\n`
  writeFileSync(
    config,
    `acks=all\nenable.idempotence=true\nretries=2147483647\n${timeouts}${options.properties ?? ""}`,
  )
  return startInGroup([
    "java",
    "-cp",
    `${libs()}/*`,
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
    "org.apache.kafka.tools.VerifiableProducer",
    ...["--topic", topic, "--max-messages", String(options.count), "--repeating-keys", "1000"],
    ...["--throughput", options.rate === "max" ? "-1" : String(options.rate)],
    ...["--bootstrap-server", bootstrap, "--producer.config", config],
  ])
}

interface Line {
  readonly name: string
  readonly value?: string
  readonly sent?: number
  readonly message?: string
}

const linesOf = (stdout: string): Array<Line> =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line)

/** What the tool reported: sent (at its shutdown), acknowledged, failed; failures' first message. */
export const javaSummary = (stdout: string): Summary & { readonly acked: ReadonlySet<string> } => {
  const lines = linesOf(stdout)
  const acked = new Set(lines.filter((l) => l.name === "producer_send_success").map((l) => l.value!))
  const errors = lines.filter((l) => l.name === "producer_send_error")
  // A record may be reported failed twice (by send() and by its callback, when the producer's
  // identity is refused): each counts once.
  const failed = new Set(errors.map((l) => l.value)).size
  const sent = lines.find((l) => l.name === "tool_data")?.sent ?? acked.size + failed
  return {
    generated: sent,
    delivered: acked.size,
    failed,
    // No dead-letter file: the failures it reported stand for it.
    deadLettered: failed,
    retries: 0,
    stoppedBy: "count",
    ...(errors[0]?.message === undefined ? {} : { error: errors[0].message }),
    acked,
  }
}

/** The topic read back against what the tool reported: lost, duplicates, per-key order. */
export const verifyJava = async (
  topic: string,
  producer: Producer,
  options: { readonly topicGone?: boolean } = {},
): Promise<Figures> => {
  const finished = await producer.finished
  const summary = javaSummary(finished.stdout)
  if (!options.topicGone) await settled(topic)
  const consumed = options.topicGone ? [] : await readTopic(topic, plainBootstrap())
  const acked = options.topicGone ? [] : [...summary.acked]
  const seen = new Map<string, number>()
  const lastByKey = new Map<string, number>()
  let orderViolations = 0
  for (const record of [...consumed].sort(
    (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset),
  )) {
    const value = record.value!
    const times = (seen.get(value) ?? 0) + 1
    seen.set(value, times)
    if (times > 1) continue
    if (Number(value) < (lastByKey.get(record.key!) ?? -1)) orderViolations++
    lastByKey.set(record.key!, Number(value))
  }
  return {
    generated: summary.generated,
    delivered: summary.delivered,
    deadLettered: summary.deadLettered,
    lost: acked.filter((value) => !seen.has(value)).length,
    duplicates: [...seen.values()].reduce((n, c) => n + (c - 1), 0),
    orderViolations,
    summaryAddsUp: summary.generated === summary.delivered + summary.failed,
  }
}
