/**
 * The "50 ms round trip" group: the local broker behind Toxiproxy, 25 ms each way (`kafka.sh up
 * --latency 25ms`), as Confluent Cloud is from a laptop. The app with each client at its defaults and
 * with large batches, and Java's ProducerPerformance with its defaults and with batch.size=1048576
 * linger.ms=20 (both with 5 requests in flight), each a whole process, alternating, best of the rounds.
 */
import { appEntry, javaEntry, type Payloads } from "./entries.js"
import { best, log, type Row, root } from "./measure.js"

const kafkaScript = (...args: ReadonlyArray<string>) => {
  const run = Bun.spawnSync(["bash", "scripts/kafka.sh", ...args], { cwd: root })
  if (run.exitCode !== 0) throw new Error(`scripts/kafka.sh ${args.join(" ")}: ${run.stderr}`)
  return run.stdout.toString().trim().split("\n").at(-1)!
}

export const largeBatches = ["--batch-size", "5000"]
export const javaLarge = "Java ProducerPerformance, batch.size=1048576 linger.ms=20"

/** Each entry of the group once, through the proxy at `bootstrap`. */
const round = async (events: number, payloads: Payloads, work: string, bootstrap: string) => [
  await appEntry("platformatic", 3, events, payloads, work, {
    bootstrap,
    label: "producer app, platformatic, at 50 ms",
  }),
  await appEntry("kafkajs", 3, events, payloads, work, {
    bootstrap,
    label: "producer app, kafkajs, at 50 ms",
  }),
  await appEntry("platformatic", 3, events, payloads, work, {
    bootstrap,
    args: largeBatches,
    label: `producer app, platformatic, ${largeBatches.join(" ")}, at 50 ms`,
  }),
  await javaEntry(3, events, payloads, { bootstrap, label: "Java ProducerPerformance, defaults, at 50 ms" }),
  await javaEntry(3, events, payloads, {
    bootstrap,
    args: ["batch.size=1048576", "linger.ms=20"],
    label: `${javaLarge}, at 50 ms`,
  }),
]

/** The group's rows; the broker is back to direct connections (the proxy removed) afterwards. */
export const distanceEntries = async (
  events: number,
  payloads: Payloads,
  work: string,
  rounds: number,
): Promise<Array<Row>> => {
  if (process.env.KAFKA_BOOTSTRAP_SERVERS) {
    log("the 50 ms group needs the local broker (KAFKA_BOOTSTRAP_SERVERS is set): skipped")
    return []
  }
  const bootstrap = kafkaScript("up", "--latency", "25ms")
  try {
    const bestOf = new Map<string, Row>()
    for (let i = 0; i < rounds; i++)
      for (const entry of await round(events, payloads, work, bootstrap))
        bestOf.set(entry.entry, best(entry, bestOf.get(entry.entry)))
    return [...bestOf.values()]
  } finally {
    kafkaScript("up", "--latency", "0")
  }
}

const f = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "-"

const wholeRate = (r: Row) => r.events / r.wallSeconds

/**
 * The group's section of BENCHMARKS.md: each entry whole-process and in-stream, and the ratios that
 * issue targets name (the app at its defaults against Java with large batches: 1.0; kafkajs: 0.5).
 */
export const distanceSection = (rows: ReadonlyArray<Row>): string => {
  if (rows.length === 0) return "## At a 50 ms round trip\n\nNot measured (another cluster was in use).\n"
  const java = rows.find((r) => r.entry === `${javaLarge}, at 50 ms`)
  const against = (entry: string, target: number | undefined) => {
    const r = rows.find((row) => row.entry === entry)
    const ratio = r === undefined || java === undefined ? Number.NaN : wholeRate(r) / wholeRate(java)
    const goal = target === undefined ? ["(reported)", ""] : [`>= ${target}`, ratio >= target ? "yes" : "no"]
    return `| ${entry.replace(", at 50 ms", "")} / ${javaLarge} | ${f(ratio, 2)} | ${goal.join(" | ")} |`
  }
  return [
    "## At a 50 ms round trip",
    "",
    "The local broker behind Toxiproxy, 25 ms each way (`scripts/kafka.sh up --latency 25ms`),",
    `3 partitions, ${f(rows[0]!.events)} events an entry. Whole process: events / wall time from spawn`,
    "to exit; in-stream: the app's summary (first event to last acknowledgement), Java's own count.",
    "",
    "| entry | events/s, whole process | events/s, in-stream | CPU-s per M events | peak RSS MB |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) =>
      [r.entry, f(wholeRate(r)), f(r.eventsPerSecond), f(r.cpuSecondsPerMillion, 1), f(r.peakRssMb)]
        .join(" | ")
        .replace(/^(.*)$/, "| $1 |"),
    ),
    "",
    "| measure (whole processes) | result | target | met |",
    "| --- | ---: | ---: | :---: |",
    against("producer app, platformatic, at 50 ms", 1.0),
    against("producer app, kafkajs, at 50 ms", 0.5),
    against(`producer app, platformatic, ${largeBatches.join(" ")}, at 50 ms`, undefined),
    against("Java ProducerPerformance, defaults, at 50 ms", undefined),
    "",
  ].join("\n")
}
