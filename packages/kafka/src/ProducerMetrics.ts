/**
 * Producer metrics (Effect Metric), tagged by client id: records sent, acknowledged and failed,
 * retries, and the batch acknowledgement latency as a histogram. Updated once per batch.
 */
import { Effect, Metric, MetricBoundaries } from "effect"

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
