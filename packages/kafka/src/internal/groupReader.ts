/**
 * Live following with a kafkajs consumer group: its batches are pushed into the stream, kafkajs
 * waiting while the stream's buffer is full; a consumer crash fails the stream; the scope's end
 * disconnects the consumer.
 */
import { Effect, Queue, Stream } from "effect"
import type { Consumer, Kafka, KafkaMessage } from "kafkajs"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { KafkaError } from "../KafkaError.js"
import { acquireConnected } from "./connect.js"
import { classify } from "./kafkajsErrors.js"
import type { ConsumedRecord, Isolation } from "./rangeReader.js"

export interface FollowOptions {
  readonly topic: string
  readonly groupId: string
  /** Where a group without committed offsets starts: the beginning, or only new records. */
  readonly fromBeginning: boolean
  /** read_committed (default): records of aborted transactions skipped, as Kafka's consumers do. */
  readonly isolation?: Isolation
}

const toHeaders = (headers: Record<string, unknown> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (headers === undefined) return out
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.map(String).join(",") : String(value)
  }
  return out
}

const recordOf = (topic: string, partition: number, m: KafkaMessage): ConsumedRecord => ({
  topic,
  partition,
  offset: m.offset,
  key: m.key,
  value: m.value,
  headers: toHeaders(m.headers as Record<string, unknown> | undefined),
  timestamp: m.timestamp,
})

export const followGroup = (
  config: KafkaConfig,
  kafka: Kafka,
  call: <A>(topic: string, f: () => Promise<A>) => Effect.Effect<A, KafkaError>,
  options: FollowOptions,
): Stream.Stream<ConsumedRecord, KafkaError> =>
  Stream.callback<ConsumedRecord, KafkaError>(
    (queue) =>
      Effect.gen(function* () {
        const { topic } = options
        const consumer: Consumer = kafka.consumer({
          groupId: options.groupId,
          allowAutoTopicCreation: false,
          readUncommitted: options.isolation === "read_uncommitted",
        })
        yield* acquireConnected(config, consumer, undefined, "10 seconds")
        consumer.on(consumer.events.CRASH, (event) => {
          Effect.runFork(
            Queue.fail(queue, classify(event.payload.error, { brokers: config.brokers.join(","), topic })),
          )
        })
        yield* call(topic, () =>
          consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning }),
        )
        yield* call(topic, () =>
          consumer.run({
            eachBatch: async ({ batch }) => {
              if (batch.messages.length === 0) return
              // Waits while the buffer is full: kafkajs fetches the next batch only after this one.
              await Effect.runPromise(
                Queue.offerAll(
                  queue,
                  batch.messages.map((m) => recordOf(topic, batch.partition, m)),
                ),
              )
            },
          }),
        )
      }),
    { bufferSize: 16_384 },
  )
