/**
 * The throughput entries, each a whole process on a fresh topic with the same payloads: the
 * generator alone, the producer app with a client, a hand-written loop of that client, and Kafka's
 * Java ProducerPerformance. The app's delivery is checked against the topic.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { bootstrap, log, measure, type Row, row } from "./measure.js"
import { newTopic, recordsIn } from "./topics.js"

export type Client = "kafkajs" | "platformatic"
export const clients: ReadonlyArray<Client> = ["kafkajs", "platformatic"]

export const producerCommand = ["bun", "apps/producer/src/main.ts", "--no-progress", "--log-level", "warn"]

export interface Payloads {
  readonly file: string
  readonly averageBytes: number
}

interface ChildResult {
  readonly events: number
  readonly bytes: number
  readonly ms: number
}

/** The generator alone; with a profile ("flat" or "diurnal"), paced --rate 20 in simulated time. */
export const generatorEntry = async (mode: string, events: number, profile?: string): Promise<Row> => {
  log(`generator (${mode}${profile === undefined ? "" : `, ${profile}`})`)
  const m = await measure([
    "bun",
    "apps/bench/src/generator.ts",
    mode,
    String(events),
    "json",
    profile ?? "none",
  ])
  return row(
    `generator, ${mode}${profile === undefined ? "" : `, rate 20 ${profile}`} (generate + JSON)`,
    undefined,
    JSON.parse(m.stdout) as ChildResult,
    m,
    "no Kafka",
  )
}

/** Another cluster address, extra flags and a name of its own (the 50 ms group's entries). */
export interface EntryOptions {
  readonly bootstrap?: string
  readonly args?: ReadonlyArray<string>
  readonly label?: string
  /** In transactions: each one's commit marker takes an offset of its partitions too. */
  readonly transactional?: boolean
}

export const appEntry = async (
  client: Client,
  partitions: number,
  events: number,
  payloads: Payloads,
  work: string,
  options: EntryOptions = {},
): Promise<Row> => {
  const label = options.label ?? `producer app, ${client}`
  log(`${label}, ${partitions} partitions, ${events} events`)
  const topic = await newTopic(`app-${client}`, partitions)
  const summaryFile = join(work, `${topic}.json`)
  const m = await measure(
    [
      ...producerCommand,
      ...["--client", client, "--rate", "max", "--count", String(events), "--topic", topic],
      ...["--summary-file", summaryFile, ...(options.args ?? [])],
    ],
    options.bootstrap === undefined ? {} : { KAFKA_BOOTSTRAP_SERVERS: options.bootstrap },
  )
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as { delivered: number; elapsedMs: number }
  const offsets = await recordsIn(topic)
  if (summary.delivered !== events || (options.transactional ? offsets < events : offsets !== events))
    throw new Error(`the app (${label}) did not deliver every event`)
  const result = { events, ms: summary.elapsedMs, bytes: events * payloads.averageBytes }
  return row(label, partitions, result, m, "acks=all, idempotent; key, 4 headers, timestamp")
}

/** Batches of 2,000: the best of 1,000, 2,000 and 5,000 in earlier runs, for both clients. */
const loopBatch = 2000

export const loopEntry = async (
  client: Client,
  partitions: number,
  events: number,
  payloads: Payloads,
): Promise<Row> => {
  log(`hand-written ${client} loop, ${partitions} partitions, ${events} events`)
  const topic = await newTopic(`loop-${client}`, partitions)
  const m = await measure([
    ...[
      "bun",
      `apps/bench/src/${client}Loop.ts`,
      bootstrap,
      topic,
      String(events),
      payloads.file,
      String(loopBatch),
    ],
  ])
  if ((await recordsIn(topic)) !== events) throw new Error(`the ${client} loop did not deliver every event`)
  const note = `batches of ${loopBatch}; acks=all, idempotent; key, 4 headers, timestamp`
  return row(`hand-written ${client} loop`, partitions, JSON.parse(m.stdout) as ChildResult, m, note)
}

export const javaEntry = async (
  partitions: number,
  events: number,
  payloads: Payloads,
  options: EntryOptions = {},
): Promise<Row> => {
  const label = options.label ?? "Java ProducerPerformance"
  log(`${label}, ${partitions} partitions, ${events} events`)
  const libs = (await measure(["bash", "scripts/kafka.sh", "libs"])).stdout.trim()
  const topic = await newTopic("java", partitions)
  const m = await measure([
    ...["java", "-cp", `${libs}/*`, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"],
    ...["org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", String(events)],
    ...["--throughput", "-1", "--payload-file", payloads.file, "--producer-props"],
    ...[`bootstrap.servers=${options.bootstrap ?? bootstrap}`, "acks=all", "enable.idempotence=true"],
    ...(options.args ?? []),
  ])
  const rate = Number(
    m.stdout
      .trim()
      .split("\n")
      .at(-1)
      ?.match(/([\d.]+) records\/sec/)?.[1],
  )
  const result = { events, ms: (events / rate) * 1000, bytes: events * payloads.averageBytes }
  return row(label, partitions, result, m, "acks=all, idempotent; values only")
}
