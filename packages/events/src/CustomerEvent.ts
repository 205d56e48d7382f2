/**
 * The customer event contract (DESIGN.md "The event"): one Effect Schema per event type, their
 * discriminated union, JSON string codecs, the JSON Schema, and decode errors that name the path.
 */
import { Data, Result, Schema, type SchemaIssue } from "effect"
import { draft7 } from "./internal/draft7.js"
import { issueLines, showActual } from "./internal/issueText.js"

/** The contract's versions: 2 adds the optional deviceType. Sent in the `schema-version` header. */
export const schemaVersions = ["1", "2"] as const
export type SchemaVersion = (typeof schemaVersions)[number]
/** The default version, and the one every version-1 record says. */
export const schemaVersion: SchemaVersion = "1"

/** Closed sets, in the order the README documents them. */
export const categories = [
  "electronics",
  "books",
  "clothing",
  "home",
  "beauty",
  "sports",
  "toys",
  "grocery",
] as const
export const viewSources = ["search", "recommendation", "direct", "ad", "email", "social"] as const
export const paymentMethods = [
  "credit_card",
  "debit_card",
  "paypal",
  "apple_pay",
  "google_pay",
  "gift_card",
] as const
export const algorithms = [
  "collaborative_filtering",
  "content_based",
  "trending",
  "frequently_bought_together",
  "recently_viewed",
] as const
export const eventTypes = ["productView", "addToCart", "purchase", "recommendationClick"] as const

export type Category = (typeof categories)[number]
export type ViewSource = (typeof viewSources)[number]
export type PaymentMethod = (typeof paymentMethods)[number]
export type Algorithm = (typeof algorithms)[number]
export type EventType = (typeof eventTypes)[number]

// The `u` flag lets the pattern be published in the JSON Schema.
const isoMillisUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/u

/** A check on one field, named by what it expects: the decode error says `expected <what>, got ...`. */
const checked = <T>(what: string, predicate: (value: T) => boolean) =>
  Schema.makeFilter<T>((value) => predicate(value), { expected: what })

/** ISO-8601 UTC with milliseconds, e.g. 2026-11-30T15:04:05.123Z, and a real calendar instant. */
const timestampText = "an ISO-8601 UTC timestamp with milliseconds (2026-11-30T15:04:05.123Z)"
export const Timestamp = Schema.String.annotate({ format: "date-time" }).check(
  Schema.isPattern(isoMillisUtc, { expected: timestampText }),
  checked<string>(timestampText, (s) => new Date(s).toISOString() === s),
)

const NonEmpty = (what: string) => Schema.String.check(Schema.isNonEmpty({ expected: what }))

export const EventId = Schema.String.check(Schema.isUUID(undefined, { expected: "a UUID" }))
export const CustomerId = NonEmpty("a non-empty customer id")
export const ProductId = NonEmpty("a non-empty product id")
export const SessionId = NonEmpty("a non-empty session id")

// Documentation goes on the base schema: annotate() after check() would annotate the last check.
export const Quantity = Schema.Number.annotate({ description: "an integer >= 1" }).check(
  Schema.isInt({ expected: "an integer >= 1" }),
  Schema.isGreaterThanOrEqualTo(1, { expected: "an integer >= 1" }),
)

/**
 * Money: > 0 with at most 2 decimals. The JSON Schema says "two decimals" in words only: `multipleOf:
 * 0.01` is checked by dividing in binary floating point, which rejects valid amounts such as 17.97.
 */
const amountText = "a number > 0 with at most 2 decimals"
export const Amount = Schema.Finite.annotate({
  description: "an amount > 0 with at most two decimals (e.g. 19.99), in the currency of the shop",
}).check(
  Schema.isGreaterThan(0, { expected: amountText }),
  checked<number>(amountText, (n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6),
)

const literalOf = <const L extends ReadonlyArray<string>>(values: L, what: string) =>
  Schema.Literals(values).annotate({ expected: `${what} (one of ${values.join(", ")})` })

export const CategorySchema = literalOf(categories, "a category")
export const ViewSourceSchema = literalOf(viewSources, "a source")
export const PaymentMethodSchema = literalOf(paymentMethods, "a payment method")
export const AlgorithmSchema = literalOf(algorithms, "an algorithm")

export const deviceTypes = ["mobile", "desktop", "tablet"] as const
export type DeviceType = (typeof deviceTypes)[number]
export const DeviceTypeSchema = literalOf(deviceTypes, "a device type")

// Field order here is the JSON field order: eventId and eventType come first.
const common = {
  customerId: CustomerId,
  productId: ProductId,
  sessionId: SessionId,
  timestamp: Timestamp,
}

/**
 * Version 2 of the contract adds the session's device type after the metadata, optional: version 1
 * events are version 2 events too.
 */
const device = { deviceType: Schema.optionalKey(DeviceTypeSchema) }

const productViewFields = {
  eventId: EventId,
  eventType: Schema.Literal("productView"),
  ...common,
  metadata: Schema.Struct({ category: CategorySchema, source: ViewSourceSchema }),
}
const productViewDoc = { identifier: "ProductView", description: "A customer viewed a product page." }

const addToCartFields = {
  eventId: EventId,
  eventType: Schema.Literal("addToCart"),
  ...common,
  metadata: Schema.Struct({ quantity: Quantity }),
}
const addToCartDoc = {
  identifier: "AddToCart",
  description: "A customer put a quantity of a product in the cart.",
}

const purchaseFields = {
  eventId: EventId,
  eventType: Schema.Literal("purchase"),
  ...common,
  metadata: Schema.Struct({ quantity: Quantity, totalAmount: Amount, paymentMethod: PaymentMethodSchema }),
}
const purchaseDoc = {
  identifier: "Purchase",
  description: "A customer bought a carted product; totalAmount = quantity x unit price.",
}

const recommendationClickFields = {
  eventId: EventId,
  eventType: Schema.Literal("recommendationClick"),
  ...common,
  metadata: Schema.Struct({ recommendedProductId: ProductId, algorithm: AlgorithmSchema }),
}
const recommendationClickDoc = {
  identifier: "RecommendationClick",
  // JSON Schema cannot compare two fields: the rule is stated for validators' readers.
  description:
    "A customer clicked a product recommended on the page of productId; recommendedProductId is " +
    "never productId.",
}
const recommendsAnother = Schema.makeFilter(
  (e: { readonly productId: string; readonly metadata: { readonly recommendedProductId: string } }) =>
    e.metadata.recommendedProductId === e.productId
      ? {
          path: ["metadata", "recommendedProductId"],
          issue: `expected a product other than productId, got ${showActual(e.productId)}`,
        }
      : undefined,
)

export const ProductView = Schema.Struct({ ...productViewFields, ...device }).annotate(productViewDoc)
export const AddToCart = Schema.Struct({ ...addToCartFields, ...device }).annotate(addToCartDoc)
export const Purchase = Schema.Struct({ ...purchaseFields, ...device }).annotate(purchaseDoc)
export const RecommendationClick = Schema.Struct({ ...recommendationClickFields, ...device })
  .annotate(recommendationClickDoc)
  .check(recommendsAnother)

export type ProductView = typeof ProductView.Type
export type AddToCart = typeof AddToCart.Type
export type Purchase = typeof Purchase.Type
export type RecommendationClick = typeof RecommendationClick.Type

const eventAnnotations = {
  identifier: "CustomerEvent",
  title: "Customer event",
  description: "An e-commerce customer event, the JSON value of each Kafka record (customer-events).",
}

/** The event: a union discriminated by `eventType`; version 2's optional deviceType accepted. */
export const CustomerEvent = Schema.Union([ProductView, AddToCart, Purchase, RecommendationClick]).annotate(
  eventAnnotations,
)
export type CustomerEvent = typeof CustomerEvent.Type

/** Version 1 of the contract exactly: what version 1's schemas (JSON Schema, Avro, .proto) publish. */
export const CustomerEventV1 = Schema.Union([
  Schema.Struct(productViewFields).annotate(productViewDoc),
  Schema.Struct(addToCartFields).annotate(addToCartDoc),
  Schema.Struct(purchaseFields).annotate(purchaseDoc),
  Schema.Struct(recommendationClickFields).annotate(recommendationClickDoc).check(recommendsAnother),
]).annotate(eventAnnotations)

/** A value that is not a valid event: every issue with its dotted path. */
export class EventDecodeError extends Data.TaggedError("EventDecodeError")<{
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>
}> {
  override get message(): string {
    return this.issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("; ")
  }
}

const decodeOptions = { errors: "all", onExcessProperty: "error", reportInput: true } as const
const decodeUnknown = Schema.decodeUnknownResult(CustomerEvent)

const toDecodeError = (error: SchemaIssue.Issue): EventDecodeError =>
  new EventDecodeError({
    issues: issueLines(error).map((issue) => ({ path: issue.path.join("."), message: issue.message })),
  })

/**
 * An object whose eventType is none of the four: named here, because the union, which picks its
 * member by eventType, would only say that the whole value is no event.
 */
const unknownEventType = (input: unknown): EventDecodeError | undefined => {
  if (typeof input !== "object" || input === null || !("eventType" in input)) return undefined
  const type = input.eventType
  if (eventTypes.includes(type as EventType)) return undefined
  const message = `expected one of ${eventTypes.join(", ")}, got ${showActual(type)}`
  return new EventDecodeError({ issues: [{ path: "eventType", message }] })
}

/** Checks any value against the contract; extra properties are errors. */
export const decode = (input: unknown): Result.Result<CustomerEvent, EventDecodeError> => {
  const typeError = unknownEventType(input)
  if (typeError !== undefined) return Result.fail(typeError)
  return Result.mapError(decodeUnknown(input, decodeOptions), (error) => toDecodeError(error.issue))
}

/** Parses and checks a JSON string (a record value, an NDJSON line). */
export const decodeJson = (json: string): Result.Result<CustomerEvent, EventDecodeError> => {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (cause) {
    return Result.fail(
      new EventDecodeError({
        issues: [
          { path: "", message: `not JSON: ${cause instanceof Error ? cause.message : String(cause)}` },
        ],
      }),
    )
  }
  return decode(value)
}

/**
 * Encodes an event to its JSON string. Events are plain data in contract field order, so this
 * is JSON.stringify: byte-identical for identical events, and fast on the hot path.
 */
export const encodeJson = (event: CustomerEvent): string => JSON.stringify(event)

/** The published schema's identity: its version follows the `schema-version` header. */
export const schemaIdOf = (version: SchemaVersion) => `urn:customer-events:schema:customer-event:${version}`
export const schemaId = schemaIdOf(schemaVersion)

/**
 * The JSON Schema (Draft 7) of an event, printed by the producer's `schema` command: the union at
 * the root (no top-level "$ref"), its parts under Draft 7's "definitions".
 */
export const jsonSchema = (version: SchemaVersion = schemaVersion): Record<string, unknown> =>
  version === "1" ? draft7(CustomerEventV1, schemaIdOf("1")) : draft7(CustomerEvent, schemaIdOf("2"))
