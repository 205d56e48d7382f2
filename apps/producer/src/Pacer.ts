/**
 * Pacing in real time without a timer per event: each tick releases, in one group, every event
 * whose due time has passed, then sleeps until the next one is due. Due times are the running sum
 * of the drawn pauses, so the rate holds on average even when a tick comes late.
 */
import type { EventGenerator } from "@customer-events/events"
import { Clock, Deferred, Effect, Option, Stream } from "effect"

export interface PacerOptions {
  /** Sleep until events are due (live runs); false: release at full speed (rate max, backfills). */
  readonly realTime: boolean
  /** Most events released in one group. */
  readonly maxGroup: number
  readonly count?: number | undefined
  readonly durationMs?: number | undefined
  /** The duration counts event time (the drawn pauses) rather than wall time: backfills. */
  readonly durationIsEventTime: boolean
  /**
   * Checked before every group: generation stops at once when it is done. (Interrupting the stream
   * from outside is not enough: a pull that never sleeps, at full speed, always wins that race.)
   */
  readonly stop?: Deferred.Deferred<void> | undefined
}

/**
 * The shortest sleep between groups. Sleeping to each event's exact due time would wake the pacer
 * once per event at low rates; a few ms per group costs nothing in realism and a lot less CPU.
 */
export const minimumTickMs = 4

export type StopReason = "count" | "duration"

/**
 * The paced stream of event groups. `onEnd` learns why it ended by itself (count or duration);
 * a stop signal ends it from outside (the caller's interruptWhen).
 */
export const stream = (
  generator: EventGenerator.EventGenerator,
  options: PacerOptions,
  onEnd: (reason: StopReason) => void = () => {},
): Stream.Stream<EventGenerator.Batch> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const startedAt = yield* Clock.currentTimeMillis
      let nextDueMs = 0
      let released = 0
      const end = (reason: StopReason) =>
        Effect.sync(() => onEnd(reason)).pipe(Effect.zipRight(Effect.fail(Option.none())))

      const tick = Effect.gen(function* () {
        if (options.stop !== undefined && (yield* Deferred.isDone(options.stop)))
          return yield* Effect.fail(Option.none())
        if (options.count !== undefined && released >= options.count) return yield* end("count")
        let elapsed = (yield* Clock.currentTimeMillis) - startedAt
        if (options.realTime && nextDueMs > elapsed) {
          yield* Effect.sleep(Math.max(minimumTickMs, Math.ceil(nextDueMs - elapsed)))
          elapsed = (yield* Clock.currentTimeMillis) - startedAt
        }
        const budgetMs = options.realTime ? elapsed - nextDueMs : Number.POSITIVE_INFINITY
        if (options.durationMs !== undefined) {
          const spent = options.durationIsEventTime ? nextDueMs : elapsed
          if (spent >= options.durationMs) return yield* end("duration")
        }
        const withinMs =
          options.durationMs !== undefined && options.durationIsEventTime
            ? Math.min(budgetMs, options.durationMs - nextDueMs - 1e-9)
            : budgetMs
        const max = Math.min(
          options.maxGroup,
          options.count === undefined ? Number.MAX_SAFE_INTEGER : options.count - released,
        )
        const batch = generator.take(max, withinMs)
        nextDueMs += batch.spanMs
        released += batch.events.length
        return batch
      })
      return Stream.repeatEffectOption(tick)
    }),
  )
