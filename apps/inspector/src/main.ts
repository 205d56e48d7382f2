#!/usr/bin/env bun
/**
 * customer-events inspector: reads a topic back (to its high watermarks, or live with --follow),
 * checks every record and the stream's invariants, and reports. Built only on the public exports
 * of @customer-events/events and @customer-events/kafka.
 */
import { Failure, Flags, Logging, Main, Terminal } from "@customer-events/cli"
import { EventFormat } from "@customer-events/events"
import { KafkaConfig, KafkaConsumer, quietKafkaJsTimerWarnings, SchemaRegistry } from "@customer-events/kafka"
import { Deferred, Effect, Exit, Fiber, Option, Schedule, Stream } from "effect"
import * as Cli from "./Cli.js"
import { Inspection } from "./Inspection.js"
import type { Report } from "./InspectionReport.js"
import { ReferenceCheck } from "./ReferenceCheck.js"
import { reportText } from "./ReportText.js"
import { ValueDecoder } from "./ValueDecoder.js"

/** Values decoded through the registry when one is configured; JSON only otherwise. */
const decoderOf = (config: KafkaConfig.KafkaConfig) =>
  Option.isSome(config.schemaRegistry)
    ? Effect.map(SchemaRegistry.make(config.schemaRegistry.value), (registry) => new ValueDecoder(registry))
    : Effect.succeed(new ValueDecoder(undefined))

/**
 * What is read: the topic live (--follow), or every partition up to its last stable offset seen now
 * (its high watermark unless a transaction is open), with the isolation level asked for.
 */
const recordsOf = (consumer: KafkaConsumer.Service, options: Cli.Options, config: KafkaConfig.KafkaConfig) =>
  Effect.gen(function* () {
    let records: Stream.Stream<KafkaConsumer.ConsumedRecord, unknown>
    let ranges: ReadonlyArray<KafkaConsumer.PartitionRange> = []
    if (options.follow) {
      yield* Effect.logInfo(`following ${options.topic} on ${config.brokers.join(",")} until Ctrl-C`)
      records = consumer.follow({
        topic: options.topic,
        groupId: `customer-events-inspector-${Date.now().toString(36)}`,
        fromBeginning: true,
        isolation: options.isolation,
      })
    } else {
      ranges = yield* consumer.ranges({
        topic: options.topic,
        ...(options.fromTime === undefined ? {} : { fromTimestamp: options.fromTime }),
      })
      const total = ranges.reduce((n, r) => n + Number(BigInt(r.to) - BigInt(r.from)), 0)
      yield* Effect.logInfo(
        `reading ${Terminal.formatCount(total)} records of ${options.topic} ` +
          `(${ranges.map((r) => `p${r.partition} ${r.from}..${r.to}`).join(", ")})`,
      )
      // The very ranges reported are the ones read.
      records = consumer.readRanges(options.topic, ranges, options.isolation)
    }
    return { records, ranges }
  })

/** The versions of the topic's subject that the schemas met are, for the report. */
const findVersions = (decoder: ValueDecoder, config: KafkaConfig.KafkaConfig, topic: string) =>
  Option.match(config.schemaRegistry, {
    onNone: () => Effect.void,
    onSome: (registry) =>
      decoder.findVersions(SchemaRegistry.subjectOf(registry.subjectStrategy, topic, EventFormat.recordName)),
  })

/** --reference-topics: both topics read whole first, each entity's versions replayed. */
const referenceOf = (consumer: KafkaConsumer.Service, options: Cli.Options) =>
  Effect.gen(function* () {
    const topics = options.referenceTopics
    if (topics === undefined) return undefined
    const check = new ReferenceCheck()
    for (const [entity, topic] of [
      ["product", topics.products],
      ["customer", topics.customers],
    ] as const)
      yield* consumer
        .readToEnd({ topic })
        .pipe(Stream.runForEach((record) => Effect.sync(() => check.add(entity, record))))
    const read = check.report()
    yield* Effect.logInfo(
      `reference data: ${read.products} product and ${read.customers} customer versions ` +
        `(${topics.products}, ${topics.customers})`,
    )
    return check
  })

const inspect = (options: Cli.Options, stop: Deferred.Deferred<void>) =>
  Effect.gen(function* () {
    const config = yield* KafkaConfig.loadForApp({ configFile: options.configFile, flags: options.kafka })
    const decoder = yield* decoderOf(config)
    const consumer = yield* KafkaConsumer.make(config)
    const reference = yield* referenceOf(consumer, options)
    const inspection = new Inspection({
      reference,
      decoder,
      topic: options.topic,
      mode: options.mode,
      start: options.fromTime === undefined ? "beginning" : "time",
      expected: options.expected,
      truth: options.truth,
      isolation: options.isolation,
    })
    const { records, ranges } = yield* recordsOf(consumer, options, config)
    const progress = Effect.sync(() =>
      Terminal.showStatus(
        `read ${Terminal.formatCount(inspection.count)} | findings ` +
          `${Terminal.formatCount(inspection.findings)}`,
      ),
    ).pipe(
      Effect.repeat(Schedule.spaced("1 second")),
      Effect.delay("1 second"),
      Effect.ensuring(Effect.sync(Terminal.clearStatus)),
    )
    const read = records.pipe(
      options.max === undefined ? (s) => s : Stream.take(options.max),
      Stream.interruptWhen(Deferred.await(stop)),
      // The first record of a schema id waits for its schema; the others decode at once.
      Stream.runForEach((record) =>
        Effect.andThen(
          decoder.prepare(record),
          Effect.sync(() => inspection.add(record)),
        ),
      ),
    )
    if (options.progress) yield* Effect.raceFirst(read, Effect.andThen(progress, Effect.never))
    else yield* read
    yield* findVersions(decoder, config, options.topic)
    return inspection.report(ranges)
  })

/** The report printed and its exit code (0 sound, 1 findings), or 2 for a failure to read. */
const codeOf = (exit: Exit.Exit<Report, unknown>, options: Cli.Options): number => {
  if (Exit.isFailure(exit)) {
    Terminal.writeLine(`error: ${Failure.oneLine(exit.cause)}`)
    return 2
  }
  const report = exit.value
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  else process.stdout.write(reportText(report))
  return report.sound ? 0 : 1
}

/**
 * The inspection goes on in a fiber of its own. The first Ctrl-C interrupts the program (runMain):
 * reading stops and what was read so far is reported; a second one exits 130 at once.
 */
const main = (argv: ReadonlyArray<string>, exiting: Main.Exiting): Effect.Effect<number> =>
  Effect.gen(function* () {
    const command = Flags.parseCommand(() => Cli.parse(argv, process.env))
    if (command === undefined) return 2
    if (command._tag === "Help") {
      process.stdout.write(Cli.help)
      return 0
    }
    const options = command.options
    Main.onSecondSignal(() => process.exit(Main.interrupted))
    const stop = yield* Deferred.make<void>()
    const fiber = yield* Effect.forkDetach(
      Effect.scoped(inspect(options, stop)).pipe(
        Effect.provide(Logging.layer(options.logFormat, options.logLevel)),
      ),
    )
    return yield* Effect.map(Fiber.await(fiber), (exit) => codeOf(exit, options)).pipe(
      Effect.onInterrupt(() =>
        Deferred.succeed(stop, undefined).pipe(
          Effect.andThen(Fiber.await(fiber)),
          Effect.map((exit) => exiting.settle(codeOf(exit, options))),
        ),
      ),
    )
  })

quietKafkaJsTimerWarnings()
Main.run((exiting) => main(process.argv.slice(2), exiting))
