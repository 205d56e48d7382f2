/**
 * The reference data as it changes over event time (EntityChanges): which changes are due by an
 * instant, what is deleted, the price of a product at an instant (late events are priced at their
 * own, earlier time). Drawn from its own PRNG. A kind picks an entity uniformly and skips it when it
 * is deleted already, so each kind's rate is per entity still there; deletes stop at half of the
 * catalog or pool, so there is always plenty left to draw.
 */
import { type Catalog, customerId, type Product, shopPrice } from "../Catalog.js"
import type { CustomerEvent } from "../CustomerEvent.js"
import {
  type Change,
  type Counts,
  entityOf,
  type Kind,
  kinds,
  type Rates,
  zeroCounts,
} from "../EntityChanges.js"
import { type CustomerEntity, customer, product, regions, tiers } from "../Reference.js"
import type { Prng } from "./Prng.js"
import type { CustomerShare } from "./Shop.js"

const dayMs = 86_400_000

interface PriceFrom {
  readonly fromMs: number
  readonly price: number
}

export class EntityChanges {
  private nextMs: number | undefined
  private readonly weights: Array<number>
  private readonly ratePerMs: number
  private readonly owned: number
  /** Each changed product's prices, oldest first, back to `horizonMs` before the latest change. */
  private readonly prices = new Map<string, Array<PriceFrom>>()
  private readonly updated = new Map<string, CustomerEntity>()
  readonly goneProducts: Array<Product> = []
  readonly goneCustomers: Array<string> = []
  private readonly goneProductIds = new Set<string>()
  private readonly goneCustomerIds = new Set<string>()
  private due: Array<Change> = []
  deletes = 0
  readonly counts: Counts = zeroCounts()

  constructor(
    private readonly rng: Prng,
    rates: Rates,
    private readonly catalog: Catalog,
    private readonly customers: CustomerShare,
    /** How far back an event time can lie (late events): older prices are forgotten. */
    private readonly horizonMs: number,
  ) {
    this.owned = Math.floor((customers.size - customers.instance + customers.of) / customers.of)
    this.weights = kinds.map((k) => rates[k] * (entityOf[k] === "product" ? catalog.size : this.owned))
    this.ratePerMs = this.weights.reduce((a, b) => a + b, 0) / dayMs
  }

  /** Applies the changes due by `ms` (the first call starts the clock of changes). */
  advanceTo(ms: number): void {
    if (this.ratePerMs === 0) return
    this.nextMs ??= ms + this.gap()
    while (this.nextMs <= ms) {
      this.apply(Math.floor(this.nextMs))
      this.nextMs += this.gap()
    }
  }

  /** The changes applied since the last call, in time order. */
  drain(): Array<Change> {
    const out = this.due
    this.due = []
    return out
  }

  productGone(id: string): boolean {
    return this.goneProductIds.has(id)
  }

  customerGone(id: string): boolean {
    return this.goneCustomerIds.has(id)
  }

  /** A purchase priced at the unit price valid at `ms`, its event time. */
  priced(event: CustomerEvent, ms: number): CustomerEvent {
    if (event.eventType !== "purchase") return event
    const history = this.prices.get(event.productId)
    if (history === undefined) return event
    let price = history[0]!.price
    for (let i = history.length - 1; i >= 0; i--)
      if (history[i]!.fromMs <= ms) {
        price = history[i]!.price
        break
      }
    const totalAmount = Math.round(price * 100 * event.metadata.quantity) / 100
    if (totalAmount === event.metadata.totalAmount) return event
    return { ...event, metadata: { ...event.metadata, totalAmount } }
  }

  private gap(): number {
    return -Math.log(1 - this.rng.next()) / this.ratePerMs
  }

  private apply(atMs: number): void {
    let u = this.rng.next() * this.ratePerMs * dayMs
    let k = 0
    while (k < kinds.length - 1 && u >= this.weights[k]!) u -= this.weights[k++]!
    const kind = kinds[k]!
    const change =
      entityOf[kind] === "product"
        ? this.productChange(kind, this.catalog.at(this.rng.int(this.catalog.size)), atMs)
        : this.customerChange(kind, this.rng.int(this.owned), atMs)
    if (change === undefined) return
    this.counts[kind]++
    this.due.push(change)
  }

  private productChange(kind: Kind, p: Product, atMs: number): Change | undefined {
    if (this.goneProductIds.has(p.id)) return undefined
    if (kind === "productDeletes") {
      if (this.goneProducts.length * 2 >= this.catalog.size) return undefined
      this.goneProductIds.add(p.id)
      this.deletes++
      this.goneProducts.push(p)
      return { kind, atMs, entity: "product", id: p.id, value: null }
    }
    const history = this.prices.get(p.id) ?? [{ fromMs: Number.NEGATIVE_INFINITY, price: p.unitPrice }]
    const old = history[history.length - 1]!.price
    const price = this.newPrice(old)
    history.push({ fromMs: atMs, price })
    // Prices older than any event time still to come are never asked for again.
    while (history.length > 2 && history[1]!.fromMs <= atMs - this.horizonMs) history.shift()
    this.prices.set(p.id, history)
    return { kind, atMs, entity: "product", id: p.id, value: { ...product(p), unitPrice: price } }
  }

  /** A markdown (60%: 5 to 30% off) or an increase (3 to 18%), ending in .99 or .49 like the rest. */
  private newPrice(old: number): number {
    const change = this.rng.next() < 0.6 ? -(0.05 + 0.25 * this.rng.next()) : 0.03 + 0.15 * this.rng.next()
    const price = shopPrice(old * (1 + change), this.rng)
    return price === old ? price + 1 : price
  }

  private customerChange(kind: Kind, k: number, atMs: number): Change | undefined {
    const index = this.customers.instance - 1 + k * this.customers.of
    const id = customerId(index)
    if (this.goneCustomerIds.has(id)) return undefined
    if (kind === "customerDeletes") {
      if (this.goneCustomers.length * 2 >= this.owned) return undefined
      this.goneCustomerIds.add(id)
      this.deletes++
      this.goneCustomers.push(id)
      this.updated.delete(id)
      return { kind, atMs, entity: "customer", id, value: null }
    }
    const now = this.updated.get(id) ?? customer(index)
    const next = this.moved(now)
    this.updated.set(id, next)
    return { kind, atMs, entity: "customer", id, value: next }
  }

  /** Most updates move the loyalty tier a step (up more often than down); the rest move region. */
  private moved(c: CustomerEntity): CustomerEntity {
    if (this.rng.next() < 0.7) {
      const at = tiers.indexOf(c.tier)
      const up = at === 0 || (at < tiers.length - 1 && this.rng.next() < 0.65)
      return { ...c, tier: tiers[up ? at + 1 : at - 1]! }
    }
    const at = regions.indexOf(c.region)
    return { ...c, region: regions[(at + 1 + this.rng.int(regions.length - 1)) % regions.length]! }
  }
}
