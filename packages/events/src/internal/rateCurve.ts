/**
 * A non-homogeneous Poisson process: the rate at an instant is the mean rate times the profile's
 * weight for its hour and weekday (normalised so that a week averages the mean), times the burst
 * multiplier during a burst. A pause is drawn exactly by time rescaling: an Exp(1) variate is spent
 * across the piecewise-constant rate, segment by segment (hour, day and burst boundaries).
 */
import type { TrafficProfile } from "../TrafficProfile.js"
import type { Prng } from "./Prng.js"
import { localCalendar } from "./timeZone.js"

const hourMs = 3_600_000

export class RateCurve {
  /** Events per ms for each (weekday, hour), Monday first, without bursts. */
  private readonly base: Float64Array
  private readonly calendar: (ms: number) => { weekday: number; hour: number; hourStartMs: number }
  /** Burst periods drawn so far, in event time: [start, end), ascending. */
  private readonly bursts: Array<readonly [number, number]> = []
  private nextBurstFromMs: number | undefined

  constructor(
    meanPerSecond: number,
    private readonly profile: TrafficProfile,
    timeZone: string,
    private readonly burstRng: Prng | undefined,
  ) {
    const hourMean = profile.hourly.reduce((a, b) => a + b, 0) / 24
    const dayMean = profile.weekday.reduce((a, b) => a + b, 0) / 7
    const b = profile.bursts
    // Bursts add (multiplier - 1) for the share of time they cover: divided out, so that the
    // week's mean rate stays the one asked for.
    const burstGain = b === undefined ? 1 : 1 + (b.multiplier - 1) * Math.min(1, b.durationMs / b.everyMs)
    const perMs = meanPerSecond / 1000 / hourMean / dayMean / burstGain
    this.base = new Float64Array(7 * 24)
    for (let d = 0; d < 7; d++)
      for (let h = 0; h < 24; h++) this.base[d * 24 + h] = perMs * profile.weekday[d]! * profile.hourly[h]!
    this.calendar = localCalendar(timeZone)
  }

  /** The segment last looked up: the rate is constant from its start to its end. */
  private segment = { startMs: Number.NaN, endMs: Number.NaN, perMs: 0 }

  /** The pause after an event at `nowMs`, for a uniform variate u in [0, 1). */
  pauseAfter(nowMs: number, u: number): number {
    let budget = -Math.log(1 - u)
    let t = nowMs
    for (;;) {
      const { endMs, perMs } = this.segmentAt(t)
      const capacity = perMs * (endMs - t)
      if (budget <= capacity) return t + budget / perMs - nowMs
      budget -= capacity
      t = endMs
    }
  }

  /** The constant-rate stretch around t: up to the next hour, or burst, boundary. */
  private segmentAt(t: number) {
    const cached = this.segment
    if (t >= cached.startMs && t < cached.endMs) return cached
    const { weekday, hour, hourStartMs } = this.calendar(t)
    let startMs = hourStartMs
    let endMs = hourStartMs + hourMs
    let perMs = this.base[weekday * 24 + hour]!
    const burst = this.burstAt(t)
    if (burst !== undefined) {
      perMs *= this.profile.bursts!.multiplier
      startMs = Math.max(startMs, burst[0])
      endMs = Math.min(endMs, burst[1])
    } else if (this.profile.bursts !== undefined) {
      startMs = Math.max(startMs, this.bursts.findLast((b) => b[1] <= t)?.[1] ?? startMs)
      endMs = Math.min(endMs, this.nextBurstStart(t) ?? endMs)
    }
    this.segment = { startMs, endMs, perMs }
    return this.segment
  }

  /** The burst covering t, if any. */
  burstAt(t: number): readonly [number, number] | undefined {
    this.drawBurstsUntil(t)
    for (let i = this.bursts.length - 1; i >= 0; i--) {
      const burst = this.bursts[i]!
      if (burst[0] <= t) return t < burst[1] ? burst : undefined
    }
    return undefined
  }

  private nextBurstStart(t: number): number | undefined {
    this.drawBurstsUntil(t)
    return this.bursts.find((b) => b[0] > t)?.[0]
  }

  /** Draws burst starts (Poisson, mean gap `every`) until one lies beyond t. */
  private drawBurstsUntil(t: number) {
    const b = this.profile.bursts
    if (b === undefined || this.burstRng === undefined) return
    let from = this.nextBurstFromMs ?? t
    while (this.bursts.length === 0 || this.bursts[this.bursts.length - 1]![0] <= t) {
      const start: number = from - Math.log(1 - this.burstRng.next()) * b.everyMs
      this.bursts.push([start, start + b.durationMs])
      from = start
    }
    this.nextBurstFromMs = from
  }
}
