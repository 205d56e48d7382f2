/**
 * The shapes that cross the producer's boundary: a record to send, where Kafka stored it, and the
 * outcome of a batch. Re-exported by KafkaProducer; here so that the client modules share them.
 */
import type { KafkaError } from "../KafkaError.js"

/** A record to send. `timestamp` is epoch milliseconds as a decimal string. */
export interface ProducerRecord {
  readonly key: string | null
  readonly value: string | Buffer
  readonly headers?: Readonly<Record<string, string>>
  readonly timestamp?: string
}

/** Where Kafka stored a record (offset "-1" with acks=none, which returns no offsets). */
export interface RecordMetadata {
  readonly partition: number
  readonly offset: string
}

/** The outcome of one batch: acknowledged, or failed for good, carrying its records either way. */
export type BatchOutcome<R extends ProducerRecord = ProducerRecord> =
  | {
      readonly _tag: "Delivered"
      readonly records: ReadonlyArray<R>
      readonly metadata: ReadonlyArray<RecordMetadata>
      readonly retries: number
      readonly latencyMs: number
    }
  | {
      readonly _tag: "Failed"
      readonly records: ReadonlyArray<R>
      readonly error: KafkaError
      readonly retries: number
      readonly latencyMs: number
    }

/**
 * What became of one batch: one outcome, or, when it failed after Kafka acknowledged some of its
 * partitions, a Delivered for those records then a Failed for the rest. Each record is in one.
 */
export type BatchOutcomes<R extends ProducerRecord = ProducerRecord> = ReadonlyArray<BatchOutcome<R>>
