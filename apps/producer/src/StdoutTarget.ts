/**
 * --dry-run's delivery target: events batched as for Kafka (up to 5,000, or what arrived within
 * 5 ms), each batch written to stdout as NDJSON (the record values) in one write, waiting when the
 * pipe is full. A write that fails is fatal: stdout will take nothing more.
 */
import type { EventRecord } from "@customer-events/events"
import { KafkaConfig, KafkaProducer } from "@customer-events/kafka"
import { Duration, Effect, Option } from "effect"
import { type DeliveryTarget, StdoutClosed } from "./DeliveryTarget.js"
import * as Runtime from "./Runtime.js"

/** One write of up to 5,000 events at a time: the pipe's own back-pressure holds the generator. */
const batching: KafkaProducer.Batching = {
  batchMaxRecords: 5000,
  linger: Duration.millis(5),
  maxInFlight: 1,
  batchesPerRequest: 1,
}

export const make = (): DeliveryTarget => {
  const writer = Runtime.stdout()
  const write = (records: ReadonlyArray<KafkaProducer.ProducerRecord>) =>
    Effect.tryPromise({
      try: async () => {
        let text = ""
        for (const record of records) text += `${record.value}\n`
        await writer.write(text)
      },
      catch: (cause) => new StdoutClosed({ reason: cause instanceof Error ? cause.message : String(cause) }),
    })
  const sendBatch: KafkaProducer.SendBatch<StdoutClosed | KafkaProducer.DeliveryAbandoned> = (
    _,
    records,
    abandon,
  ) => {
    const failed = (error: StdoutClosed | KafkaProducer.DeliveryAbandoned) => [
      { _tag: "Failed" as const, records, error, retries: 0, latencyMs: 0 },
    ]
    const written = write(records).pipe(
      Effect.match({
        onSuccess: () => [{ _tag: "Delivered" as const, records, metadata: [], retries: 0, latencyMs: 0 }],
        onFailure: failed,
      }),
    )
    return abandon === undefined ? written : Effect.raceFirst(written, Effect.map(abandon, failed))
  }
  const deliver = KafkaProducer.deliverInBatches(batching, sendBatch)
  return {
    description: "stdout",
    client: undefined,
    // Stdout has no in-flight batches to speak of: a stop waits for the write under way.
    drainTimeout: Duration.millis(KafkaConfig.defaults.drainTimeoutMs),
    maxGroup: batching.batchMaxRecords,
    latency: Effect.succeed(Option.none()),
    deliver: (records, abandon) => deliver<EventRecord.Encoded, never, never>("stdout", records, { abandon }),
  }
}
