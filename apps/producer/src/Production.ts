/**
 * One producer run from parsed options: connect (topics checked or created, reference data
 * written), generate, deliver, account, and return the summary. The command line (main.ts) and each
 * worker of --workers (Workers.ts) run it the same way.
 */
import { Flags } from "@customer-events/cli"
import { type Catalog, EventClock, EventGenerator, Pacing } from "@customer-events/events"
import { KafkaAdmin, KafkaConfig, KafkaError, KafkaProducer } from "@customer-events/kafka"
import { Duration, Effect, Fiber, Schedule } from "effect"
import type * as Cli from "./Cli.js"
import * as DeadLetterFile from "./DeadLetterFile.js"
import * as DeliveryTarget from "./DeliveryTarget.js"
import * as EventPrinter from "./EventPrinter.js"
import * as Output from "./Output.js"
import * as RecordValues from "./RecordValues.js"
import * as ReferenceChanges from "./ReferenceChanges.js"
import * as ReferenceTopics from "./ReferenceTopics.js"
import * as Run from "./Run.js"
import type { RunControl } from "./RunControl.js"
import * as RunMetrics from "./RunMetrics.js"
import type { RunState, Summary } from "./RunState.js"
import * as StdoutTarget from "./StdoutTarget.js"
import * as Transactions from "./Transactions.js"
import { TruthLog } from "./TruthLog.js"

/**
 * The config loaded, the schema id resolved (a registry format), topics checked or created: the
 * producer, and how its records' values are written.
 */
export const connect = (options: Cli.RunOptions) =>
  Effect.gen(function* () {
    const config = yield* Transactions.configFor(
      yield* KafkaConfig.loadForApp({ configFile: options.configFile, flags: options.kafka }),
      options,
    )
    const values = yield* RecordValues.prepare(options, config)
    yield* Effect.logInfo(`connecting to ${KafkaConfig.describe(config)}`)
    yield* Effect.scoped(
      Effect.gen(function* () {
        const admin = yield* KafkaAdmin.make(config)
        if (options.createTopic) {
          const { created } = yield* admin.ensureTopic({
            topic: options.topic,
            partitions: options.partitions,
            replicationFactor: options.replicationFactor,
          })
          if (created)
            yield* Effect.logInfo(
              `created topic ${options.topic} (${options.partitions} partitions, replication factor ` +
                `${options.replicationFactor})`,
            )
        } else if (!(yield* admin.topicExists(options.topic))) {
          return yield* new Flags.UsageError({
            flag: "--topic",
            reason:
              `topic "${options.topic}" does not exist: pass --create-topic (with ` +
              `--partitions and --replication-factor) to create it`,
          })
        }
        if (options.referenceTopics !== undefined)
          yield* ReferenceTopics.ensure(admin, options.referenceTopics, options)
      }),
    )
    const producer = yield* KafkaProducer.make(config).pipe(
      Effect.mapError((error) => (config.idempotent ? idempotenceRefused(error, options.topic) : error)),
    )
    return { producer, values }
  })

/**
 * The idempotent producer's id refused (CLUSTER_AUTHORIZATION_FAILED on InitProducerId): Kafka 3+
 * grants it to credentials that may WRITE to some topic, so what is missing is WRITE on this one.
 */
const idempotenceRefused = <E>(error: E, topic: string) =>
  error instanceof KafkaError.KafkaAuthorizationError && error.action === undefined
    ? new KafkaError.KafkaAuthorizationError({
        reason: error.reason,
        action: `produce to topic "${topic}" as an idempotent producer`,
        needs:
          "the credentials lack a WRITE ACL on the topic, which Kafka 3+ checks for a producer id " +
          "(IDEMPOTENT_WRITE on the cluster before); if they may write but not idempotently, set " +
          "enable.idempotence=false in the --config file",
        cause: error,
      })
    : error

/** Kafka as the run's target: connected, topics checked, reference data written first when asked. */
const kafkaTarget = (options: Cli.RunOptions, catalog: Catalog.Catalog, seed: string) =>
  Effect.gen(function* () {
    const { producer, values } = yield* connect(options)
    if (options.entityChanges !== undefined && producer.config.transactionalId !== undefined)
      return yield* new Flags.UsageError({
        flag: "--transactional-id",
        reason:
          "changing reference data is written outside transactions: drop --entity-changes and the rates",
      })
    if (options.referenceTopics !== undefined)
      yield* ReferenceTopics.write(
        producer,
        options.referenceTopics,
        catalog,
        options.customers,
        values.entities,
        // No later than any event time, late events included: a temporal join finds every entity.
        (options.startTime ?? Date.now()) - (options.late?.maxMs ?? 0),
      )
    const changes =
      options.entityChanges === undefined || options.referenceTopics === undefined
        ? undefined
        : yield* ReferenceChanges.start(producer, options.referenceTopics, values.entities)
    const target =
      producer.config.transactionalId === undefined
        ? DeliveryTarget.kafka(producer, options.topic)
        : Transactions.target(producer, options.topic, options.transactions, seed)
    return { target, values: values.events, changes }
  })

/** --truth: the file is opened (emptied) before anything connects, so a bad path fails at once. */
const openTruth = (options: Cli.RunOptions, catalog: Catalog.Catalog) =>
  Effect.try({
    try: () =>
      options.truth === undefined
        ? undefined
        : new TruthLog(
            options.truth.file,
            options.truth.windowMs,
            (id) => catalog.find(id)?.category,
            options.entityChanges !== undefined,
          ),
    catch: (error) =>
      new Flags.UsageError({
        flag: "--truth",
        reason: `cannot write ${options.truth?.file}: ${(error as Error).message}`,
      }),
  })

/** What the caller gives a run: its control, its state, and what to do the moment it has its summary. */
export interface Hooks {
  readonly control: RunControl
  readonly state: RunState
  /** A worker of --workers: the dead-letter file is shared, emptied by the parent. */
  readonly appendDeadLetters?: boolean
  /** Sees each batch's outcome once it is counted (a worker of --workers reports them). */
  readonly answered?: (outcome: DeliveryTarget.Outcome) => Effect.Effect<void>
  /** Called with the summary before the producer closes: a forced stop need not wait for that. */
  readonly ended: (summary: Summary) => Effect.Effect<void>
}

/** The seed given, or a new one, logged so that the stream can be reproduced. */
export const seedOf = (options: Cli.RunOptions) =>
  Effect.gen(function* () {
    if (options.seed !== undefined) return options.seed
    const seed = String(Math.floor(Math.random() * 2 ** 31))
    yield* Effect.logInfo(`seed ${seed} (pass --seed ${seed} to reproduce this stream)`)
    return seed
  })

/** The instance label of one of several instances. */
export const instanceLabel = (options: Cli.RunOptions): { instance?: string } =>
  options.instance === undefined ? {} : { instance: `${options.instance.index}/${options.instance.of}` }

/** What the generator is told by the command line. */
const generatorOptions = (options: Cli.RunOptions): EventGenerator.Options => ({
  mode: options.mode,
  customers: options.customers,
  products: options.products,
  pacing: options.pacing,
  ...(options.profile === undefined ? {} : { profile: options.profile, timeZone: options.timeZone }),
  ...(options.late === undefined ? {} : { late: options.late }),
  duplicateRate: options.duplicateRate,
  anomalies: options.anomalies,
  clock: options.startTime === undefined ? EventClock.wall() : EventClock.simulated(options.startTime),
  ...(options.instance === undefined ? {} : { instance: options.instance }),
  deviceTypes: options.schemaVersion === "2",
  ...(options.entityChanges === undefined ? {} : { entityChanges: options.entityChanges }),
})

/** --metrics-port: the run's metrics published every second; the effect returned publishes the last. */
const publishMetrics = (options: Cli.RunOptions, target: DeliveryTarget.DeliveryTarget, state: RunState) =>
  Effect.gen(function* () {
    const labels = { topic: options.topic, client: target.client ?? "none", ...instanceLabel(options) }
    const publish = RunMetrics.publisher(labels, options.pacing)
    if (options.metrics === undefined) return Effect.void
    yield* Effect.forkScoped(
      Effect.suspend(() => publish(state.figures)).pipe(
        Effect.repeat(Schedule.spaced("1 second")),
        Effect.delay("1 second"),
      ),
    )
    return Effect.suspend(() => publish(state.figures))
  })

/** One producer run, from parsed options to its summary. */
export const runStream = (options: Cli.RunOptions, hooks: Hooks) =>
  Effect.gen(function* () {
    const { control, state } = hooks
    const seed = yield* seedOf(options)
    const generator = yield* EventGenerator.makeSeeded(seed, generatorOptions(options))
    const truth = yield* openTruth(options, generator.catalog)
    // A dry run writes NDJSON whatever the format: no registry is needed, the stream stays comparable.
    const { target, values, changes } = options.dryRun
      ? { target: StdoutTarget.make(), values: undefined, changes: undefined }
      : yield* kafkaTarget(options, generator.catalog, seed)
    const deadLetters =
      options.deadLetterFile === undefined
        ? undefined
        : DeadLetterFile.open(options.deadLetterFile, hooks.appendDeadLetters)
    yield* Effect.addFinalizer(() => Effect.sync(() => deadLetters?.close()))
    yield* Effect.logInfo(startLine(options, target))
    const progress = yield* Effect.forkChild(
      Output.progress(state, options.progress && !options.dryRun, target.latency),
    )
    const publishLast = yield* publishMetrics(options, target, state)
    control.begin()
    const summary = yield* Run.run({
      target,
      topic: options.topic,
      seed,
      ...instanceLabel(options),
      ...(values === undefined ? {} : { values }),
      schemaVersion: options.schemaVersion,
      generator,
      state,
      control,
      drainTimeout: target.drainTimeout,
      pacer: Run.pacerOptions({
        pacingIsMax: options.pacing._tag === "Max",
        startTime: options.startTime,
        count: options.count,
        durationMs: options.durationMs,
        maxGroup: target.maxGroup,
      }),
      consumers: [
        ...(deadLetters === undefined ? [] : [DeadLetterFile.consumer(deadLetters, state)]),
        ...(options.print === undefined ? [] : [EventPrinter.make(options.print)]),
        ...(truth === undefined ? [] : [truth.consumer]),
        ...(hooks.answered === undefined ? [] : [hooks.answered]),
      ],
      observers: [
        ...(truth === undefined ? [] : [truth.generated]),
        ...(changes === undefined ? [] : [changes.observe]),
      ],
    })
    yield* Fiber.interrupt(progress)
    yield* publishLast
    if (truth !== undefined) {
      truth.finish()
      yield* Effect.logInfo(`truth: ${truth.windows} windows in ${truth.path}`)
    }
    const ended = changes === undefined ? summary : { ...summary, referenceChanges: yield* changes.finish }
    yield* hooks.ended(ended)
    return ended
  })

export const startLine = (options: Cli.RunOptions, target: DeliveryTarget.DeliveryTarget) =>
  `streaming ${options.mode} events to ${target.description}: ${Pacing.describe(options.pacing)}` +
  (options.profile === undefined ? "" : `, profile ${options.profile.name} (${options.timeZone})`) +
  (options.count !== undefined ? `, ${options.count} events` : "") +
  (options.durationMs !== undefined ? `, for ${Duration.format(Duration.millis(options.durationMs))}` : "") +
  (options.startTime !== undefined ? `, event time from ${new Date(options.startTime).toISOString()}` : "") +
  (options.count === undefined && options.durationMs === undefined ? " until Ctrl-C" : "")
