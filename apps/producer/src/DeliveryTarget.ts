/**
 * Where a run's events go, as the run sees it: a stream of encoded events in, outcomes out (one per
 * batch, two when Kafka acknowledged part of a failed one), each carrying its own records. Kafka is
 * one target; --dry-run's stdout is another. Their outcomes are the producer package's own type.
 */
import type { EventRecord } from "@customer-events/events"
import { KafkaError, type KafkaProducer, ProducerMetrics } from "@customer-events/kafka"
import { Data, type Duration, type Effect, type Option, type Stream } from "effect"

/** Stdout will take nothing more (a closed pipe): fatal to the run. */
export class StdoutClosed extends Data.TaggedError("StdoutClosed")<{ readonly reason: string }> {
  override get message() {
    return `cannot write to stdout: ${this.reason}`
  }
}

/** Why events were not delivered: the producer's reasons, or stdout's. */
export type DeliveryError = KafkaProducer.DeliveryError | StdoutClosed

export type Outcome = KafkaProducer.BatchOutcome<EventRecord.Encoded, DeliveryError>

/** The target will take nothing more (e.g. authorization, a closed stdout): the run stops. */
export const isFatal = (error: DeliveryError): boolean =>
  error._tag === "StdoutClosed" || (error._tag !== "DeliveryAbandoned" && KafkaError.isFatal(error))

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
   * Delivers the records; once `abandon` completes, every batch still waiting is interrupted and
   * its records not yet acknowledged fail with the stop it yields.
   */
  readonly deliver: (
    records: Stream.Stream<EventRecord.Encoded>,
    abandon: Effect.Effect<KafkaProducer.DeliveryAbandoned>,
  ) => Stream.Stream<Outcome>
}

/** A Kafka topic through the producer service. */
export const kafka = (producer: KafkaProducer.Service, topic: string): DeliveryTarget => ({
  description: `topic ${topic}`,
  client: producer.config.client,
  drainTimeout: producer.config.drainTimeout,
  maxGroup: producer.config.batchMaxRecords,
  latency: ProducerMetrics.latencyPercentiles(producer.config, topic),
  deliver: (records, abandon) => producer.deliver(topic, records, { abandon }),
})
