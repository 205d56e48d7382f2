/**
 * What Bun and Deno give differently, in one place (everything else is node: APIs that both
 * implement): the command line, whether this is the main thread, the entry module (each worker of
 * --workers runs it), and a buffered stdout writer (Bun's own is faster; elsewhere, process.stdout
 * with its backpressure).
 */
const deno = (globalThis as { Deno?: { readonly mainModule: string } }).Deno

/** "bun" or "deno", for messages and the summary. */
export const name: "bun" | "deno" = typeof Bun !== "undefined" ? "bun" : "deno"

/** The arguments after the runtime and the script. */
export const args = (): Array<string> => process.argv.slice(2)

/** False in a worker: Bun says so itself; Deno's workers are Web Workers, with their own global scope. */
export const isMainThread =
  typeof Bun !== "undefined"
    ? Bun.isMainThread
    : typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "undefined"

/** A worker running the entry module of this process (Workers.ts). */
export const startWorker = (): Worker =>
  new Worker(deno === undefined ? Bun.main : deno.mainModule, { type: "module" })

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export interface Writer {
  /** Writes the text, resolving once it is flushed (or buffered within the pipe's limit). */
  readonly write: (text: string) => Promise<void>
}

/** stdout, one write per call: Bun's FileSink, or process.stdout waiting for 'drain' when full. */
export const stdout = (): Writer => {
  if (name === "bun") {
    const writer = Bun.stdout.writer({ highWaterMark: 1 << 20 })
    return {
      write: async (text) => {
        writer.write(text)
        await writer.flush()
      },
    }
  }
  return {
    write: (text) =>
      new Promise<void>((resolve, reject) => {
        if (process.stdout.write(text, (error) => (error ? reject(error) : undefined))) resolve()
        else process.stdout.once("drain", resolve)
      }),
  }
}
