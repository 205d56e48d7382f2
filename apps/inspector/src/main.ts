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
import { Inspection, type Report } from "./Inspection.js"

const formatCount = (n: number) => n.toLocaleString("en-US")

const inspect = (options: Cli.Options, stop: Deferred.Deferred<void>) =>
  Effect.gen(function* () {
    const { config, unknownKeys } = yield* KafkaConfig.load({
      configFile: options.configFile,
      flags: options.kafka,
    })
    if (unknownKeys.length > 0)
      yield* Effect.logWarning(
        `${options.configFile}: ignoring keys this client does not use: ${unknownKeys.join(", ")}`,
      )
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
        `reading ${formatCount(total)} records of ${options.topic} (${ranges.map((r) => `p${r.partition} ${r.from}..${r.to}`).join(", ")})`,
      )
      // The very ranges reported are the ones read.
      records = consumer.readRanges(options.topic, ranges)
    }
    const progress = Effect.sync(() =>
      Terminal.showStatus(
        `read ${formatCount(inspection.count)} | findings ${formatCount(inspection.findings)}`,
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

const printReport = (report: Report) => {
  const lines = [
    `${report.sound ? "SOUND" : "NOT SOUND"}: ${formatCount(report.records)} records of ${report.topic}, ${formatCount(report.valid)} valid, ${formatCount(report.invalid)} invalid, ${formatCount(Object.values(report.violations).reduce((a, b) => a + b, 0))} violations, ${formatCount(report.duplicates)} duplicates`,
    `mode: ${report.mode}${report.modeDetected ? " (detected)" : ""}${report.note ? ` (${report.note})` : ""}`,
    `by type: ${Object.entries(report.byType)
      .map(([type, n]) => `${type} ${formatCount(n)}`)
      .join(", ")}`,
  ]
  if (report.eventTime !== null)
    lines.push(
      `event time: ${report.eventTime.first} .. ${report.eventTime.last}${report.eventsPerSecond === null ? "" : ` (${report.eventsPerSecond.toFixed(1)} events/s)`}`,
    )
  const { lateness } = report
  lines.push(
    `lateness: ${formatCount(lateness.records)} records older than the newest before them in their partition` +
      (lateness.records === 0
        ? ""
        : ` (by ${formatCount(lateness.meanMs)} ms on average, ${formatCount(lateness.maxMs)} ms at most)`),
  )
  const anomalies = Object.entries(report.anomalies)
  if (anomalies.length > 0)
    lines.push(`anomaly headers: ${anomalies.map(([kind, n]) => `${kind} ${formatCount(n)}`).join(", ")}`)
  if (report.expected !== undefined)
    lines.push(
      `expected from the run's summary: ${formatCount(report.expected.late)} late, ${formatCount(report.expected.duplicatesInjected)} duplicates (found ${formatCount(report.duplicates)})`,
    )
  if (report.truth !== undefined)
    lines.push(
      `truth: ${report.truth.difference === undefined ? `matches the topic in all ${formatCount(report.truth.windows)} windows` : `DIFFERS: ${report.truth.difference}`}` +
        (report.truth.later === 0
          ? ""
          : ` (${report.truth.later} later windows of the topic not in the truth yet)`),
    )
  lines.push(
    `violations: ${Object.entries(report.violations)
      .map(([kind, n]) => `${kind} ${formatCount(n)}`)
      .join(", ")}`,
  )
  const listing = (
    title: string,
    findings: ReadonlyArray<{ partition: number; offset: string; path: string; reason: string }>,
  ) => {
    if (findings.length === 0) return
    lines.push(`${title}:`)
    for (const f of findings)
      lines.push(`  partition ${f.partition} offset ${f.offset}: ${f.path}: ${f.reason}`)
  }
  listing(`invalid records (first ${report.invalidRecords.length})`, report.invalidRecords)
  listing(`violations (first ${report.violationExamples.length})`, report.violationExamples)
  listing(`duplicates (first ${report.duplicateExamples.length})`, report.duplicateExamples)
  process.stdout.write(`${lines.join("\n")}\n`)
}

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
    else printReport(report)
    return report.sound ? 0 : 1
  }
  Terminal.writeLine(`error: ${Failure.oneLine(exit.cause)}`)
  return 2
}

quietKafkaJsTimerWarnings()
process.exitCode = await main(process.argv.slice(2))
process.exit()
