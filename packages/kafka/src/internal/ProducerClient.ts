/**
 * The boundary between KafkaProducer and a Kafka client library: "a connected producer client".
 * Each client (kafkajs, @platformatic/kafka) implements it once, in its own module; batching,
 * retries, deadlines, in-flight bounds, metrics and outcomes are written once above it.
 */
import type { Effect } from "effect"
import type { KafkaError } from "../KafkaError.js"
import type { PartitionBatch } from "./partitioner.js"

export interface ClassifyContext {
  readonly topic?: string
  /** While sending, an unknown topic is retried (it may be a leader move); at start-up it is final. */
  readonly unknownTopicRetriable?: boolean
}

export interface ProducerClient {
  /** The topic's partition count, from the client's metadata; rejects when the topic is missing. */
  readonly partitionCount: (topic: string) => Promise<number>
  /**
   * Sends the records of several partitions of one topic. `acknowledged` is called with each
   * partition's base offset ("-1" with acks=none) as soon as it is known; the promise resolves
   * when every partition is acknowledged, or rejects with the client's own error once none is
   * still waiting for an answer (so that a retry resends only the unacknowledged ones).
   */
  readonly send: (
    topic: string,
    parts: ReadonlyArray<PartitionBatch>,
    acknowledged: (partition: number, baseOffset: string) => void,
  ) => Promise<void>
  /**
   * Starts afresh: a new producer (a new producer id, sequences from 0, fresh metadata), connected
   * before it resolves. The old one is closed in the background: its unanswered requests may
   * never be answered (a frozen broker), and their promises still settle.
   */
  readonly restart: Effect.Effect<void, KafkaError>
  /** The client's errors as typed KafkaErrors: retriable or fatal is decided here, once per client. */
  readonly classify: (cause: unknown, context?: ClassifyContext) => KafkaError
  /** Closes the producer (within a few seconds); in-flight requests are the caller's to await first. */
  readonly close: Effect.Effect<void>
}
