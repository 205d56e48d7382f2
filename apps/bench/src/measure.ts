/**
 * Measuring a whole process: wall time, CPU time from the kernel's accounting of the child, and
 * peak RSS from its VmHWM; and the row of the report that an entry becomes.
 */
import { readFileSync } from "node:fs"

export const root = new URL("../../../", import.meta.url).pathname
export const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS || "127.0.0.1:9092"
export const log = (line: string) => process.stderr.write(`bench: ${line}\n`)

export interface Measured {
  readonly wallMs: number
  readonly cpuMs: number
  readonly maxRssMb: number
  readonly stdout: string
  readonly stderr: string
}

/** A process's memory figure from /proc (VmHWM: the peak so far; VmRSS: now), in MB; NaN once it is gone. */
export const memoryMb = (pid: number, field: "VmHWM" | "VmRSS"): number => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8")
    return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1]) / 1024
  } catch {
    return Number.NaN
  }
}

/**
 * Runs a command to completion. Peak RSS is VmHWM read every 100 ms while it runs (it only grows,
 * so the last read is the peak up to its last 100 ms). A failing command fails the bench.
 */
export const measure = async (
  command: ReadonlyArray<string>,
  env: Record<string, string> = {},
): Promise<Measured> => {
  const started = performance.now()
  const child = Bun.spawn([...command], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: bootstrap, ...env },
  })
  let maxRssMb = 0
  const sampler = setInterval(() => {
    const rss = memoryMb(child.pid, "VmHWM")
    if (rss > maxRssMb) maxRssMb = rss
  }, 100)
  const [stdout, stderr] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ])
  const code = await child.exited
  clearInterval(sampler)
  const usage = child.resourceUsage()
  if (code !== 0) throw new Error(`${command.join(" ")} exited ${code}: ${stderr.slice(-2000)}`)
  return {
    wallMs: performance.now() - started,
    cpuMs: usage ? Number(usage.cpuTime.total) / 1000 : Number.NaN,
    maxRssMb,
    stdout,
    stderr,
  }
}

export interface Row {
  readonly entry: string
  readonly partitions: number | undefined
  readonly events: number
  /** In-stream: from the first event to the last acknowledgement (the app's summary, Java's own count). */
  readonly seconds: number
  readonly eventsPerSecond: number
  /** The whole process, start-up and exit included. */
  readonly wallSeconds: number
  readonly mbPerSecond: number
  readonly cpuSecondsPerMillion: number
  readonly peakRssMb: number
  readonly note: string
}

export const row = (
  entry: string,
  partitions: number | undefined,
  result: { readonly events: number; readonly ms: number; readonly bytes: number },
  m: Measured,
  note = "",
): Row => ({
  entry,
  partitions,
  events: result.events,
  seconds: result.ms / 1000,
  eventsPerSecond: result.events / (result.ms / 1000),
  wallSeconds: m.wallMs / 1000,
  mbPerSecond: result.bytes / 1e6 / (result.ms / 1000),
  cpuSecondsPerMillion: m.cpuMs / 1000 / (result.events / 1e6),
  peakRssMb: m.maxRssMb,
  note,
})

/** The faster of two runs of the same entry (runs alternate with the other entries, against drift). */
export const best = (a: Row, b: Row | undefined): Row =>
  b === undefined || a.eventsPerSecond >= b.eventsPerSecond ? a : b
