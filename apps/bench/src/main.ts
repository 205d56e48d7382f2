/**
 * `bun run bench`: the generator, the producer app with each client, a hand-written loop of each
 * client and Kafka's own Java ProducerPerformance, side by side in one run on the same broker with
 * the same payloads, on 3 and on 48 partitions; then 1,000,000 events against Java, sustained
 * memory, rate accuracy, time to first event and time to exit. Writes BENCHMARKS.md (or --out).
 * `--quick` runs everything small, to check that the bench works.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { CustomerEvent, EventClock, EventGenerator } from "@customer-events/events"
import { KafkaConfig } from "@customer-events/kafka"
import { Effect, Result } from "effect"
import { distanceEntries, distanceSection } from "./distance.js"
import { appEntry, clients, generatorEntry, javaEntry, loopEntry, type Payloads } from "./entries.js"
import { rateAccuracy, sustained, timeToExit, timeToFirstEvent } from "./extras.js"
import { formatEntries } from "./formats.js"
import { best, log, type Row, root } from "./measure.js"
import { formatLines, type Results, report, transactionLines } from "./report.js"
import { pools, scaleEntries } from "./scale.js"
import * as Topics from "./topics.js"
import { transactionEntries } from "./transactions.js"

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    quick: { type: "boolean" },
    out: { type: "string" },
    events: { type: "string" },
    only: { type: "string" },
  },
})
const quick = values.quick === true
const settings = {
  quick,
  events: Number(values.events ?? (quick ? 20_000 : 300_000)),
  longEvents: quick ? 40_000 : 1_000_000,
  distanceEvents: quick ? 20_000 : 200_000,
  generatorEvents: quick ? 20_000 : 1_000_000,
  payloads: quick ? 5_000 : 100_000,
  rounds: quick ? 1 : 2,
  manyPartitions: 48,
  sustainedSeconds: quick ? 5 : 300,
  sustainedMaxEvents: quick ? 100_000 : 10_000_000,
  rateSeconds: quick ? 3 : 30,
  exitAfterEvents: quick ? 5_000 : 100_000,
  defaultClient: Result.getOrThrow(KafkaConfig.make({})).client,
}
export type Settings = typeof settings

/** The payloads every Kafka entry sends: generated once, written once. */
const writePayloads = (work: string): Payloads => {
  const generator = Effect.runSync(
    EventGenerator.makeSeeded(1, { clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00.000Z")) }),
  )
  const payloads = generator.next(settings.payloads).events.map(CustomerEvent.encodeJson)
  const file = join(work, "payloads.ndjson")
  writeFileSync(file, `${payloads.join("\n")}\n`)
  return { file, averageBytes: payloads.reduce((n, p) => n + p.length, 0) / payloads.length }
}

/** App and loop of each client, alternating, `rounds` times; the best run of each entry counts. */
const clientEntries = async (partitions: number, payloads: Payloads, work: string): Promise<Array<Row>> => {
  const bestOf = new Map<string, Row>()
  for (let round = 0; round < settings.rounds; round++)
    for (const client of clients)
      for (const entry of [
        await appEntry(client, partitions, settings.events, payloads, work),
        await loopEntry(client, partitions, settings.events, payloads),
      ])
        bestOf.set(entry.entry, best(entry, bestOf.get(entry.entry)))
  return [...bestOf.values()]
}

/** The value formats' entries alone, printed. */
const onlyFormats = async (work: string) => {
  const rows = await formatEntries(settings.defaultClient, settings.events, work, settings.rounds)
  console.log(formatLines(rows, settings).join("\n"))
}

/** The transactions' entries alone, printed. */
const onlyTransactions = async (work: string, payloads: Payloads) => {
  const rows = await transactionEntries(
    settings.defaultClient,
    settings.events,
    payloads,
    work,
    settings.rounds,
  )
  console.log(transactionLines(rows, settings).join("\n"))
}

/** `--only formats|distance|transactions`: that group alone, printed (BENCHMARKS.md untouched). */
const onlyOne = async (work: string, payloads: Payloads) => {
  if (values.only === "formats") await onlyFormats(work)
  else if (values.only === "transactions") await onlyTransactions(work, payloads)
  else if (values.only === "distance")
    console.log(
      distanceSection(await distanceEntries(settings.distanceEvents, payloads, work, settings.rounds)),
    )
  else return false
  await Topics.disconnect()
  return true
}

/**
 * The generator in each mode; then the cost of a traffic profile and of changing reference data,
 * against flat without changes, alternating.
 */
const generatorRows = async () => {
  const generators: Array<Row> = []
  for (const mode of EventGenerator.modes)
    generators.push(await generatorEntry(mode, settings.generatorEvents))
  const shaped = new Map<string, Row>()
  for (let round = 0; round < settings.rounds; round++)
    for (const profile of ["flat", "diurnal", "changes"]) {
      const entry = await generatorEntry("sessions", settings.generatorEvents, profile)
      shaped.set(entry.entry, best(entry, shaped.get(entry.entry)))
    }
  return [...generators, ...shaped.values()]
}

const main = async () => {
  const work = mkdtempSync(join(tmpdir(), "customer-events-bench-"))
  await Topics.connect()
  const payloads = writePayloads(work)
  if (await onlyOne(work, payloads)) return
  log(`${settings.payloads} payloads of ${payloads.averageBytes.toFixed(0)} bytes on average`)
  const generators = await generatorRows()
  const few = [...(await clientEntries(3, payloads, work)), await javaEntry(3, settings.events, payloads)]
  const many = [
    ...(await clientEntries(settings.manyPartitions, payloads, work)),
    await javaEntry(settings.manyPartitions, settings.events, payloads),
  ]
  const long = [
    await appEntry(settings.defaultClient, 3, settings.longEvents, payloads, work),
    await javaEntry(3, settings.longEvents, payloads),
  ]
  const workers = await scaleEntries(settings.events, payloads.averageBytes, work, settings.rounds)
  const formats = await formatEntries(settings.defaultClient, settings.events, work, settings.rounds)
  const transactions = await transactionEntries(
    settings.defaultClient,
    settings.events,
    payloads,
    work,
    settings.rounds,
  )
  const distance = await distanceEntries(settings.distanceEvents, payloads, work, settings.rounds)
  const results: Results = {
    generators,
    few,
    many,
    long,
    workers,
    formats,
    transactions,
    distance,
    pools: await pools(quick ? 20_000 : 200_000),
    averageBytes: payloads.averageBytes,
    sustained: await sustained(settings.sustainedSeconds, settings.sustainedMaxEvents),
    rates: [
      await rateAccuracy(1000, settings.rateSeconds, work),
      await rateAccuracy(20000, settings.rateSeconds, work),
    ],
    timeToFirstMs: await timeToFirstEvent(),
    exit: await timeToExit(settings.exitAfterEvents, work),
  }
  await Topics.disconnect()
  rmSync(work, { recursive: true, force: true })
  const out = values.out ?? join(root, "BENCHMARKS.md")
  const { markdown, tables } = report(results, settings)
  writeFileSync(out, markdown)
  // Biome aligns Markdown tables; `bun run test` checks the committed report is formatted.
  Bun.spawnSync(["bunx", "biome", "format", "--write", out], { cwd: root })
  console.log(tables)
  log(`wrote ${out}`)
}

await main()
process.exit(0)
