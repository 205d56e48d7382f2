import type { LogEntry } from "kafkajs"
import { bootstrap, kafkaFor, untilAnswered } from "./client.js"

export interface ConsumedRecord {
  readonly partition: number
  readonly offset: string
  readonly key: string | null
  readonly value: string | null
  readonly headers: Record<string, string>
  readonly timestamp: string
}

const attempts = 3
const attemptMs = 60_000

/**
 * Reads every partition of a topic from the beginning up to the high watermarks seen at the start,
 * with a plain kafkajs consumer: an independent check of what the code under test wrote.
 *
 * A consumer-group reader can stall right after a cluster fault (the reliability suite freezes and
 * kills nodes): once, after a node was frozen and resumed, it read a quarter of a topic whose
 * offsets said it was complete, then nothing for a minute. So a read that stalls starts again with
 * a fresh consumer (new group, connections and metadata), and a failed read says what kafkajs warned.
 */
export const readTopic = async (topic: string, brokers = bootstrap): Promise<Array<ConsumedRecord>> => {
  const admin = kafkaFor(brokers).admin()
  await admin.connect()
  const watermarks = await untilAnswered(() => admin.fetchTopicOffsets(topic))
  await admin.disconnect()
  const ends = new Map(watermarks.map((w) => [w.partition, Number(w.high)]))
  const expected = [...ends.values()].reduce((a, b) => a + b, 0)
  if (expected === 0) return []
  const failures: Array<string> = []
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const read = await readOnce(topic, brokers, ends, expected)
    if (read.records.length >= expected) return read.records
    failures.push(
      `attempt ${attempt}: ${read.records.length} records; kafkajs said: ` +
        `${read.warnings.join(" | ") || "nothing"}`,
    )
    // Said at once, so that a run which passes after a second read still shows that it needed one.
    console.warn(`readTopic: ${topic}: ${failures.at(-1)}`)
  }
  throw new Error(
    `read fewer than the ${expected} records of ${topic} within ${attemptMs / 1000} s, ${attempts} ` +
      `times: ${failures.join("; ")}`,
  )
}

const readOnce = async (
  topic: string,
  brokers: string,
  ends: ReadonlyMap<number, number>,
  expected: number,
) => {
  const warnings: Array<string> = []
  const keep = (entry: LogEntry) => {
    warnings.push(`${entry.log.message}${entry.log.error === undefined ? "" : `: ${entry.log.error}`}`)
    if (warnings.length > 5) warnings.shift()
  }
  const consumer = kafkaFor(brokers, keep).consumer({ groupId: `reader-${topic}-${Date.now()}` })
  const records: Array<ConsumedRecord> = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, attemptMs)
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition) ?? 0
          for (const m of batch.messages) {
            if (Number(m.offset) >= end) continue
            const headers: Record<string, string> = {}
            for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v)
            records.push({
              partition: batch.partition,
              offset: m.offset,
              key: m.key?.toString() ?? null,
              value: m.value?.toString() ?? null,
              headers,
              timestamp: m.timestamp,
            })
          }
          if (records.length >= expected) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
      .catch((error: Error) => {
        keep({ namespace: "run", level: 1, label: "ERROR", log: { timestamp: "", message: error.message } })
        clearTimeout(timer)
        resolve()
      })
  })
  // A stalled consumer may not leave its group promptly: do not wait on it for long.
  await Promise.race([consumer.disconnect(), Bun.sleep(10_000)])
  return { records, warnings }
}
