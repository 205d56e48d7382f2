/**
 * The kafkajs producer client. Three kafkajs behaviours shape it (each found by the reliability
 * suite): one kafkajs call per partition, a fresh producer to restart, and the seed order below.
 */
import { Duration, Effect } from "effect"
import type { Kafka, Message, Producer, Transaction } from "kafkajs"
import { CompressionTypes } from "kafkajs"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { KafkaError } from "../KafkaError.js"
import { makeKafka } from "./client.js"
import { closeWithin, connectWithin } from "./connect.js"
import { NoAnswer } from "./errorRules.js"
import { classify } from "./kafkajsErrors.js"
import { OpenTransaction } from "./openTransaction.js"
import type { PartitionAnswer, ProducerClient } from "./ProducerClient.js"
import type { PartitionBatch } from "./partitioner.js"
import { SeedOrder } from "./seedOrder.js"

const acksOf = { all: -1, leader: 1, none: 0 } as const

/** One partition's batch as kafkajs messages, the partition chosen by us (Java's murmur2). */
const messagesOf = (part: PartitionBatch): Array<Message> => {
  const messages: Array<Message> = new Array(part.records.length)
  for (let i = 0; i < part.records.length; i++) {
    const r = part.records[i]!
    const message: Message = { key: r.key, value: r.value, partition: part.partition }
    if (r.headers !== undefined) message.headers = r.headers as Record<string, string>
    if (r.timestamp !== undefined) message.timestamp = r.timestamp
    messages[i] = message
  }
  return messages
}

/** A kafkajs producer whose request timeouts mark the broker as one to ask last. */
const producerOf = (kafka: Kafka, config: KafkaConfig, seeds: SeedOrder): Producer => {
  const created = kafka.producer({
    idempotent: config.idempotent,
    ...(config.transactionalId === undefined ? {} : { transactionalId: config.transactionalId }),
    allowAutoTopicCreation: false,
    // kafkajs refuses an idempotent producer with zero retries; one inner retry, ours outside.
    // A transaction's partitions are refused (CONCURRENT_TRANSACTIONS) until the previous one's
    // markers are written, a few milliseconds: retried soon, not after kafkajs's 300 ms.
    retry:
      config.transactionalId === undefined
        ? { retries: config.idempotent ? 1 : 0 }
        : { retries: 5, initialRetryTime: 10, maxRetryTime: 200 },
    ...(config.idempotent ? { maxInFlightRequests: 1 } : {}),
  })
  created.on(created.events.REQUEST_TIMEOUT, (event) => {
    seeds.suspect(event.payload.broker)
  })
  return created
}

/**
 * One kafkajs call per partition. When a call spans several brokers and one fails, kafkajs 2.2.4
 * retries only towards brokers that have not answered yet; if the failed partitions' new leader
 * already answered, their records are never sent, and the call still succeeds. Each call gets its
 * own deadline, so that the partitions of live brokers are answered while a frozen one is not.
 */
const sendPerPartition = (
  producer: Pick<Producer, "sendBatch">,
  options: { readonly acks: number; readonly timeout: number; readonly compression: CompressionTypes },
  deadlineMs: number,
  topic: string,
  parts: ReadonlyArray<PartitionBatch>,
): Promise<Array<PartitionAnswer>> =>
  Promise.all(
    parts.map(({ partition, ...part }) =>
      answerWithin(
        deadlineMs,
        producer
          .sendBatch({ ...options, topicMessages: [{ topic, messages: messagesOf({ partition, ...part }) }] })
          .then(
            (metadata): PartitionAnswer => ({ partition, baseOffset: metadata[0]?.baseOffset ?? "-1" }),
            (error: unknown): PartitionAnswer => ({ partition, error }),
          ),
        { partition, error: new NoAnswer(options.timeout) },
      ),
    ),
  )

/**
 * In a transaction, one partition's call after another: kafkajs adds each call's partitions to the
 * transaction, and the broker refuses a second addition while one is going on (CONCURRENT_TRANSACTIONS).
 */
const inTurn = async (
  parts: ReadonlyArray<PartitionBatch>,
  send: (part: PartitionBatch) => Promise<Array<PartitionAnswer>>,
): Promise<Array<PartitionAnswer>> => {
  const answers: Array<PartitionAnswer> = []
  for (const part of parts) answers.push(...(await send(part)))
  return answers
}

/** A send: per partition, and in a transaction one partition after another (see inTurn). */
const sendThrough = (
  transaction: OpenTransaction<Transaction>,
  producer: Producer,
  options: { readonly acks: number; readonly timeout: number; readonly compression: CompressionTypes },
  deadlineMs: number,
  topic: string,
  parts: ReadonlyArray<PartitionBatch>,
): Promise<Array<PartitionAnswer>> => {
  if (!transaction.transactional) return sendPerPartition(producer, options, deadlineMs, topic, parts)
  return Promise.try(() => transaction.via(producer)).then(
    (open) => inTurn(parts, (part) => sendPerPartition(open, options, deadlineMs, topic, [part])),
    (error: unknown) => parts.map(({ partition }) => ({ partition, error })),
  )
}

/** The answer, or `late` when none came within `ms`. */
const answerWithin = <A>(ms: number, answer: Promise<A>, late: A): Promise<A> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<A>((resolve) => {
    timer = setTimeout(() => resolve(late), ms)
  })
  return Promise.race([answer, deadline]).finally(() => clearTimeout(timer))
}

export const make = (config: KafkaConfig): Effect.Effect<ProducerClient, KafkaError> =>
  Effect.gen(function* () {
    const brokers = config.brokers.join(",")
    const seeds = new SeedOrder(config.brokers)
    // kafkajs takes seed brokers in turn (the i-th seed a Kafka instance's clients ask for is
    // list[i % n]): each producer has its own instance, so that it asks the first of the order first.
    const newProducer = Effect.map(
      makeKafka(config, () => seeds.order()),
      (kafka) => producerOf(kafka, config, seeds),
    )
    let producer = yield* newProducer
    const transaction = new OpenTransaction(config.transactionalId !== undefined, () =>
      producer.transaction(),
    )
    // Reads partition counts (kafkajs's producer does not expose its metadata).
    const admin = (yield* makeKafka(config, () => seeds.order())).admin()
    yield* connectWithin(config, admin)
    yield* connectWithin(config, producer).pipe(
      Effect.tapError(() => closeWithin("1 second", admin.disconnect)),
    )

    const acks = acksOf[config.acks]
    // KafkaConfig allows kafkajs no other codec.
    const compression = config.compression === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None
    const timeout = Math.round(Duration.toMillis(config.requestTimeout))
    // kafkajs enforces the request timeout itself; this is for a call that still hangs past it.
    const deadlineMs = timeout + 1000

    return {
      partitionCount: (topic) =>
        admin.fetchTopicMetadata({ topics: [topic] }).then(({ topics }) => topics[0]?.partitions.length ?? 0),
      roundTrip: (topic) => admin.fetchTopicMetadata({ topics: [topic] }),
      send: (topic, parts) =>
        sendThrough(transaction, producer, { acks, timeout, compression }, deadlineMs, topic, parts),
      // kafkajs keeps its producer id private: a restart takes a new one.
      identity: () => undefined,
      begin: transaction.begin,
      claim: transaction.claim,
      end: transaction.end,
      restart: () =>
        Effect.gen(function* () {
          // Not awaited: kafkajs's disconnect waits for pending requests, which a frozen broker
          // never answers. The old producer's unanswered calls still settle their promises.
          producer.disconnect().catch(() => undefined)
          transaction.forget()
          producer = yield* newProducer
          yield* connectWithin(config, producer, (cause) => classify(cause, { brokers, restarting: true }))
        }),
      classify: (cause, context) => classify(cause, { brokers, ...context }),
      close: closeWithin("5 seconds", () => Promise.all([producer.disconnect(), admin.disconnect()])),
    } satisfies ProducerClient
  })
