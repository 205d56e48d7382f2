/**
 * kafkajs 2.2.4 schedules a timer with a negative delay (its request queue subtracts Date.now()
 * from an unset -1: kafkajs issue #1751). The runtime clamps such a delay to 1 ms anyway, but Bun
 * also prints a TimeoutNegativeWarning on stderr that no listener can silence. Clamping negative
 * delays to 0 here keeps the same behaviour without the warning; every other call is untouched.
 */
let installed = false

export const quietKafkaJsTimerWarnings = (): void => {
  if (installed) return
  installed = true
  const original = globalThis.setTimeout
  const clamped = ((handler: Parameters<typeof setTimeout>[0], delay?: number, ...args: Array<unknown>) =>
    original(handler, typeof delay === "number" && delay < 0 ? 0 : delay, ...args)) as typeof setTimeout
  Object.assign(clamped, original)
  globalThis.setTimeout = clamped
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= "1"
}
