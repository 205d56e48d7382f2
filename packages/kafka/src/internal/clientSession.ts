/**
 * A connected producer client and what its requests teach: each topic's partition count, and when
 * the client must start afresh. One request at a time goes through `request`, with its deadline.
 */
import { Duration, Effect, Option } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import { KafkaConnectionError, type KafkaError } from "../KafkaError.js"
import { noAnswer, producerStateTypes } from "./classify.js"
import type { InFlight } from "./inFlight.js"
import type { ProducerClient } from "./ProducerClient.js"
import type { PartitionBatch } from "./partitioner.js"

export class ClientSession {
  /**
   * Why the next attempt must first restart the client (a new producer id, fresh metadata), when
   * set: a batch was given up on at its delivery timeout and may still be in flight, the broker
   * reported the idempotent producer's sequences out of step, or a broker stopped answering (a
   * frozen process keeps its TCP connections open). Java's producer bumps its epoch for the same.
   */
  private restartReason: string | undefined
  /** Read once per topic: records are partitioned here, for every client alike. */
  private readonly partitionCounts = new Map<string, number>()
  /** A request gets an answer, or the client's own timeout error, within the request timeout. */
  private readonly requestDeadline: Duration.Duration

  constructor(
    private readonly config: KafkaConfig,
    private readonly client: ProducerClient,
    private readonly inFlight: InFlight,
  ) {
    this.requestDeadline = Duration.sum(config.requestTimeout, "1 second")
  }

  restartBeforeNextAttempt(reason: string): void {
    this.restartReason = reason
  }

  readonly restartIfNeeded: Effect.Effect<void, KafkaError> = Effect.suspend(() => {
    const reason = this.restartReason
    if (reason === undefined) return Effect.void
    return this.client.restart.pipe(
      // At start-up a cluster that cannot be reached is fatal (exit 2); mid-run it is one more
      // reason to retry, until the delivery timeout, as the brokers may be coming back.
      Effect.mapError((error) =>
        error._tag === "KafkaConnectionError" && !error.retriable
          ? new KafkaConnectionError({
              broker: error.broker,
              reason: error.reason,
              retriable: true,
              cause: error,
            })
          : error,
      ),
      Effect.tap(() => {
        this.restartReason = undefined
        return Effect.logWarning(`restarted the kafka producer (new producer id, fresh metadata): ${reason}`)
      }),
    )
  })

  partitionCount(topic: string): Effect.Effect<number, KafkaError> {
    const known = this.partitionCounts.get(topic)
    if (known !== undefined) return Effect.succeed(known)
    return Effect.tryPromise({
      try: () => this.client.partitionCount(topic),
      catch: (cause) => this.client.classify(cause, { topic, unknownTopicRetriable: true }),
    }).pipe(Effect.tap((n) => (n > 0 ? Effect.sync(() => this.partitionCounts.set(topic, n)) : Effect.void)))
  }

  /** One request: a batch of each of several partitions; `acknowledged` learns each base offset. */
  request(
    topic: string,
    batches: ReadonlyArray<PartitionBatch>,
    acknowledged: (batch: PartitionBatch, baseOffset: string) => void,
  ): Effect.Effect<void, KafkaError> {
    return Effect.gen(this, function* () {
      const byPartition = new Map(batches.map((batch) => [batch.partition, batch]))
      let failure: unknown
      const sent = this.inFlight.track(
        this.client
          .send(topic, batches, (partition, offset) => acknowledged(byPartition.get(partition)!, offset))
          .catch((cause: unknown) => {
            failure = cause
          }),
      )
      const answered = yield* Effect.promise(() => sent).pipe(
        Effect.timeoutOption(this.requestDeadline),
        // Given up by the caller (deliver's abandon): closing need not wait for it either.
        Effect.onInterrupt(() => Effect.sync(() => this.inFlight.forget(sent))),
      )
      if (Option.isNone(answered)) {
        // Abandoned: its unacknowledged records are sent again, so closing need not wait for it.
        this.inFlight.forget(sent)
        this.restartReason = "a broker did not answer within the request timeout"
        return yield* Effect.fail(noAnswer(Math.round(Duration.toMillis(this.config.requestTimeout))))
      }
      if (failure === undefined) return
      const error = this.client.classify(failure, { topic, unknownTopicRetriable: true })
      if (this.config.idempotent && error._tag === "KafkaRequestError" && producerStateTypes.has(error.code))
        this.restartReason = "the idempotent producer's sequences went out of step"
      return yield* Effect.fail(error)
    })
  }
}
