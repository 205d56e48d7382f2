/**
 * Bench child: generates N events in one mode and JSON-encodes them (and builds their Kafka
 * records), with no Kafka, then prints {events, bytes, ms} as JSON on stdout. With a profile
 * (flat or diurnal), the pacing is --rate 20 shaped by it, in simulated time; "changes" is flat
 * with every kind of reference change at the end-to-end test's high rates.
 */
import {
  CustomerEvent,
  EventClock,
  EventGenerator,
  EventRecord,
  Pacing,
  TrafficProfile,
} from "@customer-events/events"
import { Effect } from "effect"

const [mode = "sessions", countText = "1000000", withRecords = "json", profile = "none"] = Bun.argv.slice(2)
const count = Number(countText)
const generator = Effect.runSync(
  EventGenerator.makeSeeded(1, {
    mode: mode as EventGenerator.Mode,
    clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00.000Z")),
    ...(profile === "none" ? {} : { pacing: Pacing.Pacing.Rate({ perSecond: 20 }) }),
    ...(profile === "diurnal" ? { profile: TrafficProfile.diurnal } : {}),
    ...(profile === "changes"
      ? { entityChanges: { priceChanges: 24, customerUpdates: 12, productDeletes: 1, customerDeletes: 1 } }
      : {}),
  }),
)
const batch = 1000
let bytes = 0
const started = performance.now()
for (let done = 0; done < count; done += batch) {
  const { events } = generator.next(Math.min(batch, count - done))
  if (withRecords === "records")
    for (const record of EventRecord.fromEvents(events)) bytes += record.value.length
  else for (const event of events) bytes += CustomerEvent.encodeJson(event).length
}
const ms = performance.now() - started
console.log(JSON.stringify({ events: count, bytes, ms }))
