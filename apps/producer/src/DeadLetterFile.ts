/**
 * --dead-letter-file: events that could not be delivered, as NDJSON (one event per line, the exact
 * record value), ready to be replayed. Written synchronously per failed batch, so a forced exit
 * loses nothing that was accounted for.
 */
import { closeSync, openSync, writeSync } from "node:fs"
import type { EventRecord } from "@customer-events/events"

export interface DeadLetterFile {
  readonly path: string
  /** Appends the records' events; returns how many were written. */
  readonly write: (records: ReadonlyArray<EventRecord.EventRecord>) => number
  readonly close: () => void
}

/** Creates (or empties) the file at start, so it always reflects this run. */
export const open = (path: string): DeadLetterFile => {
  const fd = openSync(path, "w")
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
