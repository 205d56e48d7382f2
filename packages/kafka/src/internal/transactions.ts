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

const failedTransaction = <R extends ProducerRecord>(
  records: ReadonlyArray<R>,
  error: DeliveryError,
  retries: number,
  started: number,
): BatchOutcome<R> => ({
  _tag: "Failed",
  records,
  error,
  retries,
  latencyMs: performance.now() - started,
  transaction: "failed",
})

/**
 * Without a transactional.id there is no transaction to start: kafkajs refuses one, and
 * @platformatic/kafka would make up a random id. Every call fails, its records unsent.
 */
export const withoutId: Transact = (_topic, records) =>
  Effect.succeed(
    failedTransaction(
      records,
      new KafkaRequestError({
        reason: "transactions need a transactional.id (--transactional-id, KAFKA_TRANSACTIONAL_ID)",
        code: "",
        retriable: false,
      }),
      0,
      performance.now(),
    ),
  )

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

/**
 * Takes a client's transactional id at once (retried as the coordinator's other calls): an older
 * producer of it is fenced now, not at this client's first transaction, which may come later.
 */
export const claimId = (
  config: KafkaConfig & { readonly transactionalId: string },
  client: Pick<ProducerClient, "claim" | "classify">,
  shownId: string,
): Effect.Effect<void, KafkaError> =>
  coordinatorCall(config, client.classify, (error) => fencedOr(shownId, error))(
    `taking transactional id "${config.transactionalId}"`,
    () => client.claim(),
  )

/** A transaction's first step: its records sent and acknowledged (`finish` ends it), or it ended (failed). */
export type Sent<R extends ProducerRecord> =
  | { readonly _tag: "Ended"; readonly outcome: BatchOutcome<R> }
  | { readonly _tag: "Sent"; readonly finish: (commit: boolean) => Effect.Effect<BatchOutcome<R>> }

/** Starts a transaction and sends its records (the first step; see transactionTurns.ts). */
export type SendInTransaction = <R extends ProducerRecord>(
  topic: string,
  records: ReadonlyArray<R>,
  abandon?: Effect.Effect<DeliveryAbandoned>,
) => Effect.Effect<Sent<R>>

/**
 * A transactional client's transactions, in two steps. Fencing is said in one line naming
 * `shownId` (the producer's id, which its clients' ids derive from); other errors as they are.
 */
export const makeSendInTransaction = (
  config: KafkaConfig,
  client: Pick<ProducerClient, "begin" | "end" | "classify" | "restart">,
  sendBatch: SendBatch,
  shownId: string,
): SendInTransaction => {
  const named = (error: KafkaError) => fencedOr(shownId, error)
  const call = coordinatorCall(config, client.classify, named)
  const begin = call("the start of a transaction", () => client.begin())
  const end = (commit: boolean) => call(commit ? "a commit" : "an abort", () => client.end(commit))
  // An end that failed for good leaves the transaction open at the coordinator: a fresh producer
  // of the id, at the next start, aborts it (and takes a new epoch).
  const abortQuietly = end(false).pipe(Effect.catch(() => Effect.ignore(client.restart(undefined))))

  return <R extends ProducerRecord>(
    topic: string,
    records: ReadonlyArray<R>,
    abandon?: Effect.Effect<DeliveryAbandoned>,
  ) =>
    Effect.gen(function* () {
      const started = performance.now()
      let retries = 0
      // Failed for good: aborted where it can be, its records all failed, said once.
      const given = (error: DeliveryError, abort: boolean): Effect.Effect<BatchOutcome<R>> => {
        const said = error._tag === "DeliveryAbandoned" ? error : named(error)
        const warning = `a transaction of ${records.length} records failed: ${error.message}`
        return (abort ? abortQuietly : Effect.void).pipe(
          Effect.andThen(Effect.logWarning(warning)),
          Effect.andThen(Effect.sync(() => failedTransaction(records, said, retries, started))),
        )
      }
      const ended = (outcome: BatchOutcome<R>): Sent<R> => ({ _tag: "Ended", outcome })
      const began = yield* Effect.result(begin)
      if (Result.isFailure(began)) return ended(yield* given(began.failure, false))
      const outcomes = yield* sendBatch(topic, records, abandon)
      for (const outcome of outcomes) retries += outcome.retries
      const refused = outcomes.find((outcome) => outcome._tag === "Failed")
      if (refused !== undefined) return ended(yield* given(refused.error, true))
      const metadata = outcomes.flatMap((outcome) => (outcome._tag === "Delivered" ? outcome.metadata : []))
      const finish = (commit: boolean): Effect.Effect<BatchOutcome<R>> =>
        Effect.flatMap(Effect.result(end(commit)), (result) =>
          Result.isFailure(result)
            ? given(result.failure, true)
            : Effect.succeed({
                _tag: "Delivered",
                records,
                metadata,
                retries,
                latencyMs: performance.now() - started,
                transaction: commit ? "committed" : "aborted",
              } satisfies BatchOutcome<R>),
        )
      return { _tag: "Sent", finish } satisfies Sent<R>
    })
}
