/**
 * A bounded read without a consumer group: each partition is fetched straight from its leader with
 * @platformatic/kafka's fetch, from a start offset up to a stop offset. Nothing is joined or
 * committed, so a read works on a brand-new broker whose `__consumer_offsets` does not exist yet.
 */
import { Consumer, FetchIsolationLevels } from "@platformatic/kafka"
import { Effect, Schedule, Stream } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import { isRetriable, type KafkaError } from "../KafkaError.js"
import { acquireConnected } from "./connect.js"
import { classifyPlatformatic } from "./platformaticErrors.js"
import { connectionOptionsOf } from "./platformaticOptions.js"

export interface ConsumedRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: string
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: Readonly<Record<string, string>>
  /** Epoch milliseconds as a decimal string. */
  readonly timestamp: string
}

/**
 * Which records a read sees: read_committed skips those of aborted transactions (and stops at the
 * last stable offset), read_uncommitted sees every record. Control records are never records of ours.
 */
export type Isolation = "read_committed" | "read_uncommitted"

/** Where a bounded read starts and stops, per partition. */
export interface PartitionRange {
  readonly partition: number
  readonly from: string
  /** The high watermark at the start: the read stops before it. */
  readonly to: string
}

type Client = Consumer<Buffer, Buffer, Buffer, Buffer>
type FetchedPartition = Awaited<ReturnType<Client["fetch"]>>["responses"][number]["partitions"][number]
type Batch = NonNullable<FetchedPartition["records"]>[number]

/**
 * The batches of aborted transactions in a read_committed fetch, found as Kafka's Java consumer does:
 * an aborted transaction (the broker lists its producer and first offset) covers that producer's
 * transactional batches from its first offset up to its ABORT marker. (The client's own filter keeps
 * one range per producer, so it misses all but the last aborted transaction of a producer in a fetch.)
 */
const abortedBatches = (fetched: FetchedPartition): Set<Batch> => {
  const skipped = new Set<Batch>()
  const aborted = [...(fetched.abortedTransactions ?? [])].sort((a, b) =>
    a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
  )
  if (aborted.length === 0) return skipped
  const abortingProducers = new Set<bigint>()
  let next = 0
  for (const batch of fetched.records ?? []) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta)
    while (next < aborted.length && aborted[next]!.firstOffset <= lastOffset)
      abortingProducers.add(aborted[next++]!.producerId)
    if ((batch.attributes & CONTROL_BATCH) !== 0) {
      if (isAbortMarker(batch)) abortingProducers.delete(batch.producerId)
    } else if ((batch.attributes & TRANSACTIONAL_BATCH) !== 0 && abortingProducers.has(batch.producerId))
      skipped.add(batch)
  }
  return skipped
}

// Record batch attributes: transaction markers carry no records of ours; LogAppendTime topics
// stamp the whole batch with the broker's time.
const CONTROL_BATCH = 0x20
const TRANSACTIONAL_BATCH = 0x10
const LOG_APPEND_TIME = 0x08
/** A control record's key: version (int16), then type (int16): 0 = ABORT, 1 = COMMIT. */
const isAbortMarker = (batch: Batch) => batch.records[0]?.key?.readInt16BE(2) === 0
const PARTITION_MAX_BYTES = 1_048_576

const headersOf = (headers: ReadonlyArray<[Buffer | null, Buffer | null]>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of headers) {
    if (name === null) continue
    const key = name.toString()
    const text = value?.toString() ?? ""
    out[key] = key in out ? `${out[key]},${text}` : text
  }
  return out
}

/** The read's position: the next offset and the stop offset of each partition still to read. */
class Positions {
  readonly next = new Map<number, bigint>()
  readonly stopAt = new Map<number, bigint>()
  constructor(
    ranges: ReadonlyArray<PartitionRange>,
    private readonly isolation: Isolation,
  ) {
    for (const r of ranges)
      if (BigInt(r.from) < BigInt(r.to)) {
        this.next.set(r.partition, BigInt(r.from))
        this.stopAt.set(r.partition, BigInt(r.to))
      }
  }
  get done() {
    return this.next.size === 0
  }
  /** The records of one fetched partition inside its range; the position moves past them. */
  take(topic: string, fetched: FetchedPartition, out: Array<ConsumedRecord>) {
    const partition = fetched.partitionIndex
    const start = this.next.get(partition)
    const end = this.stopAt.get(partition)
    if (start === undefined || end === undefined) return
    let cursor = start
    const skipped = this.isolation === "read_committed" ? abortedBatches(fetched) : undefined
    for (const batch of fetched.records ?? []) {
      const control = (batch.attributes & CONTROL_BATCH) !== 0 || skipped?.has(batch) === true
      for (const record of batch.records) {
        const offset = batch.firstOffset + BigInt(record.offsetDelta)
        if (control || offset < cursor || offset >= end) continue
        const timestamp =
          (batch.attributes & LOG_APPEND_TIME) !== 0
            ? batch.maxTimestamp
            : batch.firstTimestamp + record.timestampDelta
        out.push({
          topic,
          partition,
          offset: String(offset),
          key: record.key,
          value: record.value,
          headers: headersOf(record.headers),
          timestamp: String(timestamp),
        })
      }
      const after = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
      if (after > cursor) cursor = after
    }
    if (cursor >= end) {
      this.next.delete(partition)
      this.stopAt.delete(partition)
    } else this.next.set(partition, cursor)
  }
}

/** One round: a fetch to each leader of the partitions still to read, in parallel. */
const fetchRound = async (consumer: Client, topic: string, positions: Positions, isolation: Isolation) => {
  const metadata = await consumer.metadata({ topics: [topic] })
  const described = metadata.topics.get(topic)
  const byLeader = new Map<number, Array<{ partition: number; fetchOffset: bigint }>>()
  for (const [partition, fetchOffset] of positions.next) {
    const leader = described?.partitions[partition]?.leader ?? -1
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), { partition, fetchOffset }])
  }
  const responses = await Promise.all(
    [...byLeader].map(([node, partitions]) =>
      consumer.fetch({
        node,
        maxWaitTime: 100,
        isolationLevel:
          isolation === "read_committed"
            ? FetchIsolationLevels.READ_COMMITTED
            : FetchIsolationLevels.READ_UNCOMMITTED,
        topics: [
          {
            topicId: described?.id ?? topic,
            partitions: partitions.map((p) => ({
              ...p,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
              partitionMaxBytes: PARTITION_MAX_BYTES,
            })),
          },
        ],
      }),
    ),
  )
  const out: Array<ConsumedRecord> = []
  for (const response of responses)
    for (const fetchedTopic of response.responses)
      for (const fetched of fetchedTopic.partitions) positions.take(topic, fetched, out)
  return out
}

/** Every record of the given ranges, then the end of the stream. */
export const readRanges = (
  config: KafkaConfig,
  topic: string,
  ranges: ReadonlyArray<PartitionRange>,
  isolation: Isolation = "read_committed",
): Stream.Stream<ConsumedRecord, KafkaError> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const positions = new Positions(ranges, isolation)
      if (positions.done) return Stream.empty
      const classify = (cause: unknown) =>
        classifyPlatformatic(cause, { brokers: config.brokers.join(","), topic })
      const consumer: Client = new Consumer({
        ...(yield* connectionOptionsOf(config)),
        // Required by the constructor; a fetch never joins it.
        groupId: `${config.clientId}-reader`,
        autocreateTopics: false,
        retries: 3,
        retryDelay: 200,
      })
      yield* acquireConnected(
        config,
        {
          connect: () => consumer.metadata({ topics: [topic] }).then(() => undefined),
          disconnect: () => consumer.close(true),
        },
        classify,
      )
      const round = Effect.tryPromise({
        try: () => fetchRound(consumer, topic, positions, isolation),
        catch: classify,
      }).pipe(
        Effect.retry({
          schedule: Schedule.exponential("200 millis").pipe(
            Schedule.upTo({ duration: config.deliveryTimeout }),
          ),
          while: isRetriable,
        }),
      )
      // Rounds until every range is read (the round that reads the last records ends the stream).
      return Stream.fromEffectRepeat(round).pipe(
        Stream.takeUntil(() => positions.done),
        Stream.flattenIterable,
      )
    }),
  )
