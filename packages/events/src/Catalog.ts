/**
 * The product catalog and the customer pool. Both depend only on their sizes, never on the run's
 * seed: product N has the same category and unit price in every run, so prices stay consistent
 * across runs that write to the same topic.
 */
import { type Category, categories } from "./CustomerEvent.js"
import { cumulate, Prng } from "./internal/Prng.js"

export interface Product {
  /** Its popularity rank, from 0 (the most popular). */
  readonly index: number
  readonly id: string
  readonly category: Category
  /** Unit price with 2 decimals, in a plausible range for the category. */
  readonly unitPrice: number
  /** Relative popularity (Zipf-like: a few products take most views). */
  readonly popularity: number
}

/**
 * A catalog of any size at a bounded cost: a product is derived from its index (by hashing), and
 * only the most popular ones are held in memory, for the draws that need a list.
 */
export interface Catalog {
  readonly size: number
  /** The product at a popularity rank (0 is the most popular). */
  readonly at: (index: number) => Product
  /** The product with that id, if this catalog has it. */
  readonly find: (id: string) => Product | undefined
  /** The most popular products: the whole catalog up to `heldProducts`, the first ones beyond. */
  readonly popular: ReadonlyArray<Product>
  readonly popularByCategory: ReadonlyMap<Category, ReadonlyArray<Product>>
  /** Cumulative popularity of `popular`: an exact table draw for a catalog held whole. */
  readonly cumulativePopularity: Float64Array
}

/** Products held in memory at most (about 6 MB): a bigger catalog draws the rest without a table. */
export const heldProducts = 50_000

export const defaultProducts = 500
export const defaultCustomers = 5000

/** Zipf exponent: with 500 products the top 10% take a little over half of the views. */
export const zipfExponent = 1.05

/** Price ranges (low, high) per category; prices are drawn log-uniformly inside. */
const priceRanges: Record<Category, readonly [number, number]> = {
  electronics: [15, 1500],
  books: [5, 60],
  clothing: [8, 250],
  home: [6, 600],
  beauty: [4, 120],
  sports: [8, 500],
  toys: [5, 150],
  grocery: [1, 40],
}

// Fixed seed of the catalog, independent of the run's seed.
const catalogSeed = 0x5eed_ca7a

const productId = (index: number): string => `prod-${String(index + 1).padStart(5, "0")}`

/** Prices end in .99 or .49, as shop prices do; always 2 decimals and > 0. */
export const shopPrice = (raw: number, rng: Prng): number => {
  const whole = Math.max(0, Math.floor(raw))
  return whole + (rng.next() < 0.75 ? 0.99 : 0.49)
}

const makeProduct = (index: number): Product => {
  const rng = Prng.fromNumber(catalogSeed ^ Math.imul(index + 1, 0x9e3779b1))
  const category = categories[rng.int(categories.length)]!
  const [low, high] = priceRanges[category]
  const raw = Math.exp(Math.log(low) + rng.next() * (Math.log(high) - Math.log(low)))
  return {
    index,
    id: productId(index),
    category,
    unitPrice: shopPrice(raw, rng),
    popularity: 1 / (index + 1) ** zipfExponent,
  }
}

/** The catalog of `size` products (prod-00001 is the most popular). */
export const makeCatalog = (size: number = defaultProducts): Catalog => {
  if (!Number.isInteger(size) || size < 2)
    throw new RangeError(`products must be an integer >= 2, got ${size}`)
  const popular = Array.from({ length: Math.min(size, heldProducts) }, (_, i) => makeProduct(i))
  const popularByCategory = new Map<Category, Array<Product>>()
  for (const product of popular) {
    const list = popularByCategory.get(product.category)
    if (list) list.push(product)
    else popularByCategory.set(product.category, [product])
  }
  const at = (index: number) => popular[index] ?? makeProduct(index)
  return {
    size,
    at,
    find: (id) => {
      const index = indexOf(id)
      return index !== undefined && index < size ? at(index) : undefined
    },
    popular,
    popularByCategory,
    cumulativePopularity: cumulate(popular.map((p) => p.popularity)),
  }
}

/**
 * The product behind an id, whatever the catalog's size (product N is the same in every catalog):
 * for readers of a topic that do not know the run's --products. Undefined for an id no catalog makes.
 */
export const productOf = (id: string): Product | undefined => {
  const index = indexOf(id)
  return index === undefined ? undefined : makeProduct(index)
}

/** The popularity rank a product id stands for, if it is one some catalog makes. */
const indexOf = (id: string): number | undefined => {
  const match = /^prod-(\d{5,})$/.exec(id)
  const index = match === null ? -1 : Number(match[1]) - 1
  return index < 0 || productId(index) !== id ? undefined : index
}

/** The customer id at an index of the pool: cust-000001 first. */
export const customerId = (index: number): string => `cust-${String(index + 1).padStart(6, "0")}`

/** Total price of a quantity, rounded to cents. */
export const totalAmount = (product: Product, quantity: number): number =>
  Math.round(product.unitPrice * 100 * quantity) / 100
