/**
 * The product catalog and the customer pool. Both depend only on their sizes, never on the run's
 * seed: product N has the same category and unit price in every run, so prices stay consistent
 * across runs that write to the same topic.
 */
import { type Category, categories } from "./CustomerEvent.js"
import { cumulate, Prng } from "./internal/Prng.js"

export interface Product {
  readonly id: string
  readonly category: Category
  /** Unit price with 2 decimals, in a plausible range for the category. */
  readonly unitPrice: number
  /** Relative popularity (Zipf-like: a few products take most views). */
  readonly popularity: number
}

export interface Catalog {
  readonly products: ReadonlyArray<Product>
  readonly byId: ReadonlyMap<string, Product>
  readonly byCategory: ReadonlyMap<Category, ReadonlyArray<Product>>
  /** Cumulative popularity, for weighted picks. */
  readonly cumulativePopularity: Float64Array
}

export const defaultProducts = 500
export const defaultCustomers = 5000

/** Zipf exponent: with 500 products the top 10% take a little over half of the views. */
const zipfExponent = 1.05

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
const shopPrice = (raw: number, rng: Prng): number => {
  const whole = Math.max(0, Math.floor(raw))
  return whole + (rng.next() < 0.75 ? 0.99 : 0.49)
}

const makeProduct = (index: number): Product => {
  const rng = Prng.fromNumber(catalogSeed ^ Math.imul(index + 1, 0x9e3779b1))
  const category = categories[rng.int(categories.length)]!
  const [low, high] = priceRanges[category]
  const raw = Math.exp(Math.log(low) + rng.next() * (Math.log(high) - Math.log(low)))
  return {
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
  const products = Array.from({ length: size }, (_, i) => makeProduct(i))
  const byCategory = new Map<Category, Array<Product>>()
  for (const product of products) {
    const list = byCategory.get(product.category)
    if (list) list.push(product)
    else byCategory.set(product.category, [product])
  }
  return {
    products,
    byId: new Map(products.map((p) => [p.id, p])),
    byCategory,
    cumulativePopularity: cumulate(products.map((p) => p.popularity)),
  }
}

/**
 * The product behind an id, whatever the catalog's size (product N is the same in every catalog):
 * for readers of a topic that do not know the run's --products. Undefined for an id no catalog makes.
 */
export const productOf = (id: string): Product | undefined => {
  const match = /^prod-(\d{5,})$/.exec(id)
  const index = match === null ? -1 : Number(match[1]) - 1
  if (index < 0 || productId(index) !== id) return undefined
  return makeProduct(index)
}

/** The customer id at an index of the pool: cust-000001 first. */
export const customerId = (index: number): string => `cust-${String(index + 1).padStart(6, "0")}`

/** The pool of customer ids: cust-000001 ... */
export const makeCustomerPool = (size: number = defaultCustomers): ReadonlyArray<string> => {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`customers must be an integer >= 1, got ${size}`)
  return Array.from({ length: size }, (_, i) => customerId(i))
}

/** Total price of a quantity, rounded to cents. */
export const totalAmount = (product: Product, quantity: number): number =>
  Math.round(product.unitPrice * 100 * quantity) / 100
