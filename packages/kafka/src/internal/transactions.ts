/**
 * Transactions (transactional.id): a group of records sent in a transaction of its own through one
 * producer, then committed, or aborted on purpose, once every record is acknowledged. One outcome
 * per transaction, carrying all of its records: Delivered (committed or aborted), or Failed when a
 * record was not acknowledged or the end was refused (then aborted where it can be: a newer producer
 * of the same id aborts it anyway). Records of a failed transaction are never committed.
 */
import { Duration, Effect, Result } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import { isRetriable, type KafkaError, KafkaRequestError } from "../KafkaError.js"
import { fencedOr } from "./errorRules.js"
import type { ProducerClient } from "./ProducerClient.js"
import type { BatchOutcome, DeliveryAbandoned, DeliveryError, ProducerRecord, SendBatch } from "./records.js"
import { retrySchedule } from "./retry.js"

/** Sends the records in one transaction; commits it, or aborts it when `commit` is false. */
export type Transact = <R extends ProducerRecord>(
  topic: string,
  records: ReadonlyArray<R>,
  commit: boolean,
  abandon?: Effect.Effect<DeliveryAbandoned>,
) => Effect.Effect<BatchOutcome<R>>

/**
 * Without a transactional.id there is no transaction to start: kafkajs refuses one, and
 * @platformatic/kafka would make up a random id. Every call fails, its records unsent.
 */
const withoutId: Transact = (_topic, records) =>
  Effect.succeed({
    _tag: "Failed",
    records,
    error: new KafkaRequestError({
      reason: "transactions need a transactional.id (--transactional-id, KAFKA_TRANSACTIONAL_ID)",
      code: "",
      retriable: false,
    }),
    retries: 0,
    latencyMs: 0,
    transaction: "failed",
  })

/**
 * A call to the transaction coordinator, bounded by twice the request timeout; retried while a
 * coordinator loading or moving (a broker restarted) answers with retriable errors, up to the
 * delivery timeout.
 */
const coordinatorCall = (
  config: KafkaConfig,
  classify: ProducerClient["classify"],
  named: (error: KafkaError) => KafkaError,
) => {
  const timeout = Duration.toMillis(config.requestTimeout) * 2
  const schedule = retrySchedule(config.retry, config.deliveryTimeout)
  return (what: string, f: () => Promise<void>) =>
    Effect.tryPromise({ try: f, catch: (cause) => named(classify(cause)) }).pipe(
      Effect.timeoutOrElse({
        duration: Duration.millis(timeout),
        orElse: () =>
          Effect.fail(
            new KafkaRequestError({
              reason: `no answer to ${what} within ${timeout} ms`,
              code: "",
              retriable: false,
            }),
          ),
      }),
      Effect.retry({ schedule, while: isRetriable }),
    )
}

export const makeTransact = (
  config: KafkaConfig,
  client: Pick<ProducerClient, "begin" | "end" | "classify" | "restart">,
  sendBatch: SendBatch,
): Transact => {
  const transactionalId = config.transactionalId
  if (transactionalId === undefined) return withoutId
  // Fencing named in one line; other errors as they are.
  const named = (error: KafkaError) => fencedOr(transactionalId, error)
  const call = coordinatorCall(config, client.classify, named)
  const begin = call("the start of a transaction", () => client.begin())
  const end = (commit: boolean) => call(commit ? "a commit" : "an abort", () => client.end(commit))
  // An end that failed for good leaves the transaction open at the coordinator: a fresh producer
  // of the id, at the next start, aborts it (and takes a new epoch).
  const abortQuietly = end(false).pipe(Effect.catch(() => Effect.ignore(client.restart(undefined))))

  return <R extends ProducerRecord>(
    topic: string,
    records: ReadonlyArray<R>,
    commit: boolean,
    abandon?: Effect.Effect<DeliveryAbandoned>,
  ) =>
    Effect.gen(function* () {
      const started = performance.now()
      let retries = 0
      const failed = (error: DeliveryError): BatchOutcome<R> => ({
        _tag: "Failed",
        records,
        error: error._tag === "DeliveryAbandoned" ? error : named(error),
        retries,
        latencyMs: performance.now() - started,
        transaction: "failed",
      })
      // Failed for good: aborted where it can be, its records all failed, said once.
      const given = (error: DeliveryError, abort: boolean) =>
        (abort ? abortQuietly : Effect.void).pipe(
          Effect.andThen(
            Effect.logWarning(`a transaction of ${records.length} records failed: ${error.message}`),
          ),
          Effect.as(failed(error)),
        )
      const began = yield* Effect.result(begin)
      if (Result.isFailure(began)) return yield* given(began.failure, false)
      const outcomes = yield* sendBatch(topic, records, abandon)
      for (const outcome of outcomes) retries += outcome.retries
      const refused = outcomes.find((outcome) => outcome._tag === "Failed")
      if (refused !== undefined) return yield* given(refused.error, true)
      const ended = yield* Effect.result(end(commit))
      if (Result.isFailure(ended)) return yield* given(ended.failure, true)
      const metadata = outcomes.flatMap((outcome) => (outcome._tag === "Delivered" ? outcome.metadata : []))
      return {
        _tag: "Delivered",
        records,
        metadata,
        retries,
        latencyMs: performance.now() - started,
        transaction: commit ? "committed" : "aborted",
      } satisfies BatchOutcome<R>
    })
}
