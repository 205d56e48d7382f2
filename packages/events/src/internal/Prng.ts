/**
 * A small, fast, seedable PRNG (sfc32, seeded through splitmix32) for the per-event hot path.
 * Its state comes from Effect's Random service once per generator, so a seed still fixes the
 * whole stream, while each draw is a plain function call rather than an Effect.
 */
export class Prng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0
    this.b = b >>> 0
    this.c = c >>> 0
    this.d = d >>> 0
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1
    // Discard the first outputs: sfc32 mixes poorly right after seeding.
    for (let i = 0; i < 12; i++) this.nextU32()
  }

  /** A generator fixed by one number: for data that must not depend on the run's seed (the catalog). */
  static fromNumber(seed: number): Prng {
    let s = seed >>> 0
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    return new Prng(next(), next(), next(), next())
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
}

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

const hex32 = (n: number): string =>
  hex[n >>> 24]! + hex[(n >>> 16) & 0xff]! + hex[(n >>> 8) & 0xff]! + hex[n & 0xff]!

/** A random (version 4, RFC 9562 variant) UUID drawn from the PRNG: 16 byte lookups, no slicing. */
export const uuidV4 = (rng: Prng): string => {
  const a = rng.nextU32()
  const b = rng.nextU32()
  const c = rng.nextU32()
  const d = rng.nextU32()
  return (
    `${hex[a >>> 24]}${hex[(a >>> 16) & 0xff]}${hex[(a >>> 8) & 0xff]}${hex[a & 0xff]}-` +
    `${hex[b >>> 24]}${hex[(b >>> 16) & 0xff]}-${hex[0x40 | ((b >>> 8) & 0x0f)]}${hex[b & 0xff]}-` +
    `${hex[0x80 | ((c >>> 24) & 0x3f)]}${hex[(c >>> 16) & 0xff]}-${hex[(c >>> 8) & 0xff]}${hex[c & 0xff]}` +
    `${hex[d >>> 24]}${hex[(d >>> 16) & 0xff]}${hex[(d >>> 8) & 0xff]}${hex[d & 0xff]}`
  )
}

/** A short random id (48 bits as 12 hex digits). */
export const shortId = (rng: Prng): string => hex32(rng.nextU32()) + hex32(rng.nextU32()).slice(0, 4)

/** Picks an index from cumulative weights (ascending, last = total) by binary search. */
export const pickCumulative = (rng: Prng, cumulative: ArrayLike<number>): number => {
  const total = cumulative[cumulative.length - 1]!
  const x = rng.next() * total
  let lo = 0
  let hi = cumulative.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cumulative[mid]! > x) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Cumulative sums of weights, for pickCumulative. */
export const cumulate = (weights: ReadonlyArray<number>): Float64Array => {
  const out = new Float64Array(weights.length)
  let sum = 0
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i]!
    out[i] = sum
  }
  return out
}

/** A weighted choice among fixed values. */
export const weighted = <A>(entries: ReadonlyArray<readonly [A, number]>) => {
  const values = entries.map(([value]) => value)
  const cumulative = cumulate(entries.map(([, weight]) => weight))
  return (rng: Prng): A => values[pickCumulative(rng, cumulative)]!
}

const pad2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"))
const pad3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"))

/**
 * ISO-8601 UTC with milliseconds, as Date.prototype.toISOString prints it, without a Date per
 * call: the "YYYY-MM-DDTHH:MM:" prefix is cached per minute, seconds and millis come from tables.
 */
export const makeIsoFormatter = () => {
  let minuteStart = Number.NaN
  let prefix = ""
  return (ms: number): string => {
    const offset = ms - minuteStart
    if (!(offset >= 0 && offset < 60_000)) {
      minuteStart = ms - (((ms % 60_000) + 60_000) % 60_000)
      prefix = new Date(minuteStart).toISOString().slice(0, 17)
      return (
        prefix + pad2[Math.floor((ms - minuteStart) / 1000)]! + "." + pad3[(ms - minuteStart) % 1000]! + "Z"
      )
    }
    return prefix + pad2[Math.floor(offset / 1000)]! + "." + pad3[offset % 1000]! + "Z"
  }
}
