/**
 * The @platformatic/kafka producer client. It refreshes metadata after timeouts and leader moves by
 * itself, sends one request per broker carrying all of that broker's partitions, and on a failed
 * idempotent send takes a new producer id by itself. A restart (after an unanswered request) is a
 * new producer that asks the brokers which did answer first.
 */
import { ProduceAcks, Producer, type ProducerOptions } from "@platformatic/kafka"
import { Effect } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { KafkaError } from "../KafkaError.js"
import { closeWithin, connectWithin } from "./connect.js"
import type { ProducerClient } from "./ProducerClient.js"
import type { PartitionBatch } from "./partitioner.js"
import { classifyPlatformatic } from "./platformaticErrors.js"
import { connectionOptionsOf } from "./platformaticOptions.js"
import { toMessages } from "./platformaticRecords.js"
import { SeedOrder } from "./seedOrder.js"

type Client = Producer<Buffer, Buffer, Buffer, Buffer>
type Offsets = ReadonlyArray<{ partition: number; offset: bigint }>

const acksOf = { all: ProduceAcks.ALL, leader: ProduceAcks.LEADER, none: ProduceAcks.NO_RESPONSE } as const
const optionsOf = (config: KafkaConfig) =>
  Effect.map(
    connectionOptionsOf(config),
    (connection) =>
      ({
        ...connection,
        idempotent: config.idempotent,
        acks: acksOf[config.acks],
        compression: config.compression,
        autocreateTopics: false,
        // A few quick inner retries keep the producer id and sequences (the broker then drops what
        // it already wrote); our Schedule is the retry layer above. Fewer than 2 would mean "retry
        // forever" to this client in idempotent mode; false is none.
        retries: config.idempotent ? 2 : false,
        retryDelay: 100,
      }) satisfies ProducerOptions<Buffer, Buffer, Buffer, Buffer>,
  )

/** The brokers ("host:port") leading these partitions, as the client's metadata has them. */
const leadersOf = (producer: Client, topic: string, parts: ReadonlyArray<PartitionBatch>): Array<string> => {
  const metadata = producer.currentMetadata
  const partitions = metadata?.topics.get(topic)?.partitions
  const out = new Set<string>()
  for (const part of parts) {
    const broker = metadata?.brokers.get(partitions?.[part.partition]?.leader ?? -1)
    if (broker !== undefined) out.add(`${broker.host}:${broker.port}`)
  }
  return [...out]
}

export const make = (config: KafkaConfig): Effect.Effect<ProducerClient, KafkaError> =>
  Effect.gen(function* () {
    const options = yield* optionsOf(config)
    const brokers = config.brokers.join(",")
    const classify: ProducerClient["classify"] = (cause, context) =>
      classifyPlatformatic(cause, { brokers, ...context })
    const seeds = new SeedOrder(config.brokers)
    // Connected means: the cluster answered (authenticated), and the producer id is known.
    const connect = (producer: Client) =>
      connectWithin(
        config,
        {
          connect: () =>
            (config.idempotent
              ? producer.initIdempotentProducer({})
              : producer.metadata({ topics: [] })
            ).then(() => undefined),
          disconnect: () => producer.close(true),
        },
        classify,
      )
    let producer: Client = new Producer(options)
    yield* connect(producer)

    return {
      partitionCount: (topic) =>
        producer
          .metadata({ topics: [topic] })
          .then((metadata) => metadata.topics.get(topic)?.partitionsCount ?? 0),
      send: (topic, parts, acknowledged) => {
        const report = (offsets: Offsets | undefined) => {
          if (offsets === undefined) for (const part of parts) acknowledged(part.partition, "-1")
          else for (const { partition, offset } of offsets) acknowledged(partition, String(offset))
        }
        const sent = producer.send({ messages: toMessages(topic, parts) }).then(
          (result) => report(result.offsets),
          (error: unknown) => {
            // A failed send carries what the other brokers acknowledged.
            report((error as { produced?: { offsets?: Offsets } }).produced?.offsets ?? [])
            throw error
          },
        )
        return seeds.track(leadersOf(producer, topic, parts), sent)
      },
      restart: Effect.suspend(() => {
        const bootstrapBrokers = seeds.order()
        // Not awaited: a frozen broker may never answer the old producer's requests.
        producer.close(true).catch(() => undefined)
        producer = new Producer({ ...options, bootstrapBrokers })
        return connect(producer)
      }),
      classify,
      close: closeWithin("5 seconds", () => producer.close(true)),
    } satisfies ProducerClient
  })
