/**
 * Producer metrics (Effect Metric), tagged by client id: records sent, acknowledged and failed,
 * retries, and the batch acknowledgement latency as a histogram. Updated once per batch.
 */
import { Effect, Metric, MetricBoundaries, Option } from "effect"

export const recordsSent = Metric.counter("kafka_producer_records_sent", { incremental: true })
export const recordsAcked = Metric.counter("kafka_producer_records_acked", { incremental: true })
export const recordsFailed = Metric.counter("kafka_producer_records_failed", { incremental: true })
export const retries = Metric.counter("kafka_producer_retries", { incremental: true })
export const disconnects = Metric.counter("kafka_producer_disconnects", { incremental: true })
export const batchLatencyMs = Metric.histogram(
  "kafka_producer_batch_ack_latency_ms",
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 18 }),
  "time from a batch's first send to its acknowledgement (or final failure), retries included",
)

export const forClient = (clientId: string) => {
  const sent = Metric.tagged(recordsSent, "client_id", clientId)
  const acked = Metric.tagged(recordsAcked, "client_id", clientId)
  const failed = Metric.tagged(recordsFailed, "client_id", clientId)
  const retried = Metric.tagged(retries, "client_id", clientId)
  const latency = Metric.tagged(batchLatencyMs, "client_id", clientId)
  return {
    disconnects: Metric.tagged(disconnects, "client_id", clientId),
    recordBatch: (records: number, batchRetries: number, latencyMs: number, delivered: boolean) =>
      Effect.all(
        [
          Metric.incrementBy(sent, records),
          Metric.incrementBy(delivered ? acked : failed, records),
          Metric.incrementBy(retried, batchRetries),
          Metric.update(latency, latencyMs),
        ],
        { discard: true },
      ),
  }
}

export interface LatencyPercentiles {
  readonly p50: number
  readonly p99: number
}

/**
 * The batch latency's p50 and p99 so far, from the histogram (each the upper bound of its bucket,
 * so within a factor of 2), or none before the first batch.
 */
export const latencyPercentiles = (clientId: string): Effect.Effect<Option.Option<LatencyPercentiles>> =>
  Effect.map(Metric.value(Metric.tagged(batchLatencyMs, "client_id", clientId)), (state) => {
    if (state.count === 0) return Option.none()
    const at = (p: number) => state.buckets.find(([, count]) => count >= p * state.count)?.[0] ?? state.max
    return Option.some({ p50: at(0.5), p99: at(0.99) })
  })
