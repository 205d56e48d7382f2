/** Hand-written events for the tests: one valid event of each type, and bad variants with what the decoder says. */
export const valid = {
  productView: {
    eventId: "0b8f7a4e-3c1d-4e5f-9a2b-1c3d4e5f6a7b",
    eventType: "productView",
    customerId: "cust-000001",
    productId: "prod-00001",
    sessionId: "sess-000000000001",
    timestamp: "2026-11-30T15:04:05.123Z",
    metadata: { category: "books", source: "search" },
  },
  addToCart: {
    eventId: "0b8f7a4e-3c1d-4e5f-9a2b-1c3d4e5f6a7c",
    eventType: "addToCart",
    customerId: "cust-000001",
    productId: "prod-00001",
    sessionId: "sess-000000000001",
    timestamp: "2026-11-30T15:04:06.000Z",
    metadata: { quantity: 2 },
  },
  purchase: {
    eventId: "0b8f7a4e-3c1d-4e5f-9a2b-1c3d4e5f6a7d",
    eventType: "purchase",
    customerId: "cust-000001",
    productId: "prod-00001",
    sessionId: "sess-000000000001",
    timestamp: "2026-11-30T15:04:07.000Z",
    metadata: { quantity: 2, totalAmount: 39.98, paymentMethod: "paypal" },
  },
  recommendationClick: {
    eventId: "0b8f7a4e-3c1d-4e5f-9a2b-1c3d4e5f6a7e",
    eventType: "recommendationClick",
    customerId: "cust-000001",
    productId: "prod-00001",
    sessionId: "sess-000000000001",
    timestamp: "2026-11-30T15:04:08.000Z",
    metadata: { recommendedProductId: "prod-00002", algorithm: "trending" },
  },
} as const

export const withField = (event: object, path: ReadonlyArray<string>, value: unknown): unknown => {
  const copy = structuredClone(event) as Record<string, unknown>
  let target = copy
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>
  const last = path[path.length - 1]!
  if (value === undefined) delete target[last]
  else target[last] = value
  return copy
}

/** Bad events: a name, the valid event it starts from, the path changed, the value, the decoder's message. */
export const badCases: ReadonlyArray<readonly [string, object, ReadonlyArray<string>, unknown, string]> = [
  [
    "quantity 0",
    valid.addToCart,
    ["metadata", "quantity"],
    0,
    "metadata.quantity: expected an integer >= 1, got 0",
  ],
  [
    "fractional quantity",
    valid.purchase,
    ["metadata", "quantity"],
    1.5,
    "metadata.quantity: expected an integer >= 1, got 1.5",
  ],
  ["missing quantity", valid.addToCart, ["metadata", "quantity"], undefined, "metadata.quantity: is missing"],
  [
    "negative amount",
    valid.purchase,
    ["metadata", "totalAmount"],
    -3,
    "metadata.totalAmount: expected a number > 0 with at most 2 decimals, got -3",
  ],
  [
    "amount with 3 decimals",
    valid.purchase,
    ["metadata", "totalAmount"],
    1.234,
    "metadata.totalAmount: expected a number > 0 with at most 2 decimals, got 1.234",
  ],
  [
    "unknown payment method",
    valid.purchase,
    ["metadata", "paymentMethod"],
    "cash",
    'metadata.paymentMethod: expected a payment method (one of credit_card, debit_card, paypal, apple_pay, google_pay, gift_card), got "cash"',
  ],
  [
    "unknown category",
    valid.productView,
    ["metadata", "category"],
    "cars",
    "metadata.category: expected a category",
  ],
  ["unknown source", valid.productView, ["metadata", "source"], "tv", "metadata.source: expected a source"],
  [
    "unknown algorithm",
    valid.recommendationClick,
    ["metadata", "algorithm"],
    "magic",
    "metadata.algorithm: expected an algorithm",
  ],
  [
    "self recommendation",
    valid.recommendationClick,
    ["metadata", "recommendedProductId"],
    "prod-00001",
    'metadata.recommendedProductId: expected a product other than productId, got "prod-00001"',
  ],
  ["bad uuid", valid.productView, ["eventId"], "not-a-uuid", 'eventId: expected a UUID, got "not-a-uuid"'],
  [
    "empty customer",
    valid.productView,
    ["customerId"],
    "",
    'customerId: expected a non-empty customer id, got ""',
  ],
  ["empty product", valid.addToCart, ["productId"], "", "productId: expected a non-empty product id"],
  ["empty session", valid.addToCart, ["sessionId"], "", "sessionId: expected a non-empty session id"],
  [
    "timestamp without ms",
    valid.productView,
    ["timestamp"],
    "2026-11-30T15:04:05Z",
    "timestamp: expected an ISO-8601 UTC timestamp with milliseconds",
  ],
  [
    "timestamp with offset",
    valid.productView,
    ["timestamp"],
    "2026-11-30T15:04:05.123+01:00",
    "timestamp: expected an ISO-8601 UTC timestamp",
  ],
  [
    "impossible date",
    valid.productView,
    ["timestamp"],
    "2026-02-30T15:04:05.123Z",
    "timestamp: expected an ISO-8601 UTC timestamp",
  ],
  [
    "unknown type",
    valid.productView,
    ["eventType"],
    "refund",
    'eventType: expected one of productView, addToCart, purchase, recommendationClick, got "refund"',
  ],
  ["extra field", valid.productView, ["extra"], 1, "extra: is unexpected"],
  ["extra metadata", valid.addToCart, ["metadata", "price"], 1, "metadata.price: is unexpected"],
  [
    "metadata of another type",
    valid.addToCart,
    ["metadata"],
    { category: "books", source: "search" },
    "metadata.quantity: is missing",
  ],
]
