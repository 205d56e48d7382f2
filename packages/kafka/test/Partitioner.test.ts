import { describe, expect, test } from "bun:test"
import {
  murmur2,
  partitionOfKey,
  recordBytes,
  splitByPartition,
  toRequests,
} from "../src/internal/partitioner.js"

/**
 * Computed by Java on this project's broker jars: Utils.murmur2(key.getBytes(UTF_8)), then
 * Utils.toPositive(h) % 3 and % 48 (kafka-clients 4.1.1), so every tail length (0 to 3 bytes) and
 * multi-byte UTF-8 are covered.
 */
const java: ReadonlyArray<readonly [string, number, number, number]> = [
  ["", 275646681, 0, 9],
  ["a", -1563381124, 1, 28],
  ["ab", 316155434, 2, 26],
  ["abc", 479470107, 0, 27],
  ["abcd", -1323649548, 2, 20],
  ["abcde", 461995741, 1, 13],
  ["cust-000001", 1279413989, 2, 5],
  ["cust-003908", -334141125, 2, 11],
  ["cust-004999", 900310517, 2, 5],
  ["customer-éü-日本", 876629044, 1, 4],
  ["21", -973932308, 0, 12],
  ["foobar", -790332482, 0, 30],
  ["a-somewhat-longer-key-with-31ch", 1023951513, 0, 9],
  ["k", -1567496736, 2, 32],
]

describe("partitioner", () => {
  test("murmur2 equals Java's Utils.murmur2 on every fixture key", () => {
    for (const [key, hash] of java) expect(murmur2(new TextEncoder().encode(key))).toBe(hash)
  })

  test("a key goes to Java's partition, on 3 and on 48 partitions", () => {
    for (const [key, , of3, of48] of java) {
      expect(partitionOfKey(key, 3)).toBe(of3)
      expect(partitionOfKey(key, 48)).toBe(of48)
    }
  })

  test("a key longer than the scratch buffer is hashed whole", () => {
    const long = "x".repeat(1000)
    expect(partitionOfKey(long, 48)).toBe((murmur2(new TextEncoder().encode(long)) & 0x7fffffff) % 48)
  })

  test("splitByPartition keeps each record's position, and keyless records go round-robin", () => {
    const records = [
      { key: "a", value: "0" },
      { key: null, value: "1" },
      { key: "ab", value: "2" },
      { key: null, value: "3" },
      { key: "a", value: "4" },
    ]
    const parts = splitByPartition(records, 3, { records: 1000, bytes: 1_000_000 })
    const where = new Map<string, number>()
    for (const part of parts)
      part.indexes.forEach((index, rank) => {
        expect(part.records[rank]).toBe(records[index]!)
        where.set(records[index]!.value, part.partition)
      })
    expect(where.size).toBe(5)
    expect([where.get("0"), where.get("2"), where.get("4")]).toEqual([1, 2, 1])
    expect([where.get("1"), where.get("3")]).toEqual([0, 1])
  })

  test("a partition's records are cut into batches of at most maxRecords; each request holds one batch per partition, in order", () => {
    const records = Array.from({ length: 7 }, (_, i) => ({ key: i < 5 ? "a" : "ab", value: String(i) }))
    const parts = splitByPartition(records, 3, { records: 2, bytes: 1_000_000 })
    expect(parts.map((p) => [p.partition, p.records.map((r) => r.value)])).toEqual([
      [1, ["0", "1"]],
      [1, ["2", "3"]],
      [1, ["4"]],
      [2, ["5", "6"]],
    ])
    const requests = toRequests(parts)
    expect(requests.map((request) => request.map((p) => p.records[0]!.value))).toEqual([
      ["0", "5"],
      ["2"],
      ["4"],
    ])
  })

  test("a partition's batch is also cut at the byte limit; a record larger than it goes alone", () => {
    const value = "x".repeat(100)
    const records = Array.from({ length: 5 }, (_, i) => ({
      key: "a",
      value: i === 3 ? value.repeat(5) : value,
    }))
    const size = recordBytes(records[0]!)
    expect(size).toBeGreaterThan(101)
    const parts = splitByPartition(records, 3, { records: 1000, bytes: 2 * size })
    expect(parts.map((p) => p.indexes)).toEqual([[0, 1], [2], [3], [4]])
    expect(recordBytes({ key: "k", value, headers: { "event-type": "purchase" } })).toBe(size + 20)
  })
})
