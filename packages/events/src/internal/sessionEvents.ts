/**
 * Sessions mode: customer visits walked step by step (entry view, browsing, recommendation clicks
 * usually followed by a view of the recommended product, carts, and a checkout with one purchase
 * per carted product), with many sessions in progress at once, interleaved.
 */
import type { Product } from "../Catalog.js"
import type { CustomerEvent, PaymentMethod, ViewSource } from "../CustomerEvent.js"
import type { Conditions } from "./anomalies.js"
import {
  addToCartChance,
  algorithm,
  browseSource,
  checkoutChance,
  entrySource,
  followRecommendationChance,
  moreViewsChance,
  paymentMethod,
  quantity,
  recommendationClickChance,
} from "./distributions.js"
import { addToCart, type EventContext, productView, purchase, recommendationClick } from "./events.js"
import { type Prng, shortId, uuidV4 } from "./Prng.js"
import type { Shop } from "./Shop.js"

interface Session {
  id: string
  customerId: string
  /** The customer's index among those this instance owns (a delete is looked up by it). */
  customer: number
  viewed: Product | undefined
  pendingRecommendation: Product | undefined
  cart: Array<{ readonly product: Product; readonly quantity: number }>
  /** Index of the next purchase during checkout, -1 before it. */
  checkout: number
  paymentMethod: PaymentMethod
  viewsLeft: number
  /** With changing reference data: the deletes so far when the session was last found clear of them. */
  checkedAt: number
}

export class SessionEvents {
  private readonly sessions: Array<Session>

  constructor(
    private readonly rng: Prng,
    private readonly shop: Shop,
    concurrentSessions: number,
    /** A checkout outage ends sessions without their purchases. */
    private readonly conditions: Conditions = { checkoutOpen: true },
  ) {
    this.sessions = Array.from({ length: concurrentSessions }, () => this.newSession())
  }

  /** The next event of a random session in progress; a session that is over is replaced by a new one. */
  readonly next = (timestamp: string): CustomerEvent => {
    const slot = this.rng.int(this.sessions.length)
    for (;;) {
      const event = this.step(this.sessions[slot]!, timestamp)
      if (event !== undefined) return event
      this.sessions[slot] = this.newSession()
    }
  }

  private newSession(): Session {
    const id = `sess-${shortId(this.rng)}`
    const customer = this.shop.customerIndex()
    return {
      id,
      customerId: this.shop.customerAt(customer),
      customer,
      viewed: undefined,
      pendingRecommendation: undefined,
      cart: [],
      checkout: -1,
      paymentMethod: paymentMethod(this.rng),
      viewsLeft: 0,
      checkedAt: this.shop.gone?.deletes ?? 0,
    }
  }

  /** With changing reference data: a session whose customer or products are deleted ends. */
  private namesGone(s: Session): boolean {
    const gone = this.shop.gone!
    // Nothing deleted since the last look: the session is still clear (most steps stop here).
    if (s.checkedAt === gone.deletes) return false
    s.checkedAt = gone.deletes
    if (gone.ownedCustomerGone(s.customer)) return true
    if (s.viewed !== undefined && gone.productGone(s.viewed)) return true
    if (s.pendingRecommendation !== undefined && gone.productGone(s.pendingRecommendation)) return true
    for (const line of s.cart) if (gone.productGone(line.product)) return true
    return false
  }

  /** A session's next event context: the event id is drawn here. */
  private context(s: Session, timestamp: string): EventContext {
    return { eventId: uuidV4(this.rng), customerId: s.customerId, sessionId: s.id, timestamp }
  }

  /** A view in a session: the source is drawn before the event id. */
  private view(s: Session, product: Product, source: ViewSource, timestamp: string) {
    s.viewed = product
    return productView(this.context(s, timestamp), product, source)
  }

  /** One step of a session's walk: its next event, or undefined when the session is over. */
  private step(s: Session, timestamp: string): CustomerEvent | undefined {
    if (this.shop.gone !== undefined && this.namesGone(s)) return undefined
    if (s.checkout >= 0) {
      const line = s.cart[s.checkout++]
      return line && purchase(this.context(s, timestamp), line.product, line.quantity, s.paymentMethod)
    }
    if (s.pendingRecommendation !== undefined) {
      const recommended = s.pendingRecommendation
      s.pendingRecommendation = undefined
      return this.view(s, recommended, "recommendation", timestamp)
    }
    if (s.viewed === undefined) {
      const entry = this.shop.product()
      s.viewsLeft = 0
      while (this.rng.next() < moreViewsChance) s.viewsLeft++
      return this.view(s, entry, entrySource(this.rng), timestamp)
    }
    return this.afterView(s, s.viewed, timestamp)
  }

  /** After a view: a recommendation click, a cart, another view, a checkout, or the end. */
  private afterView(s: Session, viewed: Product, timestamp: string): CustomerEvent | undefined {
    const u = this.rng.next()
    if (u < recommendationClickChance) {
      const recommended = this.shop.recommend(viewed)
      if (this.rng.next() < followRecommendationChance) s.pendingRecommendation = recommended
      return recommendationClick(this.context(s, timestamp), viewed, recommended, algorithm(this.rng))
    }
    if (u < recommendationClickChance + addToCartChance && !s.cart.some((l) => l.product === viewed)) {
      const q = quantity(this.rng)
      s.cart.push({ product: viewed, quantity: q })
      return addToCart(this.context(s, timestamp), viewed, q)
    }
    if (s.viewsLeft > 0) {
      s.viewsLeft--
      return this.view(s, this.shop.product(), browseSource(this.rng), timestamp)
    }
    if (s.cart.length > 0 && this.rng.next() < checkoutChance && this.conditions.checkoutOpen) {
      s.checkout = 0
      return this.step(s, timestamp)
    }
    return undefined
  }
}
