/**
 * The @platformatic/kafka producer client. It refreshes metadata after timeouts and leader moves by
 * itself, sends one request per broker carrying all of that broker's partitions, and (patched,
 * patches/) a failed idempotent send keeps its producer id, the unacknowledged partitions' sequence
 * numbers taken back for the retry. A restart (after an unanswered request) is a new producer that
 * carries on with the old one's identity and asks first the brokers which answer a probe now.
 */
import { ProduceAcks, Producer, type ProducerOptions } from "@platformatic/kafka"
import { Effect } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { KafkaError } from "../KafkaError.js"
import { closeWithin, connectWithin } from "./connect.js"
import { OpenTransaction } from "./openTransaction.js"
import { answersOf, type ClassifyContext, type ProducerClient } from "./ProducerClient.js"
import type { PartitionBatch } from "./partitioner.js"
import { classifyPlatformatic, writtenDespite } from "./platformaticErrors.js"
import { connectionOptionsOf } from "./platformaticOptions.js"
import { toMessages } from "./platformaticRecords.js"
import { fastestFirst } from "./seedOrder.js"

type Client = Producer<Buffer, Buffer, Buffer, Buffer>
type Offsets = ReadonlyArray<{ partition: number; offset: bigint }>

/** Each partition's base offset; every partition's "-1" when the answer has none (acks=none). */
const offsetsOf = (
  parts: ReadonlyArray<PartitionBatch>,
  offsets: Offsets | undefined,
): Map<number, string> =>
  offsets === undefined
    ? new Map(parts.map(({ partition }) => [partition, "-1"]))
    : new Map(offsets.map(({ partition, offset }) => [partition, String(offset)]))

const acksOf = { all: ProduceAcks.ALL, leader: ProduceAcks.LEADER, none: ProduceAcks.NO_RESPONSE } as const
const optionsOf = (config: KafkaConfig) =>
  Effect.map(
    connectionOptionsOf(config),
    (connection) =>
      ({
        ...connection,
        idempotent: config.idempotent,
        ...(config.transactionalId === undefined ? {} : { transactionalId: config.transactionalId }),
        acks: acksOf[config.acks],
        compression: config.compression,
        autocreateTopics: false,
        // A few quick inner retries keep the producer id and sequences (the broker then drops what
        // it already wrote); our Schedule is the retry layer above. Fewer than 2 would mean "retry
        // forever" to this client in idempotent mode; false is none.
        retries: config.idempotent ? 2 : false,
        retryDelay: config.transactionalId === undefined ? 100 : 10,
      }) satisfies ProducerOptions<Buffer, Buffer, Buffer, Buffer>,
  )

/** A live broker answers a metadata request within milliseconds; a frozen one never does. */
const probeWindowMs = 2000

/** The bootstrap brokers, those answering a metadata request now first (see seedOrder.ts). */
const seedsNow = (options: ProducerOptions<Buffer, Buffer, Buffer, Buffer>, brokers: ReadonlyArray<string>) =>
  fastestFirst(
    brokers,
    (broker) => {
      const probe: Client = new Producer({
        ...options,
        bootstrapBrokers: [broker],
        idempotent: false,
        retries: false,
        connectTimeout: probeWindowMs,
        timeout: probeWindowMs,
        requestTimeout: probeWindowMs,
      })
      const asked = probe.metadata({ topics: [] })
      asked.then(
        () => probe.close(true).catch(() => undefined),
        () => probe.close(true).catch(() => undefined),
      )
      return asked
    },
    probeWindowMs,
  )

/**
 * Connected means: the cluster answered (authenticated), and the producer id is known (asked for,
 * unless carried on with; a transactional producer asks at its first transaction).
 */
const connecting =
  (config: KafkaConfig, classify: ProducerClient["classify"]) =>
  (producer: Client, context: ClassifyContext = {}) =>
    connectWithin(
      config,
      {
        connect: () =>
          (config.idempotent && config.transactionalId === undefined && producer.producerId === undefined
            ? producer.initIdempotentProducer({})
            : producer.metadata({ topics: [] })
          ).then(() => undefined),
        disconnect: () => producer.close(true),
      },
      (cause) => classify(cause, context),
    )

export const make = (config: KafkaConfig): Effect.Effect<ProducerClient, KafkaError> =>
  Effect.gen(function* () {
    const options = yield* optionsOf(config)
    const brokers = config.brokers.join(",")
    const classify: ProducerClient["classify"] = (cause, context) =>
      classifyPlatformatic(cause, { brokers, ...context })
    const connect = connecting(config, classify)
    let producer: Client = new Producer(options)
    yield* connect(producer)
    const transaction = new OpenTransaction(
      config.transactionalId !== undefined,
      () => producer.beginTransaction(),
      () => {
        producer.transaction?.cancel().catch(() => undefined)
      },
    )

    return {
      partitionCount: (topic) =>
        producer
          .metadata({ topics: [topic] })
          .then((metadata) => metadata.topics.get(topic)?.partitionsCount ?? 0),
      roundTrip: (topic) => producer.metadata({ topics: [topic], forceUpdate: true }),
      send: (topic, parts) =>
        Promise.try(() => transaction.via(producer).send({ messages: toMessages(topic, parts) })).then(
          (result) => answersOf(parts, offsetsOf(parts, result.offsets), undefined),
          (error: unknown) => {
            // A failed send carries what the other brokers acknowledged, and the failed answer
            // what its broker wrote for the partitions without an error.
            const produced = (error as { produced?: { offsets?: Offsets } }).produced?.offsets ?? []
            const written = offsetsOf(parts, [...produced, ...writtenDespite(error, topic)])
            return answersOf(parts, written, error)
          },
        ),
      // The patched client's (patches/): sends not answered yet take back their sequence numbers.
      identity: () =>
        config.idempotent && !transaction.transactional ? producer.idempotentState : undefined,
      begin: transaction.begin,
      claim: transaction.claim,
      end: transaction.end,
      restart: (identity) =>
        Effect.promise(() => seedsNow(options, config.brokers)).pipe(
          Effect.flatMap((bootstrapBrokers) => {
            // Not awaited: a frozen broker may never answer the old producer's requests.
            producer.close(true).catch(() => undefined)
            transaction.forget()
            producer = new Producer({ ...options, bootstrapBrokers })
            if (identity !== undefined) producer.adoptIdempotentState(identity)
            return connect(producer, { restarting: true })
          }),
        ),
      classify,
      close: closeWithin("5 seconds", () => producer.close(true)),
    } satisfies ProducerClient
  })
