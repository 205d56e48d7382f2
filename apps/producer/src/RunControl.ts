/**
 * A run's control state, in one place: whether a stop was asked for, whether it is forced, and why
 * the run stopped. Everything that ends a run goes through here (the pacer reaching its count or
 * duration, a signal, a fatal delivery error); the first reason given is the one reported.
 */
import { Deferred, type Effect, Exit } from "effect"

export type StopReason = "count" | "duration" | "signal" | "error" | "forced"

export class RunControl {
  /** Completed when generation must stop at once (a signal or a fatal error). */
  private readonly stopRequested = Deferred.makeUnsafe<void>()
  /** Completed when in-flight events must be given up on now (a second Ctrl-C). */
  private readonly forceRequested = Deferred.makeUnsafe<void>()
  private reason: StopReason | undefined
  private errorMessage: string | undefined
  private begun = false

  /** The run has begun generating: from now on a stop drains and accounts for what is in flight. */
  begin(): void {
    this.begun = true
  }

  get running(): boolean {
    return this.begun
  }

  /** Generation ended by itself (the pacer's count or duration): in-flight batches finish normally. */
  ended(reason: "count" | "duration"): void {
    this.reason ??= reason
  }

  /** Stop generating now; in-flight batches get the drain timeout. */
  stop(reason: "signal" | "error", error?: string): void {
    if (this.reason === undefined) {
      this.reason = reason
      this.errorMessage = error
    }
    Deferred.doneUnsafe(this.stopRequested, Exit.void)
  }

  /** Stop now and give up on in-flight batches (they count as failed). */
  force(): void {
    this.reason = "forced"
    Deferred.doneUnsafe(this.stopRequested, Exit.void)
    Deferred.doneUnsafe(this.forceRequested, Exit.void)
  }

  readonly stopped: Effect.Effect<void> = Deferred.await(this.stopRequested)
  readonly forced: Effect.Effect<void> = Deferred.await(this.forceRequested)
  readonly isStopped: Effect.Effect<boolean> = Deferred.isDone(this.stopRequested)

  /** Why the run stopped; a run that ends without a reason was stopped from outside. */
  get stoppedBy(): StopReason {
    return this.reason ?? "signal"
  }

  get error(): string | undefined {
    return this.errorMessage
  }
}
