/**
 * Scaling entries: the app with --workers 1 and 2 (alternating, the best of each), and the cost of
 * big pools: a dry run of the same events with the default pools and with 100 million customers
 * and 10 million products (peak RSS), and the time to start and exit with each.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { producerCommand } from "./entries.js"
import { best, log, measure, type Row, row } from "./measure.js"
import { newTopic, recordsIn } from "./topics.js"

const workersEntry = async (workers: number, events: number, averageBytes: number, work: string) => {
  log(`producer app, ${workers} workers, ${events} events`)
  const topic = await newTopic(`workers${workers}`, 3)
  const summaryFile = join(work, `${topic}.json`)
  const m = await measure([
    ...producerCommand,
    ...["--rate", "max", "--count", String(events), "--topic", topic, "--workers", String(workers)],
    ...["--summary-file", summaryFile],
  ])
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as { delivered: number; elapsedMs: number }
  if (summary.delivered !== events || (await recordsIn(topic)) !== events)
    throw new Error(`the app with ${workers} workers did not deliver every event`)
  return row(
    `producer app, --workers ${workers}`,
    3,
    { events, ms: summary.elapsedMs, bytes: events * averageBytes },
    m,
    "default client; start-up of the workers included",
  )
}

/** --workers 1 and 2, alternating `rounds` times: the best run of each. */
export const workersEntries = async (events: number, averageBytes: number, work: string, rounds: number) => {
  const bestOf = new Map<string, Row>()
  for (let round = 0; round < rounds; round++)
    for (const workers of [1, 2]) {
      const entry = await workersEntry(workers, events, averageBytes, work)
      bestOf.set(entry.entry, best(entry, bestOf.get(entry.entry)))
    }
  return [...bestOf.values()]
}

export const bigPoolArgs = ["--customers", "100000000", "--products", "10000000"]

const dryRun = (events: number, pools: ReadonlyArray<string>) =>
  measure([
    ...producerCommand,
    ...["--dry-run", "--seed", "1", "--count", String(events), "--start-time", "2026-11-30T00:00:00Z"],
    ...pools,
  ])

/** Peak RSS of a dry run, and the wall time of a one-event run (start-up and exit), per pool size. */
export const pools = async (events: number) => {
  const sizes = { default: [] as ReadonlyArray<string>, big: bigPoolArgs }
  const out: Record<string, { peakRssMb: number; startMs: number }> = {}
  for (const [name, args] of Object.entries(sizes)) {
    log(`pools: ${name}`)
    const run = await dryRun(events, args)
    const start = await dryRun(1, args)
    out[name] = { peakRssMb: run.maxRssMb, startMs: start.wallMs }
  }
  return out as Record<keyof typeof sizes, { peakRssMb: number; startMs: number }>
}
