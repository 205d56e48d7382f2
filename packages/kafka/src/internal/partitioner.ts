/**
 * Where a record goes: the partition Java's producer picks (murmur2 of the UTF-8 key, made
 * positive, modulo the partition count), for every client alike, so that a key lands on the same
 * partition whichever client wrote it. Records are split by partition once per batch, here.
 */
import type { ProducerRecord } from "./records.js"

const seed = 0x9747b28c
const m = 0x5bd1e995

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) in 32-bit integer arithmetic. */
export const murmur2 = (data: Uint8Array, length = data.length): number => {
  let h = seed ^ length
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    k = Math.imul(k, m)
    k ^= k >>> 24
    k = Math.imul(k, m)
    h = Math.imul(h, m) ^ k
  }
  // The last 1 to 3 bytes, as Java's falling-through switch mixes them.
  const rest = length & 3
  if (rest === 3) h ^= data[whole + 2]! << 16
  if (rest >= 2) h ^= data[whole + 1]! << 8
  if (rest >= 1) h = Math.imul(h ^ data[whole]!, m)
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

// Keys are short: encoded into one reusable buffer, grown when a longer key comes.
let scratch = new Uint8Array(256)
const encoder = new TextEncoder()

/** The partition of a key, as Java's default partitioner computes it for a keyed record. */
export const partitionOfKey = (key: string, partitions: number): number => {
  if (key.length * 3 > scratch.length) scratch = new Uint8Array(key.length * 3)
  const { written } = encoder.encodeInto(key, scratch)
  return (murmur2(scratch, written) & 0x7fffffff) % partitions
}

/**
 * Records of one partition within a batch (at most one request's worth), with their positions in the batch.
 */
export interface PartitionBatch<R extends ProducerRecord = ProducerRecord> {
  readonly partition: number
  readonly records: Array<R>
  readonly indexes: Array<number>
}

/** Kafka's framing of a record in a batch (length, attributes, deltas, varints), at most. */
const recordOverhead = 21

/**
 * A record's size in a batch, from above: its key, value and headers as they are sent (a string's
 * length counts its UTF-16 units, one byte each for ASCII, which is what the app's JSON is).
 */
export const recordBytes = (record: ProducerRecord): number => {
  let size = recordOverhead + (record.key?.length ?? 0) + (record.value?.length ?? 0)
  const headers = record.headers
  if (headers !== undefined) for (const name in headers) size += name.length + headers[name]!.length + 2
  return size
}

/** How large one partition's batch may grow: records (batch.num.messages) and bytes (batch.size). */
export interface BatchLimits {
  readonly records: number
  readonly bytes: number
}

/**
 * Splits a batch by partition, each partition's records cut into batches within `limits` (a request
 * carries one batch per partition, and the broker caps a batch's size), in order. A record larger
 * than the byte limit goes alone. Keyless records go round-robin, as Java's producer spreads them
 * (the app's always have a key).
 */
export const splitByPartition = <R extends ProducerRecord>(
  records: ReadonlyArray<R>,
  partitions: number,
  limits: BatchLimits,
): Array<PartitionBatch<R>> => {
  const out: Array<PartitionBatch<R>> = []
  const open = new Array<PartitionBatch<R> | undefined>(partitions)
  const openBytes = new Array<number>(partitions).fill(0)
  let roundRobin = 0
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    const partition = record.key === null ? roundRobin++ % partitions : partitionOfKey(record.key, partitions)
    const bytes = recordBytes(record)
    let part = open[partition]
    if (
      part === undefined ||
      part.records.length === limits.records ||
      (part.records.length > 0 && openBytes[partition]! + bytes > limits.bytes)
    ) {
      part = { partition, records: [], indexes: [] }
      open[partition] = part
      openBytes[partition] = 0
      out.push(part)
    }
    part.records.push(record)
    part.indexes.push(i)
    openBytes[partition]! += bytes
  }
  return out
}

/**
 * The requests that send these batches: the n-th holds the n-th batch of each partition, so that a
 * partition's batches go out in order, one per request.
 */
export const toRequests = <R extends ProducerRecord>(
  batches: ReadonlyArray<PartitionBatch<R>>,
): Array<Array<PartitionBatch<R>>> => {
  const requests: Array<Array<PartitionBatch<R>>> = []
  const seen = new Map<number, number>()
  for (const batch of batches) {
    const n = seen.get(batch.partition) ?? 0
    seen.set(batch.partition, n + 1)
    if (requests[n] === undefined) requests[n] = [batch]
    else requests[n].push(batch)
  }
  return requests
}
