/** The inspection's smaller rules: its notes, which duplicates are unexpected, one price per product. */
import { type Expected, type ViolationKind, violationKinds } from "./InspectionReport.js"

/** What the report says of the checks that did not apply, and of what was expected. */
export const notesOf = (
  sessionChecks: boolean,
  checkCarts: boolean,
  expected: Expected | undefined,
  reference: boolean,
) => [
  ...(!reference && (expected?.priceChanges ?? 0) > 0
    ? [
        "the run changed prices (its summary): unit prices are not checked; give --reference-topics to " +
          "check each purchase against the price valid at its time",
      ]
    : []),
  ...(sessionChecks
    ? []
    : [
        "independent mode: per-record checks, unit prices and duplicates only; session invariants " +
          "do not apply",
      ]),
  ...(sessionChecks && !checkCarts
    ? [
        (expected?.transactions?.aborted ?? 0) > 0
          ? "the run aborted transactions on purpose: purchases are not checked against carts"
          : "read from a point in time: purchases are not checked against earlier carts",
      ]
    : []),
  ...(expected === undefined
    ? []
    : [
        `told the run injected ${expected.late} late events and ` +
          `${expected.duplicatesInjected} duplicates: those are expected`,
      ]),
]

/** Duplicates other than the injected ones, or injected ones missing; resent ones are allowed. */
export const unexpectedOf = (found: number, expected: Expected) => {
  const injected = expected.duplicatesInjected
  if (found < injected) return injected - found
  return Math.max(0, found - injected - expected.duplicatesPossible)
}

/**
 * A product's unit price, remembered the first time; a later different one (by a cent or more) is a finding.
 */
export const priceChange = (known: Map<string, number>, productId: string, unitPrice: number) => {
  const first = known.get(productId)
  if (first === undefined) known.set(productId, unitPrice)
  else if (Math.abs(first - unitPrice) >= 0.01)
    return {
      path: "metadata.totalAmount",
      reason: `${productId} costs ${unitPrice.toFixed(2)} a unit here, ${first.toFixed(2)} earlier`,
    }
  return undefined
}

/** The violations that count: session checks in sessions mode only, and not what the run injected. */
export const reportedViolations = (
  found: Readonly<Record<ViolationKind, number>>,
  applies: { readonly sessionChecks: boolean; readonly lateExpected: boolean },
): Record<ViolationKind, number> => ({
  purchaseWithoutAddToCart: applies.sessionChecks ? found.purchaseWithoutAddToCart : 0,
  inconsistentUnitPrice: found.inconsistentUnitPrice,
  // Injected late events make sessions go back in time: that is the lateness asked for.
  timeBackwards: applies.sessionChecks && !applies.lateExpected ? found.timeBackwards : 0,
  orphanEvent: found.orphanEvent,
  priceNotValidThen: found.priceNotValidThen,
})

export const zeroViolations = () =>
  Object.fromEntries(violationKinds.map((k) => [k, 0])) as Record<ViolationKind, number>
