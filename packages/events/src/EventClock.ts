/**
 * The clock that stamps events. Live runs use the wall clock; reproducible runs and backfills use
 * a simulated clock that starts at a given instant and advances by the drawn pauses only.
 */
export interface EventClock {
  /** The event time, in epoch ms, of the next event. */
  readonly now: () => number
  /** Called with each drawn pause; the simulated clock moves on by it, the wall clock ignores it. */
  readonly advance: (pauseMs: number) => void
}

export const wall = (): EventClock => {
  // Event times never go backwards, even if the system clock is stepped back.
  let last = 0
  return {
    now: () => {
      const t = Date.now()
      if (t > last) last = t
      return last
    },
    advance: () => {},
  }
}

export const simulated = (startMs: number): EventClock => {
  let t = startMs
  return {
    now: () => Math.floor(t),
    advance: (pauseMs) => {
      t += pauseMs
    },
  }
}
