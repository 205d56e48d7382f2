/**
 * Reference data that changes while the events stream (README "Reference data that changes"):
 * prices change, customers move tier or region, products are discontinued, customers delete their
 * accounts. Each kind has a rate per entity per day; changes happen at random instants of event time
 * (a Poisson process drawn from its own PRNG), and the events agree with the data valid at their time.
 */
import type { CustomerEntity, Entity, ProductEntity } from "./Reference.js"

export const kinds = ["priceChanges", "customerUpdates", "productDeletes", "customerDeletes"] as const
export type Kind = (typeof kinds)[number]

/** Changes per entity per day, by kind (0: none of that kind). */
export type Rates = Readonly<Record<Kind, number>>

export const none: Rates = { priceChanges: 0, customerUpdates: 0, productDeletes: 0, customerDeletes: 0 }

/**
 * `--entity-changes realistic`: a product is repriced about every 10 days, a customer changes tier
 * or region about every 100 days; 1 product in 500 is discontinued a day, 1 customer in 1,000
 * deletes their account a day.
 */
export const realistic: Rates = {
  priceChanges: 0.1,
  customerUpdates: 0.01,
  productDeletes: 0.002,
  customerDeletes: 0.001,
}

export const isOn = (rates: Rates | undefined): rates is Rates =>
  rates !== undefined && kinds.some((k) => rates[k] > 0)

/** The entity each kind changes. */
export const entityOf: Record<Kind, Entity> = {
  priceChanges: "product",
  customerUpdates: "customer",
  productDeletes: "product",
  customerDeletes: "customer",
}

/**
 * One change to a reference topic: key = `id`, record timestamp = `atMs`, value = the whole new
 * entity, or null for a delete (a tombstone).
 */
export interface Change {
  readonly kind: Kind
  readonly atMs: number
  readonly entity: Entity
  readonly id: string
  readonly value: ProductEntity | CustomerEntity | null
}

/** Counts of changes by kind. */
export type Counts = Record<Kind, number>

export const zeroCounts = (): Counts => ({
  priceChanges: 0,
  customerUpdates: 0,
  productDeletes: 0,
  customerDeletes: 0,
})
