/**
 * An app's main, the same for both apps: the program runs through the platform's runMain
 * (@effect/platform-node's, which Bun and Deno both run), which turns the first SIGINT or SIGTERM
 * into the interruption of the program. The program's value is the process's exit code; a program
 * that is interrupted exits 130, unless it settled its own code while stopping (the producer drains
 * and reports, then its code is its summary's). A second Ctrl-C is the app's to handle
 * (`onSecondSignal`): runMain only interrupts once.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Cause, type Effect, Exit } from "effect"

/** Exit 130: stopped by a signal before the program could say more (DESIGN.md's forced stop). */
export const interrupted = 130

/** What a program may do while it runs: settle its exit code for the case it is interrupted. */
export interface Exiting {
  /** The code to exit with if the program ends by interruption (its own value wins otherwise). */
  readonly settle: (code: number) => void
}

/**
 * Calls `handler` on a second Ctrl-C (or a third SIGTERM). One Ctrl-C can arrive twice, from the
 * terminal to the whole process group and forwarded by a parent `bun run`: a repeat within a
 * second is the same Ctrl-C.
 */
export const onSecondSignal = (handler: () => void): void => {
  let received = 0
  let firstAt = 0
  const onSignal = (signal: string) => {
    if (received > 0 && performance.now() - firstAt < 1000) return
    if (received === 0) firstAt = performance.now()
    received++
    if (received > 1 && (signal === "SIGINT" || received > 2)) handler()
  }
  process.on("SIGINT", () => onSignal("SIGINT"))
  process.on("SIGTERM", () => onSignal("SIGTERM"))
}

/**
 * Runs the program as the process's main. It always exits, with the program's code: kafkajs may
 * leave timers behind after disconnecting, and they must not hold the process.
 */
export const run = (program: (exiting: Exiting) => Effect.Effect<number>): void => {
  let settled: number | undefined
  const exiting: Exiting = { settle: (code) => (settled = code) }
  NodeRuntime.runMain(program(exiting), {
    // Failures are reported by the program itself, in one line (Failure.oneLine).
    disableErrorReporting: true,
    teardown: (exit: Exit.Exit<unknown, unknown>) => {
      const code = Exit.isSuccess(exit)
        ? (exit.value as number)
        : (settled ?? (Cause.hasInterruptsOnly(exit.cause) ? interrupted : 1))
      process.exit(code)
    },
  })
}
