/** The flags that scale a run out: --instance I/N (with its share of --count) and --workers N. */
import { Flags } from "@customer-events/cli"
import type { EventGenerator } from "@customer-events/events"

const { fail, whole: parseWhole } = Flags

/** `--instance I/N`: 1 <= I <= N, and at least one customer per instance. */
export const instanceOf = (
  text: string | undefined,
  customers: number,
): EventGenerator.Instance | undefined => {
  if (text === undefined) return undefined
  const match = /^(\d+)\/(\d+)$/.exec(text)
  const [index, of] = match === null ? [0, 0] : [Number(match[1]), Number(match[2])]
  if (!(index >= 1 && index <= of && of <= 10_000))
    return fail(
      "--instance",
      `expected I/N with 1 <= I <= N <= 10000, such as 2/4, got ${JSON.stringify(text)}`,
    )
  if (customers < of) return fail("--instance", `${of} instances need at least ${of} customers (--customers)`)
  return { index, of }
}

/** `--count N` is the command's: one of several instances sends its share (N split as evenly as can be). */
export const shareOfCount = (count: number, instance: EventGenerator.Instance | undefined) =>
  instance === undefined
    ? count
    : Math.floor(count / instance.of) + (instance.index <= count % instance.of ? 1 : 0)

/**
 * `--workers N`: each worker is a Kafka producer of its own; what writes one shared stream cannot be split.
 */
export const workersOf = (
  text: string | undefined,
  v: { readonly [K in "dry-run" | "print" | "truth"]?: unknown },
) => {
  if (text === undefined) return 1
  const n = parseWhole("--workers", text, 1, 64)
  const single = (["dry-run", "print", "truth"] as const).find((f) => v[f] !== undefined)
  if (n > 1 && single !== undefined)
    fail(
      "--workers",
      `--${single} writes one stream: run it with one worker, or run instances with --instance I/N`,
    )
  return n
}
