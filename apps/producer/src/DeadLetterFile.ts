/**
 * --dead-letter-file: events that could not be delivered, as NDJSON (one event per line, the exact
 * record value), ready to be replayed. Written synchronously per failed batch, so a forced exit
 * loses nothing that was accounted for.
 */
import { closeSync, openSync, writeSync } from "node:fs"
import type { EventRecord } from "@customer-events/events"
import { Effect } from "effect"
import type { Outcome } from "./DeliveryTarget.js"
import type { RunState } from "./RunState.js"

export interface DeadLetterFile {
  readonly path: string
  /** Appends the records' events; returns how many were written. */
  readonly write: (records: ReadonlyArray<EventRecord.EventRecord>) => number
  readonly close: () => void
}

/**
 * Creates (or empties) the file at start, so it always reflects this run; `append`: a worker of
 * --workers adds to the file its parent emptied (each batch is one write, so lines never mix).
 */
export const open = (path: string, append = false): DeadLetterFile => {
  const fd = openSync(path, append ? "a" : "w")
  return {
    path,
    write: (records) => {
      if (records.length === 0) return 0
      let text = ""
      for (const record of records) text += `${record.value}\n`
      writeSync(fd, text)
      return records.length
    },
    close: () => closeSync(fd),
  }
}

/** The outcome consumer: each failed batch's events are appended, and counted as dead-lettered. */
export const consumer = (file: DeadLetterFile, state: RunState) => (outcome: Outcome) =>
  Effect.sync(() => {
    if (outcome._tag === "Failed") state.deadLettered(file.write(outcome.records))
  })
