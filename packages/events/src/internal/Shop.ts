/** The shop a generator draws from: its catalog (Zipf-popular products) and its customers. */
import type { Catalog, Product } from "../Catalog.js"
import { type Prng, pickCumulative } from "./Prng.js"

export class Shop {
  constructor(
    private readonly rng: Prng,
    readonly catalog: Catalog,
    private readonly customers: ReadonlyArray<string>,
  ) {}

  /** A product, by popularity (drawn from `rng`: the shop's own by default). */
  product(rng: Prng = this.rng): Product {
    return this.catalog.products[pickCumulative(rng, this.catalog.cumulativePopularity)]!
  }

  customer(rng: Prng = this.rng): string {
    return this.customers[rng.int(this.customers.length)]!
  }

  /** Most recommendations stay in the viewed product's category; never the viewed product itself. */
  recommend(viewed: Product): Product {
    const sameCategory = this.catalog.byCategory.get(viewed.category)!
    for (let attempt = 0; attempt < 4; attempt++) {
      const candidate =
        sameCategory.length > 1 && this.rng.next() < 0.7
          ? sameCategory[Math.floor(sameCategory.length * this.rng.next() ** 2)]!
          : this.product()
      if (candidate.id !== viewed.id) return candidate
    }
    const index = this.catalog.products.indexOf(viewed)
    return this.catalog.products[(index + 1) % this.catalog.products.length]!
  }
}
