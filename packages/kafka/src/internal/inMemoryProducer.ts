/**
 * The in-memory producer: the real batching and in-flight limits over a log in memory, for testing
 * stream logic without a broker. It never replaces the tests against the real broker.
 */
import { Duration, Effect } from "effect"
import * as KafkaConfig from "../KafkaConfig.js"
import type { KafkaConfigError, KafkaError } from "../KafkaError.js"
import type { Service } from "../KafkaProducer.js"
import { fromSendBatch } from "./fromSendBatch.js"
import type { ProducerRecord, SendBatch } from "./records.js"
import { makeSendInTransaction, withoutId } from "./transactions.js"
import { takingTurns } from "./transactionTurns.js"

/** What an in-memory producer holds: every acknowledged record, by topic, in order. */
export interface InMemoryLog {
  readonly records: Array<{ readonly topic: string; readonly record: ProducerRecord }>
}

export interface InMemoryOptions {
  readonly config?: KafkaConfig.Settings
  /** Time each batch takes to be acknowledged (it sleeps on the Effect clock, so TestClock drives it). */
  readonly latency?: Duration.Input
  /** Decides a batch's fate: an error fails it (after `retries` attempts), undefined delivers it. */
  readonly fail?: (records: ReadonlyArray<ProducerRecord>) => KafkaError | undefined
  readonly log?: InMemoryLog
}

/**
 * An in-memory producer with the real batching and in-flight limits, for testing stream logic
 * without a broker. It never replaces the tests against the real broker.
 */
export const makeInMemory = (options: InMemoryOptions = {}): Effect.Effect<Service, KafkaConfigError> =>
  Effect.map(Effect.fromResult(KafkaConfig.make(options.config ?? {})), (config) => {
    const log = options.log ?? { records: [] }
    const latency = Duration.fromInputUnsafe(options.latency ?? 0)
    const sendBatch: SendBatch = (topic, records, abandon) => {
      const latencyMs = Duration.toMillis(latency)
      const answer = Effect.gen(function* () {
        yield* Effect.sleep(latency)
        const error = options.fail?.(records)
        if (error !== undefined) return [{ _tag: "Failed" as const, records, error, retries: 0, latencyMs }]
        const offset = log.records.length
        for (const record of records) log.records.push({ topic, record })
        const metadata = records.map((_, i) => ({ partition: 0, offset: String(offset + i) }))
        return [{ _tag: "Delivered" as const, records, metadata, retries: 0, latencyMs }]
      })
      if (abandon === undefined) return answer
      return Effect.raceFirst(
        answer,
        Effect.map(abandon, (error) => [
          { _tag: "Failed" as const, records, error, retries: 0, latencyMs: 0 },
        ]),
      )
    }
    // Transactions as the log sees them: every record kept (as Kafka keeps aborted ones), no markers.
    const client = {
      begin: async () => {},
      claim: async () => {},
      end: async () => {},
      classify: (cause: unknown) => cause as KafkaError,
      restart: () => Effect.void,
    }
    const transactionalId = config.transactionalId
    const transact =
      transactionalId === undefined
        ? withoutId
        : takingTurns([makeSendInTransaction(config, client, sendBatch, transactionalId)])
    return { ...fromSendBatch(config, sendBatch), transact }
  })
