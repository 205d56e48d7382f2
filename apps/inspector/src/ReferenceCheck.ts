/**
 * --reference-topics: each entity's history replayed from the compacted topics (key = id, record
 * timestamp = from when a version holds, null value = deleted), then each event checked against the
 * entities valid at its time: its customer and its product exist then, and a purchase is priced at
 * the unit price valid then. The producer keeps a run's history uncompacted for 7 days
 * (min.compaction.lag.ms); an older one may have lost versions, which shows as findings here.
 */
import { type CustomerEvent, EntityChanges, type Reference } from "@customer-events/events"
import { KafkaConsumer } from "@customer-events/kafka"

interface Version {
  readonly ms: number
  /** A product's unit price (undefined: a customer, or a value not in JSON); null: deleted. */
  readonly price: number | undefined | null
}

/** What the reference topics held: versions read, and the changes among them by kind. */
export interface ReferenceReport {
  readonly products: number
  readonly customers: number
  readonly changes: EntityChanges.Counts
  /** Versions whose value is not JSON (a registry format): prices are not checked. */
  readonly notJson: number
}

export interface ReferenceFinding {
  readonly kind: "orphanEvent" | "priceNotValidThen"
  readonly path: string
  readonly reason: string
}

export class ReferenceCheck {
  private readonly versions = new Map<string, Array<Version>>()
  private readonly read = { products: 0, customers: 0, notJson: 0 }
  private readonly changes = EntityChanges.zeroCounts()

  /** A record of the products or customers topic, in offset order. */
  add(entity: Reference.Entity, record: KafkaConsumer.ConsumedRecord): void {
    const id = KafkaConsumer.text(record.key)
    if (id === null) return
    this.read[entity === "product" ? "products" : "customers"]++
    const kind = record.headers.change as EntityChanges.Kind | undefined
    if (kind !== undefined && kind in this.changes) this.changes[kind]++
    const key = `${entity}:${id}`
    const list = this.versions.get(key) ?? []
    list.push({ ms: Number(record.timestamp), price: this.priceOf(entity, record.value) })
    this.versions.set(key, list)
  }

  private priceOf(entity: Reference.Entity, value: Buffer | null): Version["price"] {
    if (value === null) return null
    if (entity === "customer") return undefined
    if (value[0] !== 0x7b) {
      this.read.notJson++
      return undefined
    }
    const price = (JSON.parse(value.toString("utf8")) as { unitPrice?: unknown }).unitPrice
    return typeof price === "number" ? price : undefined
  }

  /** The version valid at ms: the last one stamped at or before it (the last written on a tie). */
  private at(entity: Reference.Entity, id: string, ms: number): Version | undefined {
    let found: Version | undefined
    for (const v of this.versions.get(`${entity}:${id}`) ?? [])
      if (v.ms <= ms && (found === undefined || v.ms >= found.ms)) found = v
    return found
  }

  /**
   * What is wrong with an event against the entities valid at its time, if anything; what the run
   * says it injected (told by its summary) is the episode's, not a finding.
   */
  check(
    event: CustomerEvent.CustomerEvent,
    anomaly: string | undefined,
    told: boolean,
  ): ReferenceFinding | undefined {
    if (told && (anomaly === "orphan-events" || anomaly === "price-glitch")) return undefined
    const ms = Date.parse(event.timestamp)
    const named: Array<readonly [Reference.Entity, string, string]> = [
      ["customer", event.customerId, "customerId"],
      ["product", event.productId, "productId"],
    ]
    if (event.eventType === "recommendationClick")
      named.push(["product", event.metadata.recommendedProductId, "metadata.recommendedProductId"])
    for (const [entity, id, path] of named) {
      const version = this.at(entity, id, ms)
      if (version === undefined || version.price === null)
        return {
          kind: "orphanEvent",
          path,
          reason:
            `${id} ${version === undefined ? "was not there yet" : "was deleted"} at ` + event.timestamp,
        }
    }
    if (event.eventType !== "purchase") return undefined
    const price = this.at("product", event.productId, ms)!.price
    if (price === undefined || price === null) return undefined
    const { quantity, totalAmount } = event.metadata
    const expected = Math.round(price * 100 * quantity) / 100
    if (expected === totalAmount) return undefined
    return {
      kind: "priceNotValidThen",
      path: "metadata.totalAmount",
      reason:
        `${quantity} x ${event.productId} at ${event.timestamp} cost ${expected} (${price} a unit ` +
        `then), not ${totalAmount}`,
    }
  }

  report(): ReferenceReport {
    return { ...this.read, changes: { ...this.changes } }
  }
}
