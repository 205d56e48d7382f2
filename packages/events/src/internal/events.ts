/**
 * One constructor per event type, used by both modes: the caller has drawn every value (in its own
 * order, which keeps a seed's stream unchanged); these only assemble the event, in the JSON field
 * order (eventId and eventType first).
 */
import type { Product } from "../Catalog.js"
import { totalAmount } from "../Catalog.js"
import type {
  AddToCart,
  Algorithm,
  PaymentMethod,
  ProductView,
  Purchase,
  RecommendationClick,
  ViewSource,
} from "../CustomerEvent.js"

/** Who, when and which event: the fields every event has besides its product and metadata. */
export interface EventContext {
  readonly eventId: string
  readonly customerId: string
  readonly sessionId: string
  readonly timestamp: string
}

export const productView = (c: EventContext, product: Product, source: ViewSource): ProductView => ({
  eventId: c.eventId,
  eventType: "productView",
  customerId: c.customerId,
  productId: product.id,
  sessionId: c.sessionId,
  timestamp: c.timestamp,
  metadata: { category: product.category, source },
})

export const addToCart = (c: EventContext, product: Product, quantity: number): AddToCart => ({
  eventId: c.eventId,
  eventType: "addToCart",
  customerId: c.customerId,
  productId: product.id,
  sessionId: c.sessionId,
  timestamp: c.timestamp,
  metadata: { quantity },
})

export const purchase = (
  c: EventContext,
  product: Product,
  quantity: number,
  paymentMethod: PaymentMethod,
): Purchase => ({
  eventId: c.eventId,
  eventType: "purchase",
  customerId: c.customerId,
  productId: product.id,
  sessionId: c.sessionId,
  timestamp: c.timestamp,
  metadata: { quantity, totalAmount: totalAmount(product, quantity), paymentMethod },
})

/**
 * A purchase at another total (the price valid at its time), before any device type is added: a
 * literal in the same order, not a spread.
 */
export const repriced = (p: Purchase, totalAmount: number): Purchase => ({
  eventId: p.eventId,
  eventType: "purchase",
  customerId: p.customerId,
  productId: p.productId,
  sessionId: p.sessionId,
  timestamp: p.timestamp,
  metadata: { quantity: p.metadata.quantity, totalAmount, paymentMethod: p.metadata.paymentMethod },
})

export const recommendationClick = (
  c: EventContext,
  viewed: Product,
  recommended: Product,
  algorithm: Algorithm,
): RecommendationClick => ({
  eventId: c.eventId,
  eventType: "recommendationClick",
  customerId: c.customerId,
  productId: viewed.id,
  sessionId: c.sessionId,
  timestamp: c.timestamp,
  metadata: { recommendedProductId: recommended.id, algorithm },
})
