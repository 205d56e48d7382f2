import { expect, test } from "bun:test"
import { makeIsoFormatter, Prng, uuidV4 } from "../src/internal/Prng.js"

test("uuidV4 draws RFC 9562 version 4 UUIDs", () => {
  const rng = Prng.fromNumber(1)
  const seen = new Set<string>()
  for (let i = 0; i < 10_000; i++) {
    const id = uuidV4(rng)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    seen.add(id)
  }
  expect(seen.size).toBe(10_000)
})

test("the ISO formatter prints what Date.toISOString prints, across minutes, days and years", () => {
  const format = makeIsoFormatter()
  const rng = Prng.fromNumber(2)
  let t = Date.parse("2026-12-31T23:58:30.000Z")
  for (let i = 0; i < 50_000; i++) {
    t += Math.floor(rng.next() * 10)
    expect(format(t)).toBe(new Date(t).toISOString())
  }
  for (const ms of [0, 59_999, 60_000, Date.parse("2024-02-29T12:00:59.999Z"), t - 3_600_000])
    expect(format(ms)).toBe(new Date(ms).toISOString())
})
