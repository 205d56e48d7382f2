/**
 * --dead-letter-file: events that could not be delivered, as NDJSON (one event per line, the exact
 * record value), ready to be replayed. Written synchronously per failed batch, so a forced exit
 * loses nothing that was accounted for.
 */
import { closeSync, openSync, writeSync } from "node:fs"
import { CustomerEvent, type EventRecord } from "@customer-events/events"
import { Effect } from "effect"
import type { Outcome } from "./DeliveryTarget.js"
import type { RunState } from "./RunState.js"

export interface DeadLetterFile {
  readonly path: string
  /** Appends the records' events; returns how many were written. */
  readonly write: (records: ReadonlyArray<EventRecord.Encoded>) => number
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
      // A registry format's value is bytes: its event is written as JSON, ready to replay as well.
      for (const { value, event } of records)
        text += `${typeof value === "string" ? value : CustomerEvent.encodeJson(event)}\n`
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
