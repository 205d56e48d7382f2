/** Traffic shape over simulated weeks: the profile's hourly and weekday shares, bursts, time zones, files. */
import { describe, expect, test } from "bun:test"
import { Effect, Result } from "effect"
import { EventClock, EventGenerator, Pacing, TrafficProfile } from "../src/index.js"
import { Prng } from "../src/internal/Prng.js"
import { RateCurve } from "../src/internal/rateCurve.js"

const monday = Date.parse("2026-11-02T00:00:00.000Z")
const weekMs = 7 * 86_400_000

/** Every event time of a simulated week at `perSecond` with the profile. */
const week = (seed: number, perSecond: number, options: EventGenerator.Options) => {
  const generator = Effect.runSync(
    EventGenerator.makeSeeded(seed, {
      mode: "independent",
      pacing: Pacing.Pacing.Rate({ perSecond }),
      clock: EventClock.simulated(monday),
      ...options,
    }),
  )
  const times: Array<number> = []
  for (;;) {
    const batch = generator.take(10_000, Number.POSITIVE_INFINITY)
    for (const event of batch.events) {
      const t = Date.parse(event.timestamp)
      if (t >= monday + weekMs) return times
      times.push(t)
    }
  }
}

const sharesOf = (times: ReadonlyArray<number>, offsetMs = 0) => {
  const hourly = new Array<number>(24).fill(0)
  const weekday = new Array<number>(7).fill(0)
  for (const t of times) {
    const local = t + offsetMs
    hourly[Math.floor(local / 3_600_000) % 24]! += 1
    weekday[(Math.floor(local / 86_400_000) + 3) % 7]! += 1
  }
  return { hourly: hourly.map((n) => n / times.length), weekday: weekday.map((n) => n / times.length) }
}

/** Each measured share within `tolerance` (relative) of the expected one. */
const expectNear = (measured: ReadonlyArray<number>, expected: ReadonlyArray<number>, tolerance: number) => {
  for (const [i, share] of measured.entries())
    expect(Math.abs(share / expected[i]! - 1)).toBeLessThan(tolerance)
}

describe("traffic profiles", () => {
  for (const seed of [1, 2, 3])
    test(`diurnal, seed ${seed}: a week's hourly and weekday shares follow the profile within 10%; the mean rate holds`, () => {
      const times = week(seed, 0.5, { profile: TrafficProfile.diurnal })
      // 0.5 events/s for a week: about 302,400 events.
      expect(Math.abs(times.length / 302_400 - 1)).toBeLessThan(0.02)
      const expected = TrafficProfile.shares(TrafficProfile.diurnal)
      const measured = sharesOf(times)
      expectNear(measured.hourly, expected.hourly, 0.1)
      expectNear(measured.weekday, expected.weekday, 0.05)
      const quietest = Math.min(...measured.hourly.slice(2, 6))
      expect(Math.max(...measured.hourly.slice(19, 22)) / quietest).toBeGreaterThanOrEqual(4)
      expect(Math.min(measured.weekday[5]!, measured.weekday[6]!)).toBeGreaterThan(
        Math.max(...measured.weekday.slice(0, 5)),
      )
    })

  test("the profile follows the time zone it is given", () => {
    const times = week(4, 0.5, { profile: TrafficProfile.diurnal, timeZone: "+05:00" })
    const expected = TrafficProfile.shares(TrafficProfile.diurnal).hourly
    const local = sharesOf(times, 5 * 3_600_000).hourly
    expectNear(local, expected, 0.1)
    const paris = week(4, 0.5, { profile: TrafficProfile.diurnal, timeZone: "Europe/Paris" })
    // November in Paris is UTC+1.
    expectNear(sharesOf(paris, 3_600_000).hourly, expected, 0.1)
  })

  test("bursts raise the rate by their multiplier while they last", () => {
    const profile = Result.getOrThrow(
      TrafficProfile.decode({ bursts: { every: "1h", duration: "2m", multiplier: 5 } }, "bursty"),
    )
    for (const seed of [5, 6]) {
      const curve = new RateCurve(2, profile, "UTC", new Prng(seed, 2, 3, 4))
      const rng = new Prng(seed, 9, 9, 9)
      let inside = 0
      let outside = 0
      let insideMs = 0
      let t = monday
      while (t < monday + weekMs) {
        const pause = curve.pauseAfter(t, rng.next())
        t += pause
        if (curve.burstAt(t) !== undefined) inside++
        else outside++
      }
      for (let s = monday; s < monday + weekMs; s += 1000)
        if (curve.burstAt(s) !== undefined) insideMs += 1000
      const ratio = inside / insideMs / (outside / (weekMs - insideMs))
      expect(Math.abs(ratio / 5 - 1)).toBeLessThan(0.15)
      // About 2 minutes in every hour are bursts.
      expect(Math.abs(insideMs / weekMs / (2 / 60) - 1)).toBeLessThan(0.35)
      // The week's mean rate is still the one asked for.
      expect(Math.abs((inside + outside) / (2 * 7 * 86_400) - 1)).toBeLessThan(0.03)
    }
  })

  test("a seed gives the same shaped stream; flat (no profile) is unchanged", () => {
    const options = { profile: TrafficProfile.diurnal }
    expect(week(7, 0.05, options)).toEqual(week(7, 0.05, options))
    expect(week(7, 0.05, {})).not.toEqual(week(7, 0.05, options))
  })

  test("a profile file: every field optional, each mistake named", () => {
    expect(Result.getOrThrow(TrafficProfile.decode({}, "f")).hourly).toHaveLength(24)
    const error = (json: unknown) => Result.flip(TrafficProfile.decode(json, "f")).pipe(Result.getOrThrow)
    expect(error({ hourly: [1, 2] })).toBe("hourly: expected 24 weights, got [1,2]")
    expect(error({ weekday: [1, 1, 1, 1, 1, 1, -1] })).toStartWith("weekday: expected numbers >= 0")
    expect(error({ weekday: [0, 0, 0, 0, 0, 0, 0] })).toBe("weekday: expected at least one weight above 0")
    expect(error({ bursts: { every: "1h", duration: "2m", multiplier: 0.5 } })).toBe(
      "bursts.multiplier: expected a number >= 1, got 0.5",
    )
    expect(error({ bursts: { every: "often" } })).toStartWith("bursts.every: expected a duration")
    expect(error({ hourlyy: [] })).toBe("unknown field hourlyy (expected hourly, weekday, bursts)")
    expect(error([1])).toBe("expected a JSON object with hourly, weekday and bursts")
  })
})
