/**
 * The value formats' cost: the app with the default client writing the same stream as JSON and in
 * each registry format (Avro, Protobuf, JSON Schema in the Confluent wire format, the schema
 * registered once in the local registry), alternating, best of the rounds.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { EventClock, EventFormat, EventGenerator, EventRecord, WireFormat } from "@customer-events/events"
import { Effect } from "effect"
import { producerCommand } from "./entries.js"
import { best, log, measure, type Row, root, row } from "./measure.js"
import { newTopic, recordsIn } from "./topics.js"

/** The values' average size in each format, from 20,000 events of the bench's seed. */
const averageBytes = (format: EventFormat.Format): number => {
  const events = Effect.runSync(
    EventGenerator.makeSeeded(1, { clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00.000Z")) }),
  ).next(20_000).events
  const values = EventFormat.isRegistryFormat(format)
    ? WireFormat.encoder(format, 1)(events)
    : EventRecord.fromEvents(events).map((r) => Buffer.from(r.value))
  return values.reduce((n, v) => n + v.length, 0) / values.length
}

const registryUrl = () => {
  const up = Bun.spawnSync(["bash", "scripts/schema-registry.sh", "up"], { cwd: root })
  if (up.exitCode !== 0) throw new Error(`the local registry did not start: ${up.stderr}`)
  return up.stdout.toString().trim()
}

const formatEntry = async (
  format: EventFormat.Format,
  client: string,
  events: number,
  work: string,
  url: string,
): Promise<Row> => {
  log(`producer app, ${client}, --format ${format}, ${events} events`)
  const topic = await newTopic(`format-${format}`, 3)
  const summaryFile = join(work, `${topic}.json`)
  const m = await measure(
    [
      ...producerCommand,
      ...["--client", client, "--rate", "max", "--count", String(events), "--topic", topic],
      ...["--format", format, "--summary-file", summaryFile],
    ],
    { SCHEMA_REGISTRY_URL: url },
  )
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as { delivered: number; elapsedMs: number }
  if (summary.delivered !== events || (await recordsIn(topic)) !== events)
    throw new Error(`the app (--format ${format}) did not deliver every event`)
  const bytes = averageBytes(format)
  const result = { events, ms: summary.elapsedMs, bytes: events * bytes }
  return row(
    `producer app, --format ${format}`,
    3,
    result,
    m,
    `values of ${bytes.toFixed(0)} bytes on average`,
  )
}

/** Each format with the default client, `rounds` times alternating; the best run of each counts. */
export const formatEntries = async (client: string, events: number, work: string, rounds: number) => {
  const url = registryUrl()
  const bestOf = new Map<string, Row>()
  for (let round = 0; round < rounds; round++)
    for (const format of EventFormat.formats) {
      const entry = await formatEntry(format, client, events, work, url)
      bestOf.set(entry.entry, best(entry, bestOf.get(entry.entry)))
    }
  return [...bestOf.values()]
}
