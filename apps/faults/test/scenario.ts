/**
 * What every scenario shares: the three producers (the app with each client, and Java's
 * VerifiableProducer), a run of one of them against a fresh topic, and the checks afterwards. The
 * results gathered here become RELIABILITY.md (faults.test.ts).
 */
import { expect } from "bun:test"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KafkaConfig } from "@customer-events/kafka"
import { uniqueTopic } from "@customer-events/test-support"
import {
  createTopic,
  type Figures,
  plainBootstrap,
  recordCount,
  type Summary,
  startProducer,
  until,
  verify,
} from "./harness.js"
import { type JavaOptions, javaOptionsOf, javaSummary, startJava, verifyJava } from "./java.js"

export const work = mkdtempSync(join(tmpdir(), "faults-"))
export interface Result {
  readonly client: string
  readonly scenario: string
  readonly figures: Partial<Figures>
  readonly recoverMs?: number
  readonly note: string
}
export const results: Array<Result> = []

/** The app with each of its clients, and Kafka's own Java VerifiableProducer as the reference. */
export const clients = [...KafkaConfig.clients, "java"] as const
export type Client = (typeof clients)[number]

export interface Run {
  readonly client: Client
  readonly topic: string
  readonly seed: number
  readonly summaryFile: string
  readonly deadLetterFile: string
  readonly producer: ReturnType<typeof startProducer>
}

export interface ProduceOptions {
  /** A topic the scenario made (its ACLs set): not created here. */
  readonly topic?: string
  readonly createTopic?: boolean
  /** Java's options for this scenario, beyond those of the app's flags (security, timeouts). */
  readonly java?: Partial<JavaOptions>
  readonly bootstrap?: string
  /** Partition i's leader: node leaders[i]. */
  readonly leaders?: ReadonlyArray<number>
}

let seeds = 100
export const produceWith = async (
  client: Client,
  args: ReadonlyArray<string>,
  options: ProduceOptions = {},
): Promise<Run> => {
  const topic = options.topic ?? uniqueTopic("fault")
  if (options.topic === undefined && options.createTopic !== false)
    await createTopic(topic, 3, options.leaders)
  const seed = seeds++
  const summaryFile = join(work, `${topic}.json`)
  const deadLetterFile = join(work, `${topic}.dead.ndjson`)
  if (client === "java") {
    const { bootstrap, ...java } = javaOptionsOf(args)
    const producer = startJava(topic, work, { ...java, ...options.java }, options.bootstrap ?? bootstrap)
    return { client, topic, seed, summaryFile, deadLetterFile, producer }
  }
  const producer = startProducer([
    "--client",
    client,
    "--bootstrap-servers",
    options.bootstrap ?? plainBootstrap(),
    "--topic",
    topic,
    "--seed",
    String(seed),
    "--summary-file",
    summaryFile,
    "--dead-letter-file",
    deadLetterFile,
    // Three requests in flight (one producer per partition), as over a cloud link: a local cluster
    // answers fast enough that the default would keep one.
    "--max-in-flight",
    "5",
    ...args,
  ])
  return { client, topic, seed, summaryFile, deadLetterFile, producer }
}

/** The run's summary, once it has finished: the app's --summary-file, or what Java printed. */
export const summaryOf = async (run: Run): Promise<Summary> =>
  run.client === "java"
    ? javaSummary((await run.producer.finished).stdout)
    : (JSON.parse(readFileSync(run.summaryFile, "utf8")) as Summary)

/**
 * Time from now until the topic holds more records than it does now. While a partition's leader is
 * frozen or dead, its count may be unanswerable (-1) for a while: "now" is the first answer.
 */
export const timeToGrow = async (topic: string) => {
  const started = Date.now()
  let before = -1
  await until(
    async () => {
      before = await recordCount(topic)
      return before >= 0
    },
    `${topic} to be counted`,
    120_000,
  )
  await until(async () => (await recordCount(topic)) > before, `${topic} to grow again`, 120_000)
  return Date.now() - started
}

export const expectSound = (figures: Figures) => {
  expect(figures.lost).toBe(0)
  expect(figures.orderViolations).toBe(0)
  expect(figures.summaryAddsUp).toBe(true)
}

/**
 * A run the cluster must refuse, by Java's tool: every record reported failed, none delivered, no
 * secret printed. Java's first error and how long it took, for the notes.
 */
export const javaRefusal = async (run: Run, secret?: string) => {
  const finished = await run.producer.finished
  const summary = await summaryOf(run)
  expect(summary.delivered).toBe(0)
  expect(summary.failed).toBe(summary.generated)
  if (secret !== undefined) expect(finished.stderr + finished.stdout).not.toContain(secret)
  const error = summary.error?.replace(run.topic, "TOPIC").slice(0, 90)
  return `${error} (all ${summary.generated} sends failed; ${(finished.ms / 1000).toFixed(1)} s)`
}

/** Waits until the run's topic holds at least `records` records. */
export const reach = (run: Run, records: number) =>
  until(async () => (await recordCount(run.topic)) >= records, `${records} records in ${run.topic}`)

/**
 * Waits for the producer to exit with `code` (the app's; Java's tool exits 0 whatever became of its
 * records), then reads the topic back: it must be sound.
 */
export const finishSound = async (run: Run, code: number) => {
  const finished = await run.producer.finished
  if (run.client === "java") {
    const figures = await verifyJava(run.topic, run.producer)
    expectSound(figures)
    return { finished, figures }
  }
  expect(finished.code).toBe(code)
  const figures = await verify(run.topic, run.seed, await summaryOf(run), run.deadLetterFile)
  expectSound(figures)
  return { finished, figures }
}
