/**
 * The shapes that cross the producer's boundary: a record to send, where Kafka stored it, and the
 * outcome of a batch. Re-exported by KafkaProducer; the app's outcomes are these same types.
 */
import { Data, type Effect } from "effect"
import type { KafkaError } from "../KafkaError.js"

/** A record to send. `timestamp` is epoch milliseconds as a decimal string. */
export interface ProducerRecord {
  readonly key: string | null
  /** null: a tombstone (a delete on a compacted topic). */
  readonly value: string | Buffer | null
  readonly headers?: Readonly<Record<string, string>>
  readonly timestamp?: string
}

/** Where Kafka stored a record (offset "-1" with acks=none, which returns no offsets). */
export interface RecordMetadata {
  readonly partition: number
  readonly offset: string
}

/**
 * Why the caller gave up on batches still awaiting their answer: a stop, not a Kafka failure. The
 * records not acknowledged by then fail with it; the requests sent are not waited for any more.
 */
export class DeliveryAbandoned extends Data.TaggedError("DeliveryAbandoned")<{
  readonly stop: "drain-timeout" | "forced"
  /** The drain timeout, as text, when that is what ran out. */
  readonly drainTimeout?: string
}> {
  override get message() {
    return this.stop === "forced"
      ? "given up on at a forced stop"
      : `not acknowledged within the drain timeout (${this.drainTimeout})`
  }
}

/** Why a record was not delivered by the producer: Kafka's answer, or the caller's stop. */
export type DeliveryError = KafkaError | DeliveryAbandoned

/**
 * The outcome of one batch: acknowledged, or failed for good, carrying its records either way. `E`
 * is the failure's type: a Kafka producer's is DeliveryError; another target (stdout) adds its own.
 */
export type BatchOutcome<R extends ProducerRecord = ProducerRecord, E = DeliveryError> =
  | {
      readonly _tag: "Delivered"
      readonly records: ReadonlyArray<R>
      /** Where each record landed, in the records' order (empty when the target has no offsets). */
      readonly metadata: ReadonlyArray<RecordMetadata>
      readonly retries: number
      readonly latencyMs: number
      /**
       * Records sent again under a new producer id after a request of theirs went unanswered (a
       * client that cannot carry its identity over a restart): the broker cannot drop a copy it had
       * written, so each may be in the topic twice. Absent: none.
       */
      readonly duplicatesPossible?: number
      /**
       * Sent in a transaction (transactional.id), one outcome per transaction: committed, or aborted
       * on purpose (its records are in the topic, invisible to read_committed readers).
       */
      readonly transaction?: "committed" | "aborted"
    }
  | {
      readonly _tag: "Failed"
      readonly records: ReadonlyArray<R>
      readonly error: E
      readonly retries: number
      readonly latencyMs: number
      /** A transaction that failed (aborted where it could be): none of its records is committed. */
      readonly transaction?: "failed"
    }

/**
 * What became of one batch: one outcome, or, when it failed after Kafka acknowledged some of its
 * partitions, a Delivered for those records then a Failed for the rest. Each record is in one.
 */
export type BatchOutcomes<R extends ProducerRecord = ProducerRecord, E = DeliveryError> = ReadonlyArray<
  BatchOutcome<R, E>
>

/**
 * Sends one batch; once `abandon` (when given) completes, the batch is given up on with its error.
 * One outcome, or two when the batch failed after Kafka acknowledged some of its partitions.
 */
export type SendBatch<E = DeliveryError> = <R extends ProducerRecord>(
  topic: string,
  records: ReadonlyArray<R>,
  abandon?: Effect.Effect<DeliveryAbandoned>,
) => Effect.Effect<BatchOutcomes<R, E>>
