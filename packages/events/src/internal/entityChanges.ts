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
import { repriced } from "./events.js"
import type { Prng } from "./Prng.js"
import type { CustomerShare } from "./Shop.js"

const dayMs = 86_400_000

interface PriceFrom {
  readonly fromMs: number
  readonly price: number
}

/** Flags for up to this many entities (a byte each); a set of the deleted ones beyond. */
const flaggedUpTo = 1_000_000

/**
 * The deleted entities by index: asked on every draw, so a lookup in a byte array rather than a
 * hash of an id; a pool too big for one byte each keeps a set (at most half of it is deleted).
 */
class DeletedIndices {
  private readonly flags: Uint8Array | undefined
  private readonly set = new Set<number>()

  constructor(size: number) {
    this.flags = size <= flaggedUpTo ? new Uint8Array(size) : undefined
  }

  add(index: number): void {
    if (this.flags === undefined) this.set.add(index)
    else this.flags[index] = 1
  }

  has(index: number): boolean {
    return this.flags === undefined ? this.set.has(index) : this.flags[index] === 1
  }
}

export class EntityChanges {
  private nextMs: number | undefined
  private readonly weights: Array<number>
  private readonly ratePerMs: number
  private readonly owned: number
  /** Each changed product's prices, oldest first, back to `horizonMs` before the latest change. */
  private readonly prices = new Map<string, Array<PriceFrom>>()
  /** The updated customers' latest versions, by their index among those this instance owns. */
  private readonly updated = new Map<number, CustomerEntity>()
  readonly goneProducts: Array<Product> = []
  readonly goneCustomers: Array<string> = []
  private readonly goneProductIndices: DeletedIndices
  /** By the index among the customers this instance owns (what Shop draws). */
  private readonly goneOwned: DeletedIndices
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
    this.goneProductIndices = new DeletedIndices(catalog.size)
    this.goneOwned = new DeletedIndices(this.owned)
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

  productGone(p: Product): boolean {
    return this.goneProductIndices.has(p.index)
  }

  /** Whether the k-th customer this instance owns is deleted. */
  ownedCustomerGone(k: number): boolean {
    return this.goneOwned.has(k)
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
    return totalAmount === event.metadata.totalAmount ? event : repriced(event, totalAmount)
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
    if (this.goneProductIndices.has(p.index)) return undefined
    if (kind === "productDeletes") {
      if (this.goneProducts.length * 2 >= this.catalog.size) return undefined
      this.goneProductIndices.add(p.index)
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
    if (this.goneOwned.has(k)) return undefined
    const index = this.customers.instance - 1 + k * this.customers.of
    if (kind === "customerDeletes") {
      if (this.goneCustomers.length * 2 >= this.owned) return undefined
      const id = customerId(index)
      this.goneOwned.add(k)
      this.goneCustomerIds.add(id)
      this.deletes++
      this.goneCustomers.push(id)
      this.updated.delete(k)
      return { kind, atMs, entity: "customer", id, value: null }
    }
    const next = this.moved(this.updated.get(k) ?? customer(index))
    this.updated.set(k, next)
    return { kind, atMs, entity: "customer", id: next.customerId, value: next }
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
