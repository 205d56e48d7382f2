/**
 * The anomaly episodes of a run, placed on event time once its first event is known: which are
 * active at an instant, what they do to an event, the bot's extra views, and how many events each
 * produced. Bot views are drawn from their own PRNG, so the rest of the stream is as without them.
 */
import type { Episode, Kind } from "../Anomaly.js"
import type { CustomerEvent, ProductView } from "../CustomerEvent.js"
import { productView } from "./events.js"
import { type Prng, shortId, uuidV4 } from "./Prng.js"
import type { Shop } from "./Shop.js"

/** Bot views per event of the stream while a bot surge lasts: 20x its rate. */
const botFactor = 20

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

  /** The bot's views waiting to go out after an event, and the pause that follows the last one. */
  private queue: Array<ProductView> = []
  private pauseAfterQueue = 0

  /** While a bot surge lasts, queues the bot's views after an event at ms; true when it did. */
  queueBotViews(ms: number, timestamp: string, pause: number): boolean {
    const surge = this.active("bot-surge", ms)
    if (surge === undefined) return false
    this.bot ??= { customerId: this.shop.customer(this.rng), sessionId: `sess-${shortId(this.rng)}` }
    for (let i = 0; i < botFactor; i++)
      this.queue.push(
        productView(
          { eventId: uuidV4(this.rng), ...this.bot, timestamp },
          this.shop.product(this.rng),
          "direct",
        ),
      )
    surge.events += botFactor
    this.pauseAfterQueue = pause
    return true
  }

  /** The event time of the bot views still queued (they all share one). */
  earliestQueuedMs(): number | undefined {
    return this.queue.length === 0 ? undefined : Date.parse(this.queue[0]!.timestamp)
  }

  /** The next queued bot view, with its pause (the event's pause comes after the last one). */
  nextQueued(): { readonly view: ProductView; readonly pause: number } | undefined {
    const view = this.queue.shift()
    if (view === undefined) return undefined
    return { view, pause: this.queue.length === 0 ? this.pauseAfterQueue : 0 }
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
