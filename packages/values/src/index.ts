/**
 * Parsers for values that users write (durations, counts, choices, instants), shared by every package: each
 * returns the value or what was wrong.
 */
export * as Values from "./Values.js"
