/**
 * Pacing in real time without a timer per event: each tick releases, in one group, every event
 * whose due time has passed, then sleeps until the next one is due. Due times are the running sum
 * of the drawn pauses, so the rate holds on average even when a tick comes late.
 */
import type { EventGenerator } from "@customer-events/events"
import { Cause, Clock, Effect, Stream } from "effect"

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
   * Checked before every group: generation stops at once when it is true. (Interrupting the stream
   * from outside is not enough: a pull that never sleeps, at full speed, always wins that race.)
   */
  readonly isStopped?: Effect.Effect<boolean> | undefined
}

/**
 * The shortest sleep between groups. Sleeping to each event's exact due time would wake the pacer
 * once per event at low rates; a few ms per group costs nothing in realism and a lot less CPU.
 */
export const minimumTickMs = 4

export type StopReason = "count" | "duration"

/**
 * The paced stream of event groups. It tells `onEnd` why it ended by itself (count or duration);
 * a stop ends it from outside (`isStopped`, and the caller's interruptWhen).
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
      const stopped = options.isStopped ?? Effect.succeed(false)
      const end = (reason: StopReason) => Effect.sync(() => onEnd(reason)).pipe(Effect.andThen(Cause.done()))

      // --duration: in event time, the events due before it; in live pacing, the wall time, plus one
      // last group of the events already due before it (a late tick would otherwise drop them); at
      // full speed, wall time.
      let lastGroup = false
      const tick = Effect.gen(function* () {
        if (yield* stopped) return yield* Cause.done()
        if (options.count !== undefined && released >= options.count) return yield* end("count")
        const duration = options.durationMs
        if (duration !== undefined && (lastGroup || (options.durationIsEventTime && nextDueMs >= duration)))
          return yield* end("duration")
        let elapsed = (yield* Clock.currentTimeMillis) - startedAt
        if (options.realTime) {
          // Sleep until the next event is due, or until the duration is over if that comes first.
          const wakeAt = Math.min(nextDueMs, duration ?? Number.POSITIVE_INFINITY)
          if (wakeAt > elapsed) {
            yield* Effect.sleep(Math.max(minimumTickMs, Math.ceil(wakeAt - elapsed)))
            // A stop that came during the sleep ends generation before another batch is made.
            if (yield* stopped) return yield* Cause.done()
            elapsed = (yield* Clock.currentTimeMillis) - startedAt
          }
        }
        if (duration !== undefined && !options.durationIsEventTime && elapsed >= duration) {
          if (!options.realTime || nextDueMs >= duration) return yield* end("duration")
          lastGroup = true
        }
        let withinMs = options.realTime ? elapsed - nextDueMs : Number.POSITIVE_INFINITY
        if (duration !== undefined && (options.durationIsEventTime || lastGroup))
          withinMs = Math.min(withinMs, duration - nextDueMs - 1e-9)
        const max = Math.min(
          options.maxGroup,
          options.count === undefined ? Number.MAX_SAFE_INTEGER : options.count - released,
        )
        const batch = generator.take(max, withinMs)
        nextDueMs += batch.spanMs
        released += batch.events.length
        return batch
      })
      // Cause.done() ends the stream.
      return Stream.fromEffectRepeat(tick)
    }),
  )
