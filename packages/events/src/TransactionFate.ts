/**
 * The fates of transactions (--abort-rate): each transaction is drawn "commit" or "abort" before it
 * starts, from a PRNG of its own fixed by the run's seed (so the events' stream does not change), and
 * the records of one to be aborted carry the header `txn-fate: abort`, so that a read_uncommitted
 * reader can tell them apart. Committed ones carry nothing extra.
 */
import type { EventRecord } from "./EventRecord.js"
import { Prng } from "./internal/Prng.js"

export const header = "txn-fate"
export type Fate = "commit" | "abort"

/** FNV-1a over the seed's text, salted: the fates' own stream, apart from the events'. */
const seedNumber = (seed: string): number => {
  let h = 0x811c9dc5
  for (const c of `${seed}/transactions`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193)
  return h >>> 0
}

/** Draws each next transaction's fate: "abort" with probability `abortRate`. */
export const drawer = (seed: string, abortRate: number): (() => Fate) => {
  const rng = Prng.fromNumber(seedNumber(seed))
  return () => (abortRate > 0 && rng.next() < abortRate ? "abort" : "commit")
}

/** The records of a transaction to be aborted, marked; those to be committed as they are. */
export const mark = <R extends EventRecord>(records: ReadonlyArray<R>, fate: Fate): ReadonlyArray<R> =>
  fate === "commit" ? records : records.map((r) => ({ ...r, headers: { ...r.headers, [header]: "abort" } }))

/** Whether a record read back says it was in a transaction aborted on purpose. */
export const isMarkedAbort = (headers: Readonly<Record<string, string | undefined>>): boolean =>
  headers[header] === "abort"
