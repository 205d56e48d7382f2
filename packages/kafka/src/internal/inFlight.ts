/**
 * The client requests still awaiting an answer, so that closing the producer waits for them (up to
 * the drain timeout). Requests given up on (unanswered past their deadline, and sent again) are
 * forgotten: closing need not wait for a broker that stopped answering.
 */
import { Duration, Effect, Option } from "effect"

export class InFlight {
  private readonly requests = new Set<Promise<unknown>>()

  get size(): number {
    return this.requests.size
  }

  track<A>(request: Promise<A>): Promise<A> {
    this.requests.add(request)
    const forget = () => this.requests.delete(request)
    request.then(forget, forget)
    return request
  }

  forget(request: Promise<unknown>): void {
    this.requests.delete(request)
  }

  /** Waits for every tracked request, up to `timeout`; logs what is left unanswered. */
  drain(timeout: Duration.Duration): Effect.Effect<void> {
    return Effect.gen({ self: this }, function* () {
      if (this.requests.size === 0) return
      yield* Effect.logInfo(`waiting for ${this.requests.size} in-flight request(s) before disconnecting`)
      const drained = yield* Effect.promise(() => Promise.allSettled([...this.requests])).pipe(
        Effect.timeoutOption(timeout),
      )
      if (Option.isNone(drained))
        yield* Effect.logWarning(
          `in-flight requests still unanswered after the drain timeout (${Duration.format(timeout)})`,
        )
    })
  }
}
