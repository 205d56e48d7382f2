/**
 * Pacing: how long to pause before the next event. The generator draws each pause from its own
 * seeded PRNG, so pauses (and simulated event times) are reproducible by seed.
 */
import { Data } from "effect"

export type Pacing = Data.TaggedEnum<{
  /** Uniform random pause between minMs and maxMs: the original script's behaviour. */
  Interval: { readonly minMs: number; readonly maxMs: number }
  /** Poisson arrivals averaging perSecond events/s: exponential pauses. */
  Rate: { readonly perSecond: number }
  /** No pause at all. */
  Max: {}
}>

export const Pacing = Data.taggedEnum<Pacing>()

/** The seed script's default: 100 ms to 1 s. */
export const defaultPacing: Pacing = Pacing.Interval({ minMs: 100, maxMs: 1000 })

/** Draws one pause in ms from a uniform variate u in [0, 1). */
export const drawPauseMs = (pacing: Pacing, u: number): number => {
  switch (pacing._tag) {
    case "Interval":
      return pacing.minMs + (pacing.maxMs - pacing.minMs) * u
    case "Rate":
      return (-Math.log(1 - u) * 1000) / pacing.perSecond
    case "Max":
      return 0
  }
}

export const describe = (pacing: Pacing): string => {
  switch (pacing._tag) {
    case "Interval":
      return `interval ${pacing.minMs}ms..${pacing.maxMs}ms`
    case "Rate":
      return `rate ${pacing.perSecond}/s (Poisson)`
    case "Max":
      return "rate max"
  }
}

/** The pacing of one of `n` instances that together keep this one: each at 1/n of the rate. */
export const shareOf = (pacing: Pacing, n: number): Pacing => {
  switch (pacing._tag) {
    case "Max":
      return pacing
    case "Rate":
      return Pacing.Rate({ perSecond: pacing.perSecond / n })
    case "Interval":
      return Pacing.Interval({ minMs: pacing.minMs * n, maxMs: pacing.maxMs * n })
  }
}
