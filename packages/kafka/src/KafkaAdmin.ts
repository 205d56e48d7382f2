/**
 * Admin helpers over a scoped kafkajs admin client: does a topic exist, describe it, create it
 * (partitions, replication factor) and wait for its leaders, and read its offsets.
 */
import { Context, Effect, Layer, Schedule, type Scope } from "effect"
import { type Admin, ConfigResourceTypes } from "kafkajs"
import { makeKafka } from "./internal/client.js"
import { acquireConnected } from "./internal/connect.js"
import { kafkajsCalls } from "./internal/kafkajsCalls.js"
import { classify } from "./internal/kafkajsErrors.js"
import * as KafkaConfig from "./KafkaConfig.js"
import { isRetriable, KafkaAuthorizationError, type KafkaConfigError, type KafkaError } from "./KafkaError.js"

export interface PartitionDescription {
  readonly partition: number
  readonly leader: number
  readonly replicas: ReadonlyArray<number>
  readonly isr: ReadonlyArray<number>
}

export interface TopicDescription {
  readonly topic: string
  readonly partitions: ReadonlyArray<PartitionDescription>
}

export interface PartitionOffsets {
  readonly partition: number
  /** The first offset still in the log. */
  readonly low: string
  /** The high watermark: the offset the next record will get. */
  readonly high: string
}

export interface TopicSpec {
  readonly topic: string
  readonly partitions: number
  readonly replicationFactor: number
  /** Topic configs, e.g. { "max.message.bytes": "10000" }. */
  readonly configs?: Readonly<Record<string, string>>
}

export interface Service {
  readonly describeTopic: (topic: string) => Effect.Effect<TopicDescription, KafkaError>
  readonly topicExists: (topic: string) => Effect.Effect<boolean, KafkaError>
  /** Creates the topic if it is missing and waits for its leaders; `created` says which. */
  readonly ensureTopic: (spec: TopicSpec) => Effect.Effect<{ readonly created: boolean }, KafkaError>
  readonly deleteTopic: (topic: string) => Effect.Effect<void, KafkaError>
  /** The topic's configs as the broker reports them (defaults included), e.g. cleanup.policy. */
  readonly topicConfig: (topic: string) => Effect.Effect<Readonly<Record<string, string>>, KafkaError>
  readonly offsets: (topic: string) => Effect.Effect<ReadonlyArray<PartitionOffsets>, KafkaError>
}

export class KafkaAdmin extends Context.Service<KafkaAdmin, Service>()("@customer-events/kafka/KafkaAdmin") {}

type Call = ReturnType<typeof kafkajsCalls>

// A broker that has just started answers "unknown topic" for a moment after creating one (kafkajs's
// own waitForLeaders then fails): leaders are awaited here, that answer retried.
const leadersReady = (admin: Admin, call: Call, spec: TopicSpec) =>
  call(spec.topic, () => admin.fetchTopicMetadata({ topics: [spec.topic] }), {
    unknownTopicRetriable: true,
  }).pipe(
    Effect.filterOrFail(
      ({ topics }) => (topics[0]?.partitions ?? []).filter((p) => p.leader >= 0).length === spec.partitions,
      // Kafka's own name for it, classified like an answer (retriable).
      () =>
        classify(
          {
            type: "LEADER_NOT_AVAILABLE",
            message: `a partition of "${spec.topic}" has no leader yet`,
            retriable: true,
          },
          { brokers: "", topic: spec.topic },
        ),
    ),
    Effect.retry({
      schedule: Schedule.spaced("100 millis").pipe(Schedule.upTo({ duration: "30 seconds" })),
      while: isRetriable,
    }),
  )

/** The topic's metadata, asked by name: a topic the credentials may not describe is named as such. */
const describable = (admin: Admin, call: Call, topic: string) =>
  call(topic, () => admin.fetchTopicMetadata({ topics: [topic] })).pipe(
    Effect.mapError((error) =>
      error._tag === "KafkaAuthorizationError"
        ? new KafkaAuthorizationError({
            reason: error.reason,
            action: `describe topic "${topic}"`,
            needs: "the credentials, an API key for instance, lack a DESCRIBE ACL on it",
            cause: error,
          })
        : error,
    ),
  )

const isRefused = (error: KafkaError) =>
  error._tag === "KafkaAuthorizationError" && error.action !== undefined

const refusedCreate = (topic: string) => (error: KafkaError) =>
  error._tag === "KafkaAuthorizationError"
    ? new KafkaAuthorizationError({
        reason: error.reason,
        action: `create topic "${topic}"`,
        needs:
          "the credentials lack a CREATE ACL on it or on the cluster (and DESCRIBE and WRITE on it " +
          "to produce): create it with other credentials, or have those ACLs granted",
        cause: error,
      })
    : error

// The list leaves out the topics the credentials may not describe: asked by name, Kafka says so.
const existing = (admin: Admin, call: Call, topic: string) =>
  call(topic, () => admin.listTopics()).pipe(
    Effect.flatMap((topics) =>
      topics.includes(topic)
        ? Effect.succeed(true)
        : describable(admin, call, topic).pipe(
            Effect.as(true),
            Effect.catchTag("KafkaTopicNotFoundError", () => Effect.succeed(false)),
          ),
    ),
  )

// Asking first keeps kafkajs from logging "Topic creation errors" for a topic that exists. A topic
// the credentials may not describe may still be theirs to create: they are told which ACL is missing
// if not.
const ensured = (admin: Admin, call: Call, spec: TopicSpec) =>
  existing(admin, call, spec.topic).pipe(
    Effect.catchIf(isRefused, () => Effect.succeed(false)),
    Effect.flatMap((exists) =>
      exists
        ? Effect.succeed({ created: false })
        : createTopic(admin, call, spec).pipe(Effect.mapError(refusedCreate(spec.topic))),
    ),
    Effect.withLogSpan("kafka.ensureTopic"),
  )

/** Creates a topic, then waits until every partition has a leader. */
const createTopic = (admin: Admin, call: Call, spec: TopicSpec) =>
  call(spec.topic, () =>
    admin.createTopics({
      waitForLeaders: false,
      timeout: 30_000,
      topics: [
        {
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    }),
  ).pipe(
    Effect.tap(() => leadersReady(admin, call, spec)),
    Effect.map((created) => ({ created })),
  )

export const make = (config: KafkaConfig.KafkaConfig): Effect.Effect<Service, KafkaError, Scope.Scope> =>
  Effect.gen(function* () {
    const admin: Admin = (yield* makeKafka(config)).admin()
    yield* acquireConnected(config, admin)
    const call = kafkajsCalls(config)

    const describeTopic = (topic: string) =>
      call(topic, () => admin.fetchTopicMetadata({ topics: [topic] })).pipe(
        Effect.map(({ topics }) => ({
          topic,
          partitions: (topics[0]?.partitions ?? [])
            .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
            .sort((a, b) => a.partition - b.partition),
        })),
      )

    const topicExists = (topic: string) => existing(admin, call, topic)
    const ensureTopic = (spec: TopicSpec) => ensured(admin, call, spec)

    const deleteTopic = (topic: string) => call(topic, () => admin.deleteTopics({ topics: [topic] }))

    const topicConfig = (topic: string) =>
      call(topic, () =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
        }),
      ).pipe(
        Effect.map(({ resources }) =>
          Object.fromEntries((resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue])),
        ),
      )

    const offsets = (topic: string) =>
      call(topic, () => admin.fetchTopicOffsets(topic)).pipe(
        Effect.map((list) =>
          list
            .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
            .sort((a, b) => a.partition - b.partition),
        ),
      )

    return KafkaAdmin.of({ describeTopic, topicExists, ensureTopic, deleteTopic, topicConfig, offsets })
  })

export const layer = (config: KafkaConfig.KafkaConfig): Layer.Layer<KafkaAdmin, KafkaError> =>
  Layer.effect(KafkaAdmin, make(config))

/** Configured from the environment (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SASL_*, ...) over the defaults. */
export const layerConfig: Layer.Layer<KafkaAdmin, KafkaError | KafkaConfigError> = Layer.effect(
  KafkaAdmin,
  Effect.flatMap(KafkaConfig.load(), ({ config }) => make(config)),
)
