/**
 * Reference data behind the ids of the events, for pipelines to join against (README "Reference
 * topics"): each product of the catalog and each customer of the pool as an entity with its own
 * contract. Like the catalog, an entity depends only on its index, never on the run's seed, so every
 * run that writes to a topic agrees on what prod-00042 costs and where cust-000042 lives.
 */
import { Result, Schema } from "effect"
import { type Catalog, customerId, type Product } from "./Catalog.js"
import { Amount, CategorySchema, CustomerId, ProductId } from "./CustomerEvent.js"
import { draft7 } from "./internal/draft7.js"
import { Prng } from "./internal/Prng.js"

export const regions = ["north-america", "south-america", "europe", "asia", "oceania", "africa"] as const
export const tiers = ["standard", "silver", "gold", "platinum"] as const

const literals = <const L extends ReadonlyArray<string>>(values: L) =>
  Schema.Literals(values).annotate({ expected: `one of ${values.join(", ")}` })

export const ProductEntity = Schema.Struct({
  productId: ProductId,
  name: Schema.NonEmptyString,
  category: CategorySchema,
  unitPrice: Amount,
}).annotate({
  identifier: "Product",
  title: "Product",
  description: "A product of the catalog; a purchase's totalAmount is quantity x unitPrice.",
})
export type ProductEntity = typeof ProductEntity.Type

/** A calendar date, YYYY-MM-DD. */
const CalendarDate = Schema.String.check(
  Schema.isPattern(/^\d{4}-\d{2}-\d{2}$/u, { expected: "a date such as 2026-11-30" }),
).annotate({ format: "date" })

export const RegionSchema = literals(regions)
export const TierSchema = literals(tiers)

export const CustomerEntity = Schema.Struct({
  customerId: CustomerId,
  name: Schema.NonEmptyString,
  region: RegionSchema,
  tier: TierSchema,
  signupDate: CalendarDate,
}).annotate({
  identifier: "Customer",
  title: "Customer",
  description: "A customer of the pool: where they live, their loyalty tier, when they signed up.",
})
export type CustomerEntity = typeof CustomerEntity.Type

const nouns: Record<Product["category"], ReadonlyArray<string>> = {
  electronics: ["Headphones", "Charger", "Smart Speaker", "Keyboard", "Monitor", "Camera", "Tablet"],
  books: ["Novel", "Cookbook", "Field Guide", "Biography", "Atlas", "Poetry Collection"],
  clothing: ["Jacket", "T-Shirt", "Jeans", "Sweater", "Scarf", "Sneakers", "Dress"],
  home: ["Lamp", "Cushion", "Skillet", "Kettle", "Throw Blanket", "Vase", "Knife Set"],
  beauty: ["Face Cream", "Shampoo", "Lip Balm", "Perfume", "Serum", "Nail Polish"],
  sports: ["Yoga Mat", "Running Shoes", "Water Bottle", "Dumbbells", "Tennis Racket", "Helmet"],
  toys: ["Puzzle", "Building Set", "Plush Bear", "Board Game", "Kite", "Toy Train"],
  grocery: ["Coffee Beans", "Olive Oil", "Green Tea", "Dark Chocolate", "Pasta", "Honey"],
}
const adjectives = ["Classic", "Compact", "Deluxe", "Everyday", "Organic", "Pro", "Vintage", "Wireless"]
const firstNames = ["Ava", "Ben", "Chloe", "Diego", "Emma", "Farah", "Hiro", "Ines", "Jonas", "Kemi", "Liam"]
const moreFirstNames = ["Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Yuki", "Zoe"]
const lastNames = ["Adeyemi", "Brown", "Chen", "Dubois", "Garcia", "Haddad", "Ivanova", "Kim", "Larsen"]
const moreLastNames = ["Martin", "Nakamura", "Okafor", "Patel", "Rossi", "Silva", "Schmidt", "Walsh"]
const allFirst = [...firstNames, ...moreFirstNames]
const allLast = [...lastNames, ...moreLastNames]
/** Shares of the customers by region and by tier. */
const regionWeights = [0.34, 0.08, 0.3, 0.2, 0.04, 0.04]
const tierWeights = [0.62, 0.24, 0.11, 0.03]

// Fixed seed of the customer attributes, independent of the run's seed (like the catalog's).
const customerSeed = 0x5eed_c057

const pickWeighted = (u: number, weights: ReadonlyArray<number>): number => {
  let acc = 0
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]!
    if (u < acc) return i
  }
  return weights.length - 1
}

/** The product's entity: its name is drawn from its id, so it is stable too. */
export const product = (p: Product): ProductEntity => {
  const rng = Prng.fromNumber(Number(p.id.slice(5)) * 0x2545f491)
  const noun = nouns[p.category]
  return {
    productId: p.id,
    name: `${adjectives[rng.int(adjectives.length)]} ${noun[rng.int(noun.length)]}`,
    category: p.category,
    unitPrice: p.unitPrice,
  }
}

const signupFrom = Date.UTC(2015, 0, 1)
const signupTo = Date.UTC(2026, 6, 1)
const dayMs = 86_400_000

/** The customer at an index of the pool (cust-000001 is index 0). */
export const customer = (index: number): CustomerEntity => {
  const rng = Prng.fromNumber(customerSeed ^ Math.imul(index + 1, 0x9e3779b1))
  const signup = signupFrom + Math.floor(rng.next() * ((signupTo - signupFrom) / dayMs)) * dayMs
  return {
    customerId: customerId(index),
    name: `${allFirst[rng.int(allFirst.length)]} ${allLast[rng.int(allLast.length)]}`,
    region: regions[pickWeighted(rng.next(), regionWeights)]!,
    tier: tiers[pickWeighted(rng.next(), tierWeights)]!,
    signupDate: new Date(signup).toISOString().slice(0, 10),
  }
}

/** Every product of the catalog, as entities, one at a time (a big catalog is never held whole). */
export function* products(catalog: Catalog): Generator<ProductEntity> {
  for (let i = 0; i < catalog.size; i++) yield product(catalog.at(i))
}

/** The customers of a pool of that size, one at a time (a big pool is never held whole). */
export function* customers(size: number): Generator<CustomerEntity> {
  for (let i = 0; i < size; i++) yield customer(i)
}

export const entities = ["product", "customer"] as const
export type Entity = (typeof entities)[number]

/** The JSON Schema (Draft 7) of an entity, printed by `schema --entity product|customer`. */
export const jsonSchema = (entity: Entity): Record<string, unknown> =>
  draft7(entity === "product" ? ProductEntity : CustomerEntity, `urn:customer-events:schema:${entity}:1`)

/** Checks a value against an entity's contract; extra properties are errors. */
export const decode = (
  entity: Entity,
  value: unknown,
): Result.Result<ProductEntity | CustomerEntity, string> =>
  Result.mapError(
    Schema.decodeUnknownResult(entity === "product" ? ProductEntity : CustomerEntity)(value, {
      errors: "first",
      onExcessProperty: "error",
    }),
    (error) => error.message,
  )
