/**
 * What the command-line apps share: flag parsing with errors that name the flag, stderr logging, the status
 * line.
 */
export * as Failure from "./Failure.js"
export * as FlagSpec from "./FlagSpec.js"
export * as Flags from "./Flags.js"
export * as LogFlags from "./LogFlags.js"
export * as Logging from "./Logging.js"
export * as Main from "./Main.js"
export * as Terminal from "./Terminal.js"
