/**
 * The behaviour's numbers: how customers arrive, browse, buy and pay. Weighted draws take the PRNG;
 * chances are compared with one uniform draw.
 */
import type { Algorithm, PaymentMethod, ViewSource } from "../CustomerEvent.js"
import { weighted } from "./Prng.js"

export const entrySource = weighted<ViewSource>([
  ["search", 0.4],
  ["direct", 0.2],
  ["ad", 0.15],
  ["social", 0.13],
  ["email", 0.12],
])
export const browseSource = weighted<ViewSource>([
  ["search", 0.55],
  ["direct", 0.25],
  ["ad", 0.08],
  ["social", 0.05],
  ["email", 0.07],
])
export const anySource = weighted<ViewSource>([
  ["search", 0.4],
  ["direct", 0.2],
  ["recommendation", 0.15],
  ["ad", 0.1],
  ["social", 0.08],
  ["email", 0.07],
])
export const quantity = weighted<number>([
  [1, 0.7],
  [2, 0.18],
  [3, 0.07],
  [4, 0.03],
  [5, 0.02],
])
export const paymentMethod = weighted<PaymentMethod>([
  ["credit_card", 0.45],
  ["debit_card", 0.2],
  ["paypal", 0.15],
  ["apple_pay", 0.1],
  ["google_pay", 0.07],
  ["gift_card", 0.03],
])
export const algorithm = weighted<Algorithm>([
  ["collaborative_filtering", 0.35],
  ["content_based", 0.25],
  ["trending", 0.15],
  ["frequently_bought_together", 0.15],
  ["recently_viewed", 0.1],
])

/** Per-view chances in a session: click a recommendation, or put the viewed product in the cart. */
export const recommendationClickChance = 0.15
export const addToCartChance = 0.13
/** A recommendation click is usually followed by a view of the recommended product. */
export const followRecommendationChance = 0.9
/** A session with a cart ends with a checkout (one purchase per carted product) this often. */
export const checkoutChance = 0.55
/** Views per session: 1 + geometric, mean about 6. */
export const moreViewsChance = 0.83
