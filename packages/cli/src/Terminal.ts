/**
 * stderr as a terminal: plain lines, and one live status line that log lines clear first and the
 * next refresh redraws. stdout stays free for data (NDJSON, JSON reports).
 */
const stderr = process.stderr

export const isTty = stderr.isTTY === true

/** A count as people read it: 1,234,567. */
export const formatCount = (n: number): string => n.toLocaleString("en-US")
export const colors = isTty && process.env.NO_COLOR === undefined

let statusShown = false

/** Removes the status line, if one is drawn. */
export const clearStatus = () => {
  if (statusShown) {
    stderr.write("\r\x1b[2K")
    statusShown = false
  }
}

/** Draws (or redraws) the status line; only on a terminal. */
export const showStatus = (line: string) => {
  if (!isTty) return
  stderr.write(`\r\x1b[2K${line}`)
  statusShown = true
}

/** Writes a whole line on stderr, above the status line. */
export const writeLine = (line: string) => {
  clearStatus()
  stderr.write(`${line}\n`)
}
