/**
 * The boundary between KafkaProducer and a Kafka client library: "a connected producer client".
 * Each client (kafkajs, @platformatic/kafka) implements it once, in its own module; batching,
 * retries, deadlines, in-flight bounds, metrics and outcomes are written once above it.
 */
import type { Effect } from "effect"
import type { KafkaError } from "../KafkaError.js"
import type { Context } from "./errorRules.js"
import type { PartitionBatch } from "./partitioner.js"

export type ClassifyContext = Omit<Context, "brokers">

/**
 * An idempotent producer's identity: its producer id and epoch, and the next sequence number of
 * each partition ("topic:partition"), those of requests not answered yet taken back.
 */
export interface ProducerIdentity {
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly sequences: ReadonlyMap<string, number>
}

/**
 * What became of one partition's batch in a send: its base offset ("-1" with acks=none), or the client's
 * error.
 */
export type PartitionAnswer =
  | { readonly partition: number; readonly baseOffset: string }
  | { readonly partition: number; readonly error: unknown }

export interface ProducerClient {
  /** The topic's partition count, from the client's metadata; rejects when the topic is missing. */
  readonly partitionCount: (topic: string) => Promise<number>
  /** A metadata request that always goes to the cluster (never a cache): what a round trip costs. */
  readonly roundTrip: (topic: string) => Promise<unknown>
  /**
   * Sends the records of several partitions of one topic and answers for each partition once none
   * is still waiting (so that a retry resends only the unacknowledged ones). Never rejects: a
   * failure is a partition's answer.
   */
  readonly send: (
    topic: string,
    parts: ReadonlyArray<PartitionBatch>,
  ) => Promise<ReadonlyArray<PartitionAnswer>>
  /**
   * The idempotent producer's identity now, taken when a request is given up on unanswered, for the
   * restart to carry on with; undefined when the client cannot hand it over (kafkajs) or has none.
   */
  readonly identity: () => ProducerIdentity | undefined
  /**
   * Starts afresh: a new producer with fresh connections and metadata, connected before it
   * resolves; its errors are classified as a restart's. With an identity, the new producer carries on
   * with it, so the records of the unanswered requests, sent again, carry the same producer id and
   * sequence numbers and the broker drops those it had written (as Java's producer retries); without,
   * it takes a new producer id. The old one is closed in the background: its unanswered requests may
   * never be answered (a frozen broker), and their promises still settle.
   */
  readonly restart: (identity: ProducerIdentity | undefined) => Effect.Effect<void, KafkaError>
  /**
   * With a transactional id: opens a transaction (the first initialises the id, which fences an
   * older producer of it); the sends until `end` belong to it. With a transactional id a send while
   * none is open fails, so that a restarted client never writes outside a transaction.
   */
  readonly begin: () => Promise<void>
  /**
   * With a transactional id: takes it now (an older producer of it fenced, its open transaction
   * aborted by the coordinator), leaving no transaction open.
   */
  readonly claim: () => Promise<void>
  /** Commits (true) or aborts (false) the open transaction. */
  readonly end: (commit: boolean) => Promise<void>
  /** The client's errors as typed KafkaErrors: retriable or fatal is decided here, once per client. */
  readonly classify: (cause: unknown, context?: ClassifyContext) => KafkaError
  /** Closes the producer (within a few seconds); in-flight requests are the caller's to await first. */
  readonly close: Effect.Effect<void>
}

/**
 * Each partition's answer to a whole send: the partitions of `acknowledged` by their offset, the others with
 * `error`.
 */
export const answersOf = (
  parts: ReadonlyArray<PartitionBatch>,
  acknowledged: ReadonlyMap<number, string>,
  error: unknown,
): Array<PartitionAnswer> =>
  parts.map(({ partition }) => {
    const baseOffset = acknowledged.get(partition)
    return baseOffset === undefined ? { partition, error } : { partition, baseOffset }
  })
