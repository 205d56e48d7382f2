/**
 * Producer metrics (Effect Metric), named after the Java producer's (record-send, record-error,
 * record-retry, batch-size, request-latency, requests-in-flight) under the prefix customer_events_,
 * tagged by topic, client library and client id: records sent, the batch size and the acknowledgement
 * latency (histograms, records and seconds), batches in flight, updated once per batch. Records
 * delivered and failed and retries are named here but counted by the app from the outcomes it
 * already counts (its run state is their one count), and published with its other figures.
 */
import { Effect, Metric, Option } from "effect"

// Counters are named with their "_total" suffix: Effect's Prometheus text writes names as they are.

export const recordsSent = Metric.counter("customer_events_records_sent_total", {
  incremental: true,
  description: "records handed to Kafka in a batch (each batch once, retries aside)",
})
export const recordsDelivered = Metric.counter("customer_events_records_delivered_total", {
  incremental: true,
  description: "records Kafka acknowledged",
})
export const recordsFailed = Metric.counter("customer_events_records_failed_total", {
  incremental: true,
  description:
    "records given up on: a non-retriable error, the delivery timeout, or a stop that could not wait",
})
export const retries = Metric.counter("customer_events_retries_total", {
  incremental: true,
  description: "batch attempts after the first",
})
export const disconnects = Metric.counter("customer_events_disconnects_total", {
  incremental: true,
  description: "connections to the cluster lost",
})
export const batchSize = Metric.histogram("customer_events_batch_size", {
  boundaries: Metric.exponentialBoundaries({ start: 1, factor: 2, count: 14 }),
  description: "records per batch",
})
export const ackLatencySeconds = Metric.histogram("customer_events_ack_latency_seconds", {
  boundaries: Metric.exponentialBoundaries({ start: 0.001, factor: 2, count: 18 }),
  description: "time from a batch's first send to its acknowledgement (or final failure), retries included",
})
/** The in-flight gauge's name, for a reader of a metrics snapshot (a worker reporting its figures). */
export const batchesInFlightName = "customer_events_batches_in_flight"
export const batchesInFlight = Metric.gauge(batchesInFlightName, {
  description: "batches sent and not answered yet",
})

/** Every producer metric of one client, tagged. */
export const forClient = (tags: { readonly clientId: string; readonly client: string }) => {
  const tag = <In, State>(metric: Metric.Metric<In, State>) =>
    Metric.withAttributes(metric, { client_id: tags.clientId, client: tags.client })
  const forTopic = <In, State>(metric: Metric.Metric<In, State>, topic: string) =>
    Metric.withAttributes(metric, { client_id: tags.clientId, client: tags.client, topic })
  return {
    disconnects: tag(disconnects),
    /** A batch goes out (+1) or is answered (-1). */
    inFlight: (topic: string, change: 1 | -1) => Metric.modify(forTopic(batchesInFlight, topic), change),
    /** A batch answered (or given up on): its records and how long it took. */
    recordBatch: (topic: string, records: number, latencyMs: number) =>
      Effect.all(
        [
          Metric.update(forTopic(recordsSent, topic), records),
          Metric.update(forTopic(batchSize, topic), records),
          Metric.update(forTopic(ackLatencySeconds, topic), latencyMs / 1000),
        ],
        { discard: true },
      ),
  }
}

export interface LatencyPercentiles {
  /** Milliseconds. */
  readonly p50: number
  readonly p99: number
}

/**
 * p50 and p99 in ms of one or more acknowledgement latency histograms (several: one per instance
 * of --workers), each the upper bound of its bucket (so within a factor of 2); none before the
 * first batch.
 */
export const percentilesOf = (
  states: ReadonlyArray<Metric.HistogramState>,
): Option.Option<LatencyPercentiles> => {
  const answered = states.filter((state) => state.count > 0)
  const count = answered.reduce((n, state) => n + state.count, 0)
  if (count === 0) return Option.none()
  const max = Math.max(...answered.map((state) => state.max))
  const buckets = answered[0]!.buckets.map(
    ([bound], i) => [bound, answered.reduce((n, state) => n + state.buckets[i]![1], 0)] as const,
  )
  const at = (p: number) => buckets.find(([, n]) => n >= p * count)?.[0] ?? max
  return Option.some({ p50: at(0.5) * 1000, p99: at(0.99) * 1000 })
}

/** The batch latency percentiles so far, read with the same tags that the updates carry. */
export const latencyPercentiles = (
  tags: { readonly clientId: string; readonly client: string },
  topic: string,
): Effect.Effect<Option.Option<LatencyPercentiles>> =>
  Effect.map(
    Metric.value(
      Metric.withAttributes(ackLatencySeconds, { client_id: tags.clientId, client: tags.client, topic }),
    ),
    (state) => percentilesOf([state]),
  )
