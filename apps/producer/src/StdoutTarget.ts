/**
 * --dry-run's delivery target: the same batching pipeline as Kafka, but each batch is written to
 * stdout as NDJSON (the record values), one write per batch, waiting when the pipe is full.
 */
import type { EventRecord } from "@customer-events/events"
import { KafkaConfig, KafkaError, KafkaProducer } from "@customer-events/kafka"
import { Effect, Either } from "effect"

export const make = (): KafkaProducer.Service => {
  const config = Either.getOrThrow(KafkaConfig.make({ batchMaxRecords: 5000, lingerMs: 5 }))
  const writer = Bun.stdout.writer({ highWaterMark: 1 << 20 })
  const sendBatch: KafkaProducer.SendBatch = (_topic, records) =>
    Effect.tryPromise({
      try: async () => {
        let text = ""
        for (const record of records as ReadonlyArray<EventRecord.EventRecord>) text += `${record.value}\n`
        writer.write(text)
        await writer.flush()
      },
      catch: (cause) =>
        new KafkaError.KafkaRequestError({
          reason: `cannot write to stdout: ${cause instanceof Error ? cause.message : String(cause)}`,
          code: "STDOUT",
          retriable: false,
          cause,
        }),
    }).pipe(
      Effect.match({
        onSuccess: () => ({ _tag: "Delivered" as const, records, metadata: [], retries: 0, latencyMs: 0 }),
        onFailure: (error) => ({ _tag: "Failed" as const, records, error, retries: 0, latencyMs: 0 }),
      }),
    )
  return KafkaProducer.fromSendBatch(config, sendBatch)
}
