/**
 * Scaling entries: the app with --workers 1 and 2, with --metrics-port scraped every second, and
 * under Deno (alternating, the best of each), and the cost of big pools: a dry run of the same events
 * with the default pools and with 100 million customers and 10 million products (peak RSS), and
 * the time to start and exit with each.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { producerCommand } from "./entries.js"
import { best, log, measure, type Row, row } from "./measure.js"
import { newTopic, recordsIn } from "./topics.js"

/** Scrapes /metrics every second while `running` has not settled, as Prometheus would. */
const scrapeWhile = async (port: number, running: Promise<unknown>) => {
  let done = false
  running.finally(() => {
    done = true
  })
  while (!done) {
    await fetch(`http://127.0.0.1:${port}/metrics`).then(
      (r) => r.text(),
      () => "",
    )
    await Promise.race([Bun.sleep(1000), running])
  }
}

const appRun = async (
  name: string,
  args: ReadonlyArray<string>,
  events: number,
  averageBytes: number,
  work: string,
  note: string,
  port?: number,
  command: ReadonlyArray<string> = producerCommand,
) => {
  log(`${name}, ${events} events`)
  const topic = await newTopic(name.replaceAll(/[^a-z0-9]+/g, "-"), 3)
  const summaryFile = join(work, `${topic}.json`)
  const running = measure([
    ...command,
    ...["--rate", "max", "--count", String(events), "--topic", topic, ...args],
    ...["--summary-file", summaryFile],
  ])
  if (port !== undefined) await scrapeWhile(port, running)
  const m = await running
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as { delivered: number; elapsedMs: number }
  if (summary.delivered !== events || (await recordsIn(topic)) !== events)
    throw new Error(`${name} did not deliver every event`)
  return row(name, 3, { events, ms: summary.elapsedMs, bytes: events * averageBytes }, m, note)
}

const metricsPort = 29400 + (process.pid % 500)

/** --workers 1 and 2, and --metrics-port scraped or not, alternating `rounds` times: the best of each. */
export const scaleEntries = async (events: number, averageBytes: number, work: string, rounds: number) => {
  const bestOf = new Map<string, Row>()
  const runs = [
    () =>
      appRun("producer app, --workers 1", ["--workers", "1"], events, averageBytes, work, "default client"),
    () =>
      appRun(
        "producer app, --workers 2",
        ["--workers", "2"],
        events,
        averageBytes,
        work,
        "default client; start-up of the workers included",
      ),
    () =>
      appRun(
        "producer app, --metrics-port",
        ["--metrics-port", String(metricsPort)],
        events,
        averageBytes,
        work,
        "default client; /metrics scraped every second",
        metricsPort,
      ),
    () =>
      appRun(
        "producer app under Deno",
        [],
        events,
        averageBytes,
        work,
        "default client; informational",
        undefined,
        ["deno", "run", "-A", ...producerCommand.slice(1)],
      ),
  ]
  for (let round = 0; round < rounds; round++)
    for (const run of runs) {
      const entry = await run()
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
