/**
 * --dry-run's delivery target: events batched as for Kafka (up to 5,000, or what arrived within
 * 5 ms), each batch written to stdout as NDJSON (the record values) in one write, waiting when the
 * pipe is full. A write that fails is fatal: stdout will take nothing more.
 */
import type { EventRecord } from "@customer-events/events"
import { KafkaConfig } from "@customer-events/kafka"
import { Chunk, Duration, Effect, Option, Stream } from "effect"
import type { DeliveryTarget, Outcome } from "./DeliveryTarget.js"
import * as Runtime from "./Runtime.js"

const batchSize = 5000

export const make = (): DeliveryTarget => {
  const writer = Runtime.stdout()
  const write = (records: ReadonlyArray<EventRecord.Encoded>) =>
    Effect.tryPromise(async () => {
      let text = ""
      for (const record of records) text += `${record.value}\n`
      await writer.write(text)
    }).pipe(
      Effect.match({
        onSuccess: (): Outcome => ({ _tag: "Delivered", records, placements: [], retries: 0, latencyMs: 0 }),
        onFailure: (error): Outcome => ({
          _tag: "Failed",
          records,
          reason: `cannot write to stdout: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}`,
          fatal: true,
          retries: 0,
          latencyMs: 0,
        }),
      }),
    )
  return {
    description: "stdout",
    client: undefined,
    // Stdout has no in-flight batches to speak of: a stop waits for the write under way.
    drainTimeout: Duration.millis(KafkaConfig.defaults.drainTimeoutMs),
    maxGroup: batchSize,
    latency: Effect.succeed(Option.none()),
    deliver: (records, abandon) =>
      records.pipe(
        Stream.groupedWithin(batchSize, "5 millis"),
        Stream.mapEffect((chunk) => {
          const batch = Chunk.toReadonlyArray(chunk)
          return Effect.raceFirst(
            write(batch),
            Effect.map(
              abandon,
              (reason): Outcome => ({
                _tag: "Failed",
                records: batch,
                reason,
                fatal: false,
                retries: 0,
                latencyMs: 0,
              }),
            ),
          )
        }),
      ),
  }
}
