/**
 * A connected producer client and what its requests teach: each topic's partition count, and when
 * the client must start afresh. One request at a time goes through `request`, with its deadline.
 * This is the one module that decides restarts.
 */
import { Duration, Effect, Option } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { KafkaError } from "../KafkaError.js"
import { fencedOr, NoAnswer, producerStateTypes } from "./errorRules.js"
import type { InFlight } from "./inFlight.js"
import type { ProducerClient, ProducerIdentity } from "./ProducerClient.js"
import type { PartitionBatch } from "./partitioner.js"

/**
 * One request's answer: the batches Kafka acknowledged (with their base offset), and the error of the others.
 */
export interface RequestAnswer {
  readonly acknowledged: ReadonlyArray<readonly [PartitionBatch, string]>
  readonly error: KafkaError | undefined
}

export class ClientSession {
  /**
   * Why the next attempt must first restart the client (fresh connections and metadata), when set:
   * a broker stopped answering (a frozen process keeps its TCP connections open), or the producer id
   * must change: a batch was given up on at its delivery timeout and may still be in flight, or the
   * broker reported the idempotent producer's sequences out of step. Java's producer bumps its epoch
   * for the last two.
   */
  private restartReason: string | undefined
  /**
   * The identity the restart carries on with, taken when a request went unanswered: the records
   * sent again keep their producer id and sequence numbers, and the broker drops those it had
   * written. None when the producer id must change, or the client cannot hand it over.
   */
  private identity: ProducerIdentity | undefined
  /** The records of the request that went unanswered, to be sent again after the restart. */
  private unansweredRecords = 0
  /** Read once per topic: records are partitioned here, for every client alike. */
  private readonly partitionCounts = new Map<string, number>()
  /** A request gets an answer, or the client's own timeout error, within the request timeout. */
  private readonly requestDeadline: Duration.Duration

  constructor(
    private readonly config: KafkaConfig,
    private readonly client: ProducerClient,
    private readonly inFlight: InFlight,
  ) {
    this.requestDeadline = Duration.sum(config.requestTimeout, Duration.seconds(1))
  }

  /** A batch was given up on with `error`: at its delivery timeout its requests may still be in flight. */
  gaveUp(error: { readonly _tag: string }): void {
    // Its records are failed, never sent again.
    this.unansweredRecords = 0
    if (this.config.idempotent && error._tag === "KafkaTimeoutError")
      this.mustRestart("a batch was given up on at its delivery timeout", undefined)
  }

  /**
   * Restarts the client when a request taught it must; answers how many records now go out again
   * under a new producer id, where a copy the broker had written can no longer be recognised.
   */
  readonly restartIfNeeded: Effect.Effect<number, KafkaError> = Effect.suspend(() => {
    const reason = this.restartReason
    if (reason === undefined) return Effect.succeed(0)
    const identity = this.identity
    return this.client.restart(identity).pipe(
      Effect.flatMap(() => {
        const resent = this.config.idempotent && identity === undefined ? this.unansweredRecords : 0
        this.restartReason = undefined
        this.identity = undefined
        this.unansweredRecords = 0
        const kept = identity === undefined ? "new producer id" : "same producer id"
        return Effect.as(
          Effect.logWarning(`restarted the kafka producer (${kept}, fresh metadata): ${reason}`),
          resent,
        )
      }),
    )
  })

  /** A later reason wins; a producer id that must change stays changed. */
  private mustRestart(reason: string, identity: ProducerIdentity | undefined): void {
    this.identity = this.restartReason === undefined || this.identity !== undefined ? identity : undefined
    this.restartReason = reason
  }

  partitionCount(topic: string): Effect.Effect<number, KafkaError> {
    const known = this.partitionCounts.get(topic)
    if (known !== undefined) return Effect.succeed(known)
    return Effect.tryPromise({
      try: () => this.client.partitionCount(topic),
      catch: (cause) => this.client.classify(cause, { topic, unknownTopicRetriable: true }),
    }).pipe(Effect.tap((n) => (n > 0 ? Effect.sync(() => this.partitionCounts.set(topic, n)) : Effect.void)))
  }

  /** One request: a batch of each of several partitions; what Kafka acknowledged, and the first error. */
  request(topic: string, batches: ReadonlyArray<PartitionBatch>): Effect.Effect<RequestAnswer> {
    return Effect.gen({ self: this }, function* () {
      const sent = this.inFlight.track(this.client.send(topic, batches))
      const answers = yield* Effect.promise(() => sent).pipe(
        Effect.timeoutOption(this.requestDeadline),
        // Given up by the caller (deliver's abandon): closing need not wait for it either.
        Effect.onInterrupt(() => Effect.sync(() => this.inFlight.forget(sent))),
      )
      if (Option.isNone(answers)) {
        // Abandoned: its unacknowledged records are sent again, so closing need not wait for it.
        this.inFlight.forget(sent)
        for (const batch of batches) this.unansweredRecords += batch.records.length
        return {
          acknowledged: [],
          error: this.failed(topic, new NoAnswer(Duration.toMillis(this.config.requestTimeout))),
        }
      }
      const byPartition = new Map(batches.map((batch) => [batch.partition, batch]))
      const acknowledged: Array<readonly [PartitionBatch, string]> = []
      let failure: unknown
      for (const answer of answers.value) {
        if ("baseOffset" in answer) acknowledged.push([byPartition.get(answer.partition)!, answer.baseOffset])
        else {
          failure ??= answer.error
          // A client's own deadline for a call that hung (kafkajs, a call per partition).
          if (answer.error instanceof NoAnswer)
            this.unansweredRecords += byPartition.get(answer.partition)!.records.length
        }
      }
      return { acknowledged, error: failure === undefined ? undefined : this.failed(topic, failure) }
    })
  }

  /** The client's error, classified; one that leaves the producer's state unusable restarts it. */
  private failed(topic: string, cause: unknown): KafkaError {
    if (cause instanceof NoAnswer)
      this.mustRestart("a broker did not answer within the request timeout", this.client.identity())
    const error = this.client.classify(cause, { topic, unknownTopicRetriable: true })
    // Fenced: a newer producer has the transactional id; a restart would fence it in turn.
    // (CONCURRENT_TRANSACTIONS: retried.)
    if (this.config.transactionalId !== undefined) {
      const fenced = fencedOr(this.config.transactionalId, error)
      if (fenced !== error) return fenced
    }
    if (this.config.idempotent && error._tag === "KafkaRequestError" && producerStateTypes.has(error.code))
      this.mustRestart("the idempotent producer's sequences went out of step", undefined)
    return error
  }
}
