#!/usr/bin/env bun
/**
 * customer-events inspector: reads a topic back (to its high watermarks, or live with --follow),
 * checks every record and the stream's invariants, and reports. Built only on the public exports
 * of @customer-events/events and @customer-events/kafka.
 */
import { Failure, Flags, Logging, Terminal } from "@customer-events/cli"
import { KafkaConfig, KafkaConsumer, quietKafkaJsTimerWarnings } from "@customer-events/kafka"
import { Deferred, Effect, Exit, Schedule, Stream } from "effect"
import * as Cli from "./Cli.js"
import { Inspection } from "./Inspection.js"
import { reportText } from "./ReportText.js"

const inspect = (options: Cli.Options, stop: Deferred.Deferred<void>) =>
  Effect.gen(function* () {
    const config = yield* KafkaConfig.loadForApp({ configFile: options.configFile, flags: options.kafka })
    const consumer = yield* KafkaConsumer.make(config)
    const inspection = new Inspection({
      topic: options.topic,
      mode: options.mode,
      start: options.fromTime === undefined ? "beginning" : "time",
      expected: options.expected,
      truth: options.truth,
    })
    let records: Stream.Stream<KafkaConsumer.ConsumedRecord, unknown>
    let ranges: ReadonlyArray<KafkaConsumer.PartitionRange> = []
    if (options.follow) {
      yield* Effect.logInfo(`following ${options.topic} on ${config.brokers.join(",")} until Ctrl-C`)
      records = consumer.follow({
        topic: options.topic,
        groupId: `customer-events-inspector-${Date.now().toString(36)}`,
        fromBeginning: true,
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
      records = consumer.readRanges(options.topic, ranges)
    }
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
      Stream.runForEach((record) => Effect.sync(() => inspection.add(record))),
    )
    if (options.progress) yield* Effect.raceFirst(read, Effect.zipRight(progress, Effect.never))
    else yield* read
    return inspection.report(ranges)
  })

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const command = Flags.parseCommand(() => Cli.parse(argv, process.env))
  if (command === undefined) return 2
  if (command._tag === "Help") {
    process.stdout.write(Cli.help)
    return 0
  }
  const options = command.options
  const stop = Effect.runSync(Deferred.make<void>())
  // Ctrl-C: stop reading and report what was read so far; a second one exits at once.
  let signals = 0
  const onSignal = () => {
    if (++signals > 1) process.exit(130)
    Deferred.unsafeDone(stop, Exit.void)
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  const exit = await Effect.runPromiseExit(
    Effect.scoped(inspect(options, stop)).pipe(
      Effect.provide(Logging.layer(options.logFormat, options.logLevel)),
    ),
  )
  if (Exit.isSuccess(exit)) {
    const report = exit.value
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
    else process.stdout.write(reportText(report))
    return report.sound ? 0 : 1
  }
  Terminal.writeLine(`error: ${Failure.oneLine(exit.cause)}`)
  return 2
}

quietKafkaJsTimerWarnings()
process.exitCode = await main(process.argv.slice(2))
process.exit()
