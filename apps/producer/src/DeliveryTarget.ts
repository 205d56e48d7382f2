/**
 * Where a run's events go, as the run sees it: a stream of encoded events in, outcomes out (one per
 * batch, two when Kafka acknowledged part of a failed one), each carrying its own records. Kafka is
 * one target; --dry-run's stdout is another.
 */
import type { EventRecord } from "@customer-events/events"
import { KafkaError, type KafkaProducer, ProducerMetrics } from "@customer-events/kafka"
import { type Duration, Effect, type Option, Stream } from "effect"

export type Outcome =
  | {
      readonly _tag: "Delivered"
      readonly records: ReadonlyArray<EventRecord.Encoded>
      /** Where each record landed, in the records' order (empty when the target has no offsets). */
      readonly placements: ReadonlyArray<{ readonly partition: number; readonly offset: string }>
      readonly retries: number
      readonly latencyMs: number
    }
  | {
      readonly _tag: "Failed"
      readonly records: ReadonlyArray<EventRecord.Encoded>
      readonly reason: string
      /** The target will take nothing more (e.g. authorization): the run stops. */
      readonly fatal: boolean
      readonly retries: number
      readonly latencyMs: number
    }

export interface DeliveryTarget {
  /** For logs and the summary: "topic NAME" or "stdout". */
  readonly description: string
  /** The Kafka client library, when the target is Kafka. */
  readonly client: string | undefined
  /** How long a stop waits for in-flight batches (--drain-timeout). */
  readonly drainTimeout: Duration.Duration
  /** Most events the pacer releases at once: one batch of the target. */
  readonly maxGroup: number
  /** Batch acknowledgement latency so far, for the progress line (none when the target has none). */
  readonly latency: Effect.Effect<Option.Option<ProducerMetrics.LatencyPercentiles>>
  /**
   * Delivers the records; once `abandon` completes, every batch still waiting fails at once with
   * the reason it yields.
   */
  readonly deliver: (
    records: Stream.Stream<EventRecord.Encoded>,
    abandon: Effect.Effect<string>,
  ) => Stream.Stream<Outcome>
}

/** A Kafka topic through the producer service. */
export const kafka = (producer: KafkaProducer.Service, topic: string): DeliveryTarget => ({
  description: `topic ${topic}`,
  client: producer.config.client,
  drainTimeout: producer.config.drainTimeout,
  maxGroup: producer.config.batchMaxRecords,
  latency: ProducerMetrics.latencyPercentiles(producer.config, topic),
  deliver: (records, abandon) =>
    producer
      .deliver(topic, records, {
        abandon: Effect.map(
          abandon,
          (reason) => new KafkaError.KafkaRequestError({ reason, code: "", retriable: false }),
        ),
      })
      .pipe(
        Stream.map(
          (outcome): Outcome =>
            outcome._tag === "Delivered"
              ? {
                  _tag: "Delivered",
                  records: outcome.records,
                  placements: outcome.metadata,
                  retries: outcome.retries,
                  latencyMs: outcome.latencyMs,
                }
              : {
                  _tag: "Failed",
                  records: outcome.records,
                  reason: outcome.error.message,
                  fatal: KafkaError.isFatal(outcome.error),
                  retries: outcome.retries,
                  latencyMs: outcome.latencyMs,
                },
        ),
      ),
})
