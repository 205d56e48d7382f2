/**
 * The @platformatic/kafka producer client. It refreshes metadata after timeouts and leader moves by
 * itself, sends one request per broker carrying all of that broker's partitions, and on a failed
 * idempotent send starts a new producer id by itself; we still restart it after an unanswered
 * request, like the kafkajs client, so that both behave the same above this boundary.
 */
import { type MessageToProduce, ProduceAcks, Producer, type ProducerOptions } from "@platformatic/kafka"
import { Duration, Effect, Option } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { KafkaError } from "../KafkaError.js"
import { connectWithin } from "./connect.js"
import type { ProducerClient } from "./ProducerClient.js"
import { classifyPlatformatic } from "./platformaticErrors.js"
import { credentials, tlsOptions } from "./security.js"
import { Utf8Arena } from "./utf8Arena.js"

const acksOf = { all: ProduceAcks.ALL, leader: ProduceAcks.LEADER, none: ProduceAcks.NO_RESPONSE } as const
const mechanismOf = {
  plain: "PLAIN",
  "scram-sha-256": "SCRAM-SHA-256",
  "scram-sha-512": "SCRAM-SHA-512",
} as const

/**
 * Header names and values that repeat (names, content types, event types) are encoded once; a
 * value seen for the first time is remembered while the cache has room, so unique values (event
 * ids) never grow it past its bound.
 */
const headerCache = new Map<string, Buffer>()
const headerCacheMax = 4096
const headerBytes = (text: string, arena: Utf8Arena): Buffer => {
  const cached = headerCache.get(text)
  if (cached !== undefined) return cached
  const bytes = arena.bytes(text)
  if (headerCache.size < headerCacheMax) headerCache.set(text, Buffer.from(bytes))
  return bytes
}

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>

export const make = (config: KafkaConfig): Effect.Effect<ProducerClient, KafkaError> =>
  Effect.gen(function* () {
    const brokers = config.brokers.join(",")
    const tls = yield* tlsOptions(config)
    const sasl = Option.getOrUndefined(
      Option.map(credentials(config), ({ mechanism, username, password }) => ({
        mechanism: mechanismOf[mechanism],
        username,
        password,
      })),
    )
    const requestTimeout = Math.round(Duration.toMillis(config.requestTimeout))
    const options: ProducerOptions<Buffer, Buffer, Buffer, Buffer> = {
      clientId: config.clientId,
      bootstrapBrokers: [...config.brokers],
      idempotent: config.idempotent,
      acks: acksOf[config.acks],
      compression: config.compression,
      autocreateTopics: false,
      // A few quick inner retries keep the producer id and sequences (the broker then drops what
      // it already wrote); our Schedule is the retry layer above. Fewer than 2 would mean "retry
      // forever" to this client in idempotent mode; false is none.
      retries: config.idempotent ? 2 : false,
      retryDelay: 100,
      timeout: requestTimeout,
      requestTimeout,
      connectTimeout: Math.round(Duration.toMillis(config.connectionTimeout)),
      ...(tls === undefined ? {} : { tls }),
      ...(sasl === undefined ? {} : { sasl }),
    }
    const classify: ProducerClient["classify"] = (cause, context) =>
      classifyPlatformatic(cause, { brokers, ...context })

    // Connected means: the cluster answered (authenticated), and the producer id is known.
    const connect = (producer: Producer<Buffer, Buffer, Buffer, Buffer>) =>
      connectWithin(
        config,
        {
          connect: () =>
            (config.idempotent
              ? producer.initIdempotentProducer({})
              : producer.metadata({ topics: [] })
            ).then(() => undefined),
          disconnect: () => producer.close(true).catch(() => undefined),
        },
        classify,
      )
    let producer = new Producer(options)
    yield* connect(producer)

    return {
      partitionCount: (topic) =>
        producer
          .metadata({ topics: [topic] })
          .then((metadata) => metadata.topics.get(topic)?.partitionsCount ?? 0),
      send: async (topic, parts, acknowledged) => {
        const messages: Array<Message> = []
        const arena = new Utf8Arena()
        for (const part of parts)
          for (const r of part.records) {
            const message: Message = {
              topic,
              partition: part.partition,
              value: typeof r.value === "string" ? arena.bytes(r.value) : r.value,
            }
            if (r.key !== null) message.key = arena.bytes(r.key)
            if (r.timestamp !== undefined) message.timestamp = BigInt(r.timestamp)
            if (r.headers !== undefined) {
              const headers = new Map<Buffer, Buffer>()
              for (const name in r.headers)
                headers.set(headerBytes(name, arena), headerBytes(r.headers[name]!, arena))
              message.headers = headers
            }
            messages.push(message)
          }
        const report = (offsets: ReadonlyArray<{ partition: number; offset: bigint }> | undefined) => {
          if (offsets === undefined) for (const part of parts) acknowledged(part.partition, "-1")
          else for (const { partition, offset } of offsets) acknowledged(partition, String(offset))
        }
        try {
          report((await producer.send({ messages })).offsets)
        } catch (error) {
          // A failed send carries what the other brokers acknowledged.
          const produced = (
            error as { produced?: { offsets?: Array<{ partition: number; offset: bigint }> } }
          ).produced
          if (produced?.offsets !== undefined) report(produced.offsets)
          throw error
        }
      },
      restart: Effect.suspend(() => {
        // Not awaited: a frozen broker may never answer the old producer's requests.
        producer.close(true).catch(() => undefined)
        producer = new Producer(options)
        return connect(producer)
      }),
      classify,
      close: Effect.promise(() => producer.close(true).catch(() => undefined)).pipe(
        Effect.timeoutOption("5 seconds"),
        Effect.asVoid,
      ),
    } satisfies ProducerClient
  })
