/**
 * A run in transactions (--transactional-id): the events in transactions of up to
 * --transaction-size events, or what came within --transaction-interval, one after another through
 * one producer; each drawn to commit or to be aborted on purpose (--abort-rate, TransactionFate)
 * before it starts. An instance's transactional id is the given one with "-I" (--instance I/N, a
 * worker of --workers), stable across restarts so that a restarted producer fences its zombie.
 */
import { Flags } from "@customer-events/cli"
import { type EventRecord, TransactionFate } from "@customer-events/events"
import { type KafkaConfig, KafkaProducer } from "@customer-events/kafka"
import { Duration, Effect, Stream } from "effect"
import type { RunOptions } from "./Cli.js"
import * as DeliveryTarget from "./DeliveryTarget.js"
import { producerFlags } from "./ProducerFlags.js"
import { fraction } from "./Shaping.js"

export interface TransactionOptions {
  readonly size: number
  readonly intervalMs: number
  readonly abortRate: number
  /** The transaction flags given, for an error when there is no transactional id. */
  readonly given: ReadonlyArray<string>
}

type Given = { readonly [K in "transaction-size" | "transaction-interval" | "abort-rate"]?: string }

export const optionsOf = (v: Given): TransactionOptions => ({
  size: Flags.whole(
    "--transaction-size",
    v["transaction-size"] ?? producerFlags["transaction-size"].default,
    1,
    1_000_000,
  ),
  intervalMs: Flags.durationMs(
    "--transaction-interval",
    v["transaction-interval"] ?? producerFlags["transaction-interval"].default,
  ),
  abortRate: v["abort-rate"] === undefined ? 0 : fraction("--abort-rate", v["abort-rate"]),
  given: (["transaction-size", "transaction-interval", "abort-rate"] as const)
    .filter((flag) => v[flag] !== undefined)
    .map((flag) => `--${flag}`),
})

/**
 * The config an instance runs with: its own transactional id; a transaction flag without any
 * transactional id is a usage error.
 */
export const configFor = (config: KafkaConfig.KafkaConfig, options: RunOptions) =>
  Effect.gen(function* () {
    const id = config.transactionalId
    if (id === undefined) {
      const flag = options.transactions.given[0]
      if (flag !== undefined)
        return yield* new Flags.UsageError({
          flag,
          reason: "sets how transactions go: it needs --transactional-id ID (or transactional.id)",
        })
      return config
    }
    return options.instance === undefined
      ? config
      : { ...config, transactionalId: `${id}-${options.instance.index}` }
  })

/** Kafka as a run's target, in transactions of the run's size, interval and abort rate. */
export const target = (
  producer: KafkaProducer.Service,
  topic: string,
  options: TransactionOptions,
  seed: string,
): DeliveryTarget.DeliveryTarget => ({
  ...DeliveryTarget.kafka(producer, topic),
  description: `topic ${topic} in transactions (transactional id ${producer.config.transactionalId})`,
  deliver: (records, abandon) => {
    const fateOfNext = TransactionFate.drawer(seed, options.abortRate)
    return records.pipe(
      Stream.groupedWithin(options.size, Duration.millis(options.intervalMs)),
      Stream.mapEffect(
        (events: ReadonlyArray<EventRecord.Encoded>) => {
          const fate = fateOfNext()
          return producer.transact(topic, TransactionFate.mark(events, fate), fate === "commit", abandon)
        },
        { concurrency: KafkaProducer.transactionTurns },
      ),
    )
  },
})
