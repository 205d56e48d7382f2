/**
 * Transactions taking turns on a transactional producer's clients (each its own transactional id,
 * see laneConfig): one transaction's commit overlaps the next one's records, where one client would
 * wait for each commit (and for its markers) before it could start the next. Order holds: a
 * transaction's records are sent only once the previous transaction's are acknowledged, so each
 * partition's log keeps the order of the calls; and a client starts its next transaction only once
 * its previous one ended.
 */
import { Deferred, Effect } from "effect"
import type { ProducerRecord } from "./records.js"
import type { SendInTransaction, Transact } from "./transactions.js"

/**
 * Each call is a turn, taken when it is made (not when its effect runs): calls must be run in the
 * order they were made, as a stream's mapEffect does; a call never run would hold up the next.
 */
export const takingTurns = (clients: ReadonlyArray<SendInTransaction>): Transact => {
  let previousSent: Effect.Effect<void> = Effect.void
  const previousEnded: Array<Effect.Effect<void>> = clients.map(() => Effect.void)
  let next = 0
  return <R extends ProducerRecord>(
    topic: string,
    records: ReadonlyArray<R>,
    commit: boolean,
    abandon?: Parameters<Transact>[3],
  ) => {
    const turn = next
    next = (next + 1) % clients.length
    const [sent, ended] = [Deferred.makeUnsafe<void>(), Deferred.makeUnsafe<void>()]
    const [afterSent, afterEnded] = [previousSent, previousEnded[turn]!]
    previousSent = Deferred.await(sent)
    previousEnded[turn] = Deferred.await(ended)
    return Effect.gen(function* () {
      yield* afterEnded
      yield* afterSent
      const step = yield* clients[turn]!(topic, records, abandon).pipe(
        Effect.ensuring(Deferred.succeed(sent, undefined)),
      )
      return step._tag === "Sent" ? yield* step.finish(commit) : step.outcome
    }).pipe(
      Effect.ensuring(Effect.andThen(Deferred.succeed(sent, undefined), Deferred.succeed(ended, undefined))),
    )
  }
}
