/**
 * Independent mode: each event drawn on its own, as the original script did (a fresh session id, a customer,
 * a product).
 */
import { type CustomerEvent, eventTypes } from "../CustomerEvent.js"
import type { Conditions } from "./anomalies.js"
import { algorithm, anySource, paymentMethod, quantity } from "./distributions.js"
import { addToCart, type EventContext, productView, purchase, recommendationClick } from "./events.js"
import { type Prng, shortId, uuidV4 } from "./Prng.js"
import type { Shop } from "./Shop.js"

export const independentEvents =
  (rng: Prng, shop: Shop, conditions: Conditions = { checkoutOpen: true }) =>
  (timestamp: string): CustomerEvent => {
    const type = eventTypes[rng.int(4)]!
    const customerId = shop.customer()
    const sessionId = `sess-${shortId(rng)}`
    const product = shop.product()
    const context: EventContext = { eventId: uuidV4(rng), customerId, sessionId, timestamp }
    switch (type) {
      case "productView":
        return productView(context, product, anySource(rng))
      case "addToCart":
        return addToCart(context, product, quantity(rng))
      case "purchase": {
        // A checkout outage: the customer still carts, and cannot pay.
        if (!conditions.checkoutOpen) return addToCart(context, product, quantity(rng))
        const q = quantity(rng)
        return purchase(context, product, q, paymentMethod(rng))
      }
      case "recommendationClick":
        return recommendationClick(context, product, shop.recommend(product), algorithm(rng))
    }
  }
