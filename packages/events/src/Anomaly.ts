/**
 * Labelled anomaly episodes, for alerting tests: `KIND@START+DURATION`, START an offset from the
 * stream's first event time. `bot-surge`: one customer views products at 20x the stream's rate;
 * `price-glitch`: purchases at 1/100 of the unit price; `checkout-outage`: no purchases, carts still
 * happen; `orphan-events`: one extra view per ten events, by a customer or of a product deleted so
 * far, in a session of its own (needs changing reference data with deletes). Records an anomaly
 * produces carry the header `anomaly: KIND`.
 */

import { Values } from "@customer-events/values"
import { Result } from "effect"

export const kinds = ["bot-surge", "price-glitch", "checkout-outage", "orphan-events"] as const
export type Kind = (typeof kinds)[number]

export const headerName = "anomaly"

export interface Episode {
  readonly kind: Kind
  /** From the stream's first event time. */
  readonly startOffsetMs: number
  readonly durationMs: number
}

/** `checkout-outage@30m+10m`. */
export const parse = (text: string): Result.Result<Episode, string> => {
  const match = text.match(/^([a-z-]+)@([^+]+)\+(.+)$/)
  if (match === null)
    return Result.fail(
      `expected KIND@START+DURATION such as checkout-outage@30m+10m, got ${JSON.stringify(text)}`,
    )
  const kind = kinds.find((k) => k === match[1])
  if (kind === undefined)
    return Result.fail(`expected a kind among ${kinds.join(", ")}, got ${JSON.stringify(match[1])}`)
  const startOffsetMs = Result.getOrUndefined(Values.durationMs(match[2]!))
  const duration = Result.getOrUndefined(Values.durationMs(match[3]!))
  if (startOffsetMs === undefined || duration === undefined || !(duration > 0))
    return Result.fail(`expected durations such as 30m+10m, got ${JSON.stringify(`${match[2]}+${match[3]}`)}`)
  return Result.succeed({ kind, startOffsetMs, durationMs: duration })
}
