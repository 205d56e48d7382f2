/**
 * `--entity-changes realistic` and the four rates (--price-changes, --customer-updates,
 * --product-deletes, --customer-deletes): reference data that changes while the events stream.
 * A rate given beside the shorthand wins over its value.
 */
import { Flags } from "@customer-events/cli"
import { type Anomaly, EntityChanges } from "@customer-events/events"

const rateFlags = {
  priceChanges: "price-changes",
  customerUpdates: "customer-updates",
  productDeletes: "product-deletes",
  customerDeletes: "customer-deletes",
} as const satisfies Record<EntityChanges.Kind, string>

type Given = {
  readonly [K in (typeof rateFlags)[EntityChanges.Kind] | "entity-changes" | "instance" | "workers"]?: string
}

const rateOf = (flag: string, text: string): number => {
  const rate = Number(text)
  if (text.trim() === "" || !Number.isFinite(rate) || rate < 0 || rate > 1_000_000)
    return Flags.fail(
      flag,
      `expected changes per entity per day, a number from 0 to 1000000 such as 0.1, got ` +
        JSON.stringify(text),
    )
  return rate
}

/** The rates asked for, or undefined when none is on; errors name the flag. */
export const entityChangesOf = (
  v: Given,
  referenceTopics: boolean,
  anomalies: ReadonlyArray<Anomaly.Episode>,
): EntityChanges.Rates | undefined => {
  const shorthand = v["entity-changes"]
  if (shorthand !== undefined) Flags.oneOf("--entity-changes", shorthand, ["realistic"])
  const base = shorthand === undefined ? EntityChanges.none : EntityChanges.realistic
  const rates = Object.fromEntries(
    EntityChanges.kinds.map((kind) => {
      const text = v[rateFlags[kind]]
      return [kind, text === undefined ? base[kind] : rateOf(`--${rateFlags[kind]}`, text)]
    }),
  ) as Record<EntityChanges.Kind, number>
  const given = [
    ...(shorthand === undefined ? [] : ["--entity-changes"]),
    ...Object.values(rateFlags)
      .filter((f) => v[f] !== undefined)
      .map((f) => `--${f}`),
  ]
  if (given.length > 0 && !referenceTopics)
    Flags.fail(given[0]!, "changes the reference topics: add --reference-topics")
  if (given.length > 0 && (v.instance !== undefined || v.workers !== undefined))
    Flags.fail(given[0]!, "is not offered with --workers or --instance: every instance shares the products")
  const deletes = rates.productDeletes > 0 || rates.customerDeletes > 0
  if (!deletes && anomalies.some((e) => e.kind === "orphan-events"))
    Flags.fail(
      "--anomaly",
      "orphan-events names deleted entities: add --product-deletes R, --customer-deletes R or " +
        "--entity-changes realistic (with --reference-topics)",
    )
  return EntityChanges.isOn(rates) ? rates : undefined
}
