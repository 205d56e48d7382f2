/**
 * The four 32-bit words that start a seeded generator's PRNG. They were drawn from Effect 3's seeded
 * Random (a DJB2-style hash of the seed, then PCG-XSH-RR 32 read as 53-bit fractions); Effect 4
 * seeds differently, and a seed's stream is a contract across versions, so the same arithmetic is
 * kept here. It runs once per generator: BigInt is fine.
 */
const MASK_64 = (1n << 64n) - 1n
const MULTIPLIER = 6364136223846793005n
const INCREMENT = (0x14057b7en << 32n) | 0xf767814fn | 1n

/** Folds bit 31 into bit 30: the hash stays a small positive-or-negative 31-bit integer. */
const fold = (h: number) => (h & 0xbfffffff) | ((h >>> 1) & 0x40000000)

const hashText = (text: string) => {
  let h = 5381
  for (let i = text.length - 1; i >= 0; i--) h = (h * 33) ^ text.charCodeAt(i)
  return fold(h)
}

const hashNumber = (n: number) => {
  if (Number.isNaN(n) || n === Number.POSITIVE_INFINITY) return 0
  let h = n | 0
  if (h !== n) h ^= n * 0xffffffff
  let rest = n
  while (rest > 0xffffffff) {
    rest /= 0xffffffff
    h ^= rest
  }
  return fold(h)
}

/** PCG-XSH-RR: a 64-bit LCG whose top bits, xor-shifted and rotated, give 32-bit outputs. */
class Pcg32 {
  private state = 0n

  constructor(seed: number) {
    this.next()
    this.state = (this.state + BigInt(seed >>> 0)) & MASK_64
    this.next()
  }

  next(): number {
    const old = this.state
    this.state = (old * MULTIPLIER + INCREMENT) & MASK_64
    const xorShifted = Number((((old >> 18n) ^ old) >> 27n) & 0xffffffffn)
    const rotation = Number(old >> 59n)
    return ((xorShifted >>> rotation) | (xorShifted << ((32 - rotation) & 31))) >>> 0
  }

  /** A fraction in [0, 1) from 53 bits of two outputs. */
  fraction(): number {
    const high = this.next() & 0x03ffffff
    const low = this.next() & 0x07ffffff
    return (high * 2 ** 27 + low) / 2 ** 53
  }
}

export const seedWords = (seed: string | number): [number, number, number, number] => {
  const pcg = new Pcg32(typeof seed === "number" ? hashNumber(seed) : hashText(seed))
  const word = () => Math.round(pcg.fraction() * Number.MAX_SAFE_INTEGER) % 2 ** 32
  return [word(), word(), word(), word()]
}
