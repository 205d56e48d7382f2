/**
 * The shop a generator draws from: its catalog (Zipf-popular products) and its customers (the
 * instance's share of the pool). Neither is held whole: a big catalog is drawn without a table, and
 * a customer is an index turned into an id.
 */
import { type Catalog, customerId, heldProducts, type Product, zipfExponent } from "../Catalog.js"
import { type Prng, pickCumulative } from "./Prng.js"
import { ZipfSampler } from "./zipf.js"

/** Which customers an instance owns: index i of the pool with i mod `of` = `instance` - 1. */
export interface CustomerShare {
  readonly size: number
  /** 1-based. */
  readonly instance: number
  readonly of: number
}

/** What is deleted (EntityChanges): never drawn again. */
export interface Gone {
  readonly productGone: (p: Product) => boolean
  /** By the index among the customers this instance owns. */
  readonly ownedCustomerGone: (k: number) => boolean
  /** How many deletes so far: what was checked at that count needs no checking again. */
  readonly deletes: number
}

/** Draws before a walk to the next product or customer still there (deletes stop at half of them). */
const redraws = 64

/** Customer ids made in advance up to this many (about 5 MB); a bigger pool makes each id on its draw. */
const heldCustomerIds = 100_000

export class Shop {
  /** For a catalog bigger than what is held: the table draw needs every product's weight. */
  private readonly zipf: ZipfSampler | undefined
  private readonly owned: number
  /** The owned customers' ids, made once when there are few enough (an id per draw costs a string). */
  private readonly ids: ReadonlyArray<string> | undefined
  /** With changing reference data: what is deleted, never drawn. */
  gone: Gone | undefined

  constructor(
    private readonly rng: Prng,
    readonly catalog: Catalog,
    private readonly customers: CustomerShare,
  ) {
    this.zipf = catalog.size > heldProducts ? new ZipfSampler(catalog.size, zipfExponent) : undefined
    this.owned = Math.floor((customers.size - customers.instance + customers.of) / customers.of)
    this.ids =
      this.owned > heldCustomerIds ? undefined : Array.from({ length: this.owned }, (_, k) => this.idOf(k))
  }

  /** The id of the k-th customer this instance owns. */
  private idOf(k: number): string {
    return customerId(this.customers.instance - 1 + k * this.customers.of)
  }

  /** A product, by popularity (drawn from `rng`: the shop's own by default). */
  product(rng: Prng = this.rng): Product {
    const drawn = this.drawProduct(rng)
    return this.gone?.productGone(drawn) === true ? this.productThere(rng, drawn) : drawn
  }

  private drawProduct(rng: Prng): Product {
    if (this.zipf === undefined)
      return this.catalog.popular[pickCumulative(rng, this.catalog.cumulativePopularity)]!
    return this.catalog.at(this.zipf.sample(rng) - 1)
  }

  /** Draws again until a product is still there, then walks from the last one drawn. */
  private productThere(rng: Prng, drawn: Product): Product {
    let p = drawn
    for (let i = 0; i < redraws && this.gone!.productGone(p); i++) p = this.drawProduct(rng)
    while (this.gone!.productGone(p)) p = this.catalog.at((p.index + 1) % this.catalog.size)
    return p
  }

  /** A customer of this instance's share, uniformly (one still there). */
  customer(rng: Prng = this.rng): string {
    return this.customerAt(this.customerIndex(rng))
  }

  /** As `customer`, its index among the customers this instance owns (`customerAt` names it). */
  customerIndex(rng: Prng = this.rng): number {
    let k = rng.int(this.owned)
    const gone = this.gone
    if (gone === undefined || !gone.ownedCustomerGone(k)) return k
    for (let i = 0; i < redraws && gone.ownedCustomerGone(k); i++) k = rng.int(this.owned)
    if (gone.ownedCustomerGone(k)) {
      // Then the first one still there.
      k = 0
      while (gone.ownedCustomerGone(k)) k++
    }
    return k
  }

  customerAt(k: number): string {
    return this.ids === undefined ? this.idOf(k) : this.ids[k]!
  }

  /** Most recommendations stay in the viewed product's category; never the viewed product itself. */
  recommend(viewed: Product): Product {
    const sameCategory = this.catalog.popularByCategory.get(viewed.category) ?? []
    for (let attempt = 0; attempt < 4; attempt++) {
      const candidate =
        sameCategory.length > 1 && this.rng.next() < 0.7
          ? sameCategory[Math.floor(sameCategory.length * this.rng.next() ** 2)]!
          : this.product()
      if (candidate.id !== viewed.id && this.gone?.productGone(candidate) !== true) return candidate
    }
    let next = this.catalog.at((viewed.index + 1) % this.catalog.size)
    while (this.gone?.productGone(next) === true) next = this.catalog.at((next.index + 1) % this.catalog.size)
    return next
  }
}
