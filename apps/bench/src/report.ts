/** BENCHMARKS.md from one run's results: the entries, the ratios against their targets, how to read them. */
import { readFileSync } from "node:fs"
import { cpus, totalmem } from "node:os"
import { join } from "node:path"
import { distanceSection } from "./distance.js"
import type { Settings } from "./main.js"
import { type Row, root } from "./measure.js"
import { plainEntry, transactionalEntry } from "./transactions.js"
import { versions } from "./versions.js"

export interface Results {
  readonly generators: ReadonlyArray<Row>
  /** App and loop of each client, and Java, on 3 partitions. */
  readonly few: ReadonlyArray<Row>
  /** The same on many partitions. */
  readonly many: ReadonlyArray<Row>
  /** The app with the default client, and Java, with more events (Java's JIT warm). */
  readonly long: ReadonlyArray<Row>
  /** The app with --workers 1 and 2, and with --metrics-port scraped. */
  readonly workers: ReadonlyArray<Row>
  /** The app with the default client in each value format. */
  readonly formats: ReadonlyArray<Row>
  readonly transactions: ReadonlyArray<Row>
  /** The app and Java through a link with a 50 ms round trip. */
  readonly distance: ReadonlyArray<Row>
  /** Peak RSS of a dry run and start-up time, with the default pools and with big ones. */
  readonly pools: Record<"default" | "big", { readonly peakRssMb: number; readonly startMs: number }>
  readonly averageBytes: number
  readonly sustained: { events: number; rssStart: number; rssPeak: number; rssEnd: number }
  readonly rates: ReadonlyArray<{ target: number; achieved: number; errorPercent: number }>
  readonly timeToFirstMs: number
  readonly exit: { ms: number; code: number; lost: number }
}

const f = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "-"

/** One row of a markdown table. */
const tableRow = (cells: ReadonlyArray<string | number>) => `| ${cells.join(" | ")} |`
const met = (ok: boolean) => (ok ? "yes" : "no")

const entryTable = (rows: ReadonlyArray<Row>) =>
  [
    "| entry | partitions | events | s | events/s | MB/s | CPU-s per M events | peak RSS MB | notes |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows.map((r) =>
      tableRow([
        r.entry,
        r.partitions ?? "-",
        f(r.events),
        f(r.seconds, 2),
        f(r.eventsPerSecond),
        f(r.mbPerSecond, 1),
        f(r.cpuSecondsPerMillion, 1),
        f(r.peakRssMb),
        r.note,
      ]),
    ),
  ].join("\n")

const rate = (rows: ReadonlyArray<Row>, entry: string) =>
  rows.find((r) => r.entry === entry)?.eventsPerSecond ?? Number.NaN

/** --workers 2 against 1, and what 100M customers and 10M products cost over the default pools. */
const scaleLines = ({ workers, pools }: Results) => {
  const extraRss = pools.big.peakRssMb - pools.default.peakRssMb
  const metricsRatio =
    rate(workers, "producer app, --metrics-port") / rate(workers, "producer app, --workers 1")
  const one = rate(workers, "producer app, --workers 1")
  return [
    tableRow([
      "app --workers 2 / --workers 1 (3 partitions, broker on the same 2 cores)",
      f(rate(workers, "producer app, --workers 2") / one, 2),
      "(reported)",
      "",
    ]),
    tableRow([
      "app under Deno / under Bun (informational)",
      f(rate(workers, "producer app under Deno") / one, 2),
      "(reported)",
      "",
    ]),
    tableRow([
      "cost of --metrics-port scraped every second: 1 - rate with / rate without",
      `${f(100 * (1 - metricsRatio), 1)}%`,
      "< 3%",
      met(1 - metricsRatio < 0.03),
    ]),
    tableRow([
      "big pools (100M customers, 10M products): extra peak RSS over the default",
      `${f(extraRss)} MB`,
      "<= 50 MB",
      met(extraRss <= 50),
    ]),
    tableRow([
      `big pools: start and exit of a one-event dry run (default: ${f(pools.default.startMs)} ms)`,
      `${f(pools.big.startMs)} ms`,
      "< 1,000 ms",
      met(pools.big.startMs < 1000),
    ]),
  ]
}

/** A measure's row: its result, target and whether it was met. */
const line = (name: string, value: number, target: number | undefined, unit = "", digits = 2) =>
  tableRow([
    name,
    `${f(value, digits)}${unit}`,
    target === undefined ? "(reported)" : `>= ${target}`,
    target === undefined ? "" : met(value >= target),
  ])

/** Throughput: the app against a hand-written loop of each client, many partitions against few, and Java. */
const throughputLines = (results: Results, settings: Settings) => {
  const { few, many, long } = results
  const app = (rows: ReadonlyArray<Row>, client: string) => rate(rows, `producer app, ${client}`)
  const loop = (rows: ReadonlyArray<Row>, client: string) => rate(rows, `hand-written ${client} loop`)
  const clients = ["kafkajs", "platformatic"]
  return [
    ...clients.map((c) =>
      line(`app / hand-written loop, ${c} (3 partitions)`, app(few, c) / loop(few, c), 0.9),
    ),
    ...clients.map((c) =>
      line(`app / hand-written loop, ${c} (48 partitions)`, app(many, c) / loop(many, c), 0.9),
    ),
    ...clients.map((c) =>
      line(`app ${c}: 48-partition rate / 3-partition rate`, app(many, c) / app(few, c), 0.8),
    ),
    line(
      "Java: 48-partition rate / 3-partition rate",
      rate(many, "Java ProducerPerformance") / rate(few, "Java ProducerPerformance"),
      undefined,
    ),
    line(
      `app (${settings.defaultClient}, the default) / Java, ${f(settings.events)} events`,
      app(few, settings.defaultClient) / rate(few, "Java ProducerPerformance"),
      0.8,
    ),
    line(
      `app (${settings.defaultClient}) / Java, ${f(settings.longEvents)} events`,
      app(long, settings.defaultClient) / rate(long, "Java ProducerPerformance"),
      undefined,
    ),
  ]
}

/** Each registry format's rate against JSON's, in the same run: Avro and Protobuf must keep 0.8 of it. */
export const formatLines = (formats: ReadonlyArray<Row>, settings: Settings) => {
  const json = rate(formats, "producer app, --format json")
  return (["avro", "protobuf", "json-schema"] as const).map((format) =>
    line(
      `app --format ${format} / --format json (${settings.defaultClient}, ${f(settings.events)} events)`,
      rate(formats, `producer app, --format ${format}`) / json,
      format === "json-schema" ? undefined : 0.8,
    ),
  )
}

/** Transactions of 1,000 events against none (transactions.ts), the default client. */
export const transactionLines = (rows: ReadonlyArray<Row>, settings: Settings) => [
  line(
    `app --transactional-id (1,000 a transaction) / without ` +
      `(${settings.defaultClient}, ${f(settings.events)} events)`,
    rate(rows, transactionalEntry) / rate(rows, plainEntry),
    0.8,
  ),
]

/** Memory, the generator, rate accuracy, start and exit. */
const resourceLines = (results: Results, settings: Settings) => {
  const appRss = results.long[0]?.peakRssMb ?? Number.NaN
  const generatorMin = Math.min(
    ...results.generators.filter((r) => !r.entry.includes("rate 20")).map((r) => r.eventsPerSecond),
  )
  const { sustained, exit } = results
  return [
    tableRow([
      `app peak RSS (--rate max, ${f(settings.longEvents)} events)`,
      `${f(appRss)} MB`,
      "<= 200 MB",
      met(appRss <= 200),
    ]),
    tableRow([
      `sustained RSS start / peak / end (${f(sustained.events)} events)`,
      `${f(sustained.rssStart)} / ${f(sustained.rssPeak)} / ${f(sustained.rssEnd)} MB`,
      "flat, <= 200 MB",
      met(sustained.rssPeak <= 200),
    ]),
    tableRow([
      "generator (slowest mode)",
      `${f(generatorMin)} events/s`,
      ">= 300,000",
      met(generatorMin >= 300_000),
    ]),
    line(
      "generator with the diurnal profile / flat (sessions, rate 20)",
      rate(results.generators, "generator, sessions, rate 20 diurnal (generate + JSON)") /
        rate(results.generators, "generator, sessions, rate 20 flat (generate + JSON)"),
      0.85,
    ),
    line(
      "generator with every kind of reference change at a high rate / none (sessions, rate 20)",
      rate(results.generators, "generator, sessions, rate 20 changes (generate + JSON)") /
        rate(results.generators, "generator, sessions, rate 20 flat (generate + JSON)"),
      0.85,
    ),
    ...results.rates.map((r) =>
      tableRow([
        `rate accuracy at ${f(r.target)}/s`,
        `${f(r.achieved)}/s (${f(r.errorPercent, 2)}% off)`,
        "<= 2%",
        met(r.errorPercent <= 2),
      ]),
    ),
    tableRow(["time to first event", `${f(results.timeToFirstMs)} ms`, "", ""]),
    ...scaleLines(results),
    tableRow([
      "SIGINT to exit at max rate",
      `${f(exit.ms)} ms, exit ${exit.code}, ${exit.lost} lost`,
      "<= 2,000 ms, 0 lost",
      met(exit.ms <= 2000 && exit.lost === 0),
    ]),
  ]
}

/** Each measure: its result, target and whether it was met. */
const measures = (results: Results, settings: Settings) =>
  [
    "| measure | result | target | met |",
    "| --- | ---: | ---: | :---: |",
    ...throughputLines(results, settings),
    ...formatLines(results.formats, settings),
    ...transactionLines(results.transactions, settings),
    ...resourceLines(results, settings),
  ].join("\n")

export const report = (results: Results, settings: Settings) => {
  const { generators, few, many, long, workers, formats, transactions } = results
  const entries = entryTable([generators, few, many, long, workers, formats, transactions].flat())
  const tables = `${entries}\n\n${measures(results, settings)}`
  const markdown = `# Benchmarks

Produced by \`bun run bench${settings.quick ? " --quick" : ""}\` on ${new Date().toISOString().slice(0, 10)}.
Every entry ran in the same run, on the same local broker (one KRaft node), with the same
${f(settings.payloads)} pre-generated payloads
(${f(results.averageBytes)} bytes on average). Absolute numbers drift on a shared machine: compare the ratios.

${tables}

${distanceSection(results.distance)}
## Reading the ratios

${readFileSync(join(root, "apps/bench/READING.md"), "utf8").trim()}

## Machine and versions

- ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${f(totalmem() / 2 ** 30, 1)} GiB;
  the broker shares them.
- ${versions()}.

## Settings

- Throughput entries: ${f(settings.events)} events each on 3 and on ${settings.manyPartitions} partitions
  (replication factor 1, a fresh topic per entry); the app and loop entries ran ${settings.rounds} times,
  alternating, and the best run of each is shown.
- Producer app: \`--client C --rate max --count N\` and its defaults (acks=all, idempotent, batches of
  up to 1,000 records and 1,000,000 bytes a partition, linger 5 ms, up to 5 requests in flight);
  events/s from its own summary (start of the stream to the last acknowledgement).
- Hand-written loops: what a script using the client directly would do, one send of 2,000 records
  at a time, acks=all, idempotent, the app's records (key, 4 headers, the event time), strings given
  to the client (kafkajs encodes them; for @platformatic/kafka through its string serializers),
  Java's partitioning.
- Java: \`org.apache.kafka.tools.ProducerPerformance --throughput -1 --payload-file\` with acks=all,
  enable.idempotence=true and its other defaults (values only: no key, no headers).
- Value formats: the app with the default client, \`--format json|avro|protobuf|json-schema\`, 3
  partitions, the schema registered once in the local Schema Registry (Apicurio), alternating, best of
  ${settings.rounds}.
- Transactions: the app with the default client without and with \`--transactional-id\` (transactions
  of 1,000 events, the default), 3 partitions, alternating, best of ${settings.rounds}.
- CPU-seconds and peak RSS are the whole process's (start-up included); the generator entries run
  in one process each.
- The default client (${settings.defaultClient}) runs the ${f(settings.longEvents)}-event entry, the
  sustained run (max rate for ${settings.sustainedSeconds} s or ${f(settings.sustainedMaxEvents)} events,
  RSS sampled every second), rate accuracy (\`--rate N --duration ${settings.rateSeconds}s\`, achieved =
  generated / ${settings.rateSeconds} s), time to first event (spawn to the first record in the topic)
  and time to exit (SIGINT after ${f(settings.exitAfterEvents)} records at max rate).
`
  return { markdown, tables }
}
