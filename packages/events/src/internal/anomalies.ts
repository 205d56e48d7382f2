/**
 * The anomaly episodes of a run, placed on event time once its first event is known: which are
 * active at an instant, what they do to an event, the bot's extra views, and how many events each
 * produced. Bot views are drawn from their own PRNG, so the rest of the stream is as without them.
 */
import type { Episode, Kind } from "../Anomaly.js"
import type { CustomerEvent, ProductView } from "../CustomerEvent.js"
import type { EntityChanges } from "./entityChanges.js"
import { productView } from "./events.js"
import { type Prng, shortId, uuidV4 } from "./Prng.js"
import type { Shop } from "./Shop.js"

/** Bot views per event of the stream while a bot surge lasts: 20x its rate. */
const botFactor = 20
/** During orphan-events: one view of a deleted entity per ten events of the stream. */
const orphanShare = 0.1

export interface EpisodeReport {
  readonly kind: Kind
  readonly start: string
  readonly end: string
  /** Events the episode produced or changed (for checkout-outage: events emitted during it). */
  readonly events: number
}

/** What the event builders consult: whether checkouts happen now. */
export interface Conditions {
  checkoutOpen: boolean
}

export class Anomalies {
  private windows: Array<{
    readonly episode: Episode
    readonly fromMs: number
    readonly toMs: number
    events: number
  }> = []
  private bot: { readonly customerId: string; readonly sessionId: string } | undefined

  constructor(
    private readonly episodes: ReadonlyArray<Episode>,
    private readonly rng: Prng,
    private readonly shop: Shop,
    readonly conditions: Conditions,
    /** What is deleted so far, for orphan-events. */
    private readonly changes?: EntityChanges,
  ) {}

  /** Places the episodes from the first event time on; then sets the conditions for an event at ms. */
  at(ms: number): void {
    if (this.windows.length === 0 && this.episodes.length > 0)
      this.windows = this.episodes.map((episode) => ({
        episode,
        fromMs: ms + episode.startOffsetMs,
        toMs: ms + episode.startOffsetMs + episode.durationMs,
        events: 0,
      }))
    this.conditions.checkoutOpen = true
    for (const w of this.windows)
      if (ms >= w.fromMs && ms < w.toMs && w.episode.kind === "checkout-outage") {
        this.conditions.checkoutOpen = false
        w.events++
      }
  }

  /** The event as the active episodes change it, and the kind to label it with. */
  apply(event: CustomerEvent, ms: number): { event: CustomerEvent; kind: Kind | undefined } {
    if (event.eventType !== "purchase") return { event, kind: undefined }
    const glitch = this.active("price-glitch", ms)
    if (glitch === undefined) return { event, kind: undefined }
    glitch.events++
    const totalAmount = Math.max(0.01, Math.round(event.metadata.totalAmount) / 100)
    return { event: { ...event, metadata: { ...event.metadata, totalAmount } }, kind: "price-glitch" }
  }

  /** The views waiting to go out after an event (a bot's, orphans), and the pause after the last one. */
  private queue: Array<{ readonly view: ProductView; readonly kind: Kind }> = []
  private pauseAfterQueue = 0

  /**
   * While a bot surge lasts, queues the bot's views after an event at ms; during orphan-events, now
   * and then a view in a session of its own by a deleted customer or of a deleted product (so no
   * session of the stream is changed). True when views follow the event.
   */
  queueViews(ms: number, timestamp: string, pause: number): boolean {
    const surge = this.active("bot-surge", ms)
    if (surge !== undefined) {
      // A bot whose customer is deleted comes back as another one.
      if (this.bot === undefined || this.changes?.customerGone(this.bot.customerId) === true)
        this.bot = { customerId: this.shop.customer(this.rng), sessionId: `sess-${shortId(this.rng)}` }
      for (let i = 0; i < botFactor; i++)
        this.queue.push({
          view: productView(
            { eventId: uuidV4(this.rng), ...this.bot, timestamp },
            this.shop.product(this.rng),
            "direct",
          ),
          kind: "bot-surge",
        })
      surge.events += botFactor
    }
    const orphan = this.orphanView(ms, timestamp)
    if (orphan !== undefined) this.queue.push({ view: orphan, kind: "orphan-events" })
    if (this.queue.length === 0) return false
    this.pauseAfterQueue = pause
    return true
  }

  private orphanView(ms: number, timestamp: string): ProductView | undefined {
    const episode = this.active("orphan-events", ms)
    if (episode === undefined || this.changes === undefined || this.rng.next() >= orphanShare)
      return undefined
    const { goneCustomers: customers, goneProducts: products } = this.changes
    if (customers.length + products.length === 0) return undefined
    episode.events++
    const context = { eventId: uuidV4(this.rng), sessionId: `sess-${shortId(this.rng)}`, timestamp }
    const i = this.rng.int(customers.length + products.length)
    if (i < customers.length)
      return productView({ ...context, customerId: customers[i]! }, this.shop.product(this.rng), "direct")
    return productView(
      { ...context, customerId: this.shop.customer(this.rng) },
      products[i - customers.length]!,
      "direct",
    )
  }

  /** The event time of the views still queued (they all share one). */
  earliestQueuedMs(): number | undefined {
    return this.queue.length === 0 ? undefined : Date.parse(this.queue[0]!.view.timestamp)
  }

  /** The next queued view, its label and its pause (the event's pause comes after the last one). */
  nextQueued(): { readonly view: ProductView; readonly kind: Kind; readonly pause: number } | undefined {
    const next = this.queue.shift()
    if (next === undefined) return undefined
    return { ...next, pause: this.queue.length === 0 ? this.pauseAfterQueue : 0 }
  }

  report(iso: (ms: number) => string): Array<EpisodeReport> {
    return this.windows.map((w) => ({
      kind: w.episode.kind,
      start: iso(w.fromMs),
      end: iso(w.toMs),
      events: w.events,
    }))
  }

  private active(kind: Kind, ms: number) {
    return this.windows.find((w) => w.episode.kind === kind && ms >= w.fromMs && ms < w.toMs)
  }
}
