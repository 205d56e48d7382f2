/**
 * An independent replay of changing reference data, for tests (never production code): each
 * entity's versions by time, from the records of the compacted topics (or from the generator's
 * changes), and the check that an event agrees with the entities valid at its time: a purchase's
 * totalAmount is quantity x the unit price valid then, and neither its customer nor its product was
 * deleted before it.
 */
interface Version {
  readonly ms: number
  readonly value: object | null
}

interface CheckedEvent {
  readonly eventType: string
  readonly customerId: string
  readonly productId: string
  readonly timestamp: string
  readonly metadata: object
}

export class ReferenceReplay {
  private readonly versions = new Map<string, Array<Version>>()

  /** A version of an entity ("product"/"customer") from `ms` on; null for a delete. */
  add(entity: string, id: string, ms: number, value: Version["value"]): void {
    const key = `${entity}:${id}`
    const list = this.versions.get(key) ?? []
    list.push({ ms, value })
    this.versions.set(key, list)
  }

  /** A record of a reference topic: key = id, value = JSON or null, timestamp = its time. */
  addRecord(entity: string, record: { key: string | null; value: string | null; timestamp: string }): void {
    this.add(
      entity,
      record.key!,
      Number(record.timestamp),
      record.value === null ? null : JSON.parse(record.value),
    )
  }

  /** The version valid at ms: the last one from ms or before (undefined: no such entity then). */
  at(entity: string, id: string, ms: number): NonNullable<Version["value"]> | undefined {
    const list = this.versions.get(`${entity}:${id}`)
    let found: Version | undefined
    for (const v of list ?? []) if (v.ms <= ms && (found === undefined || v.ms >= found.ms)) found = v
    return found?.value ?? undefined
  }

  /** What is wrong with an event against the data valid at its time: empty when it agrees. */
  violations(event: CheckedEvent): Array<string> {
    const ms = Date.parse(event.timestamp)
    const out: Array<string> = []
    if (this.at("customer", event.customerId, ms) === undefined)
      out.push(`${event.eventType} ${event.timestamp} names ${event.customerId}, not there then`)
    const recommended = (event.metadata as { recommendedProductId?: string }).recommendedProductId
    if (recommended !== undefined && this.at("product", recommended, ms) === undefined)
      out.push(`recommendationClick ${event.timestamp} recommends ${recommended}, not there then`)
    const product = this.at("product", event.productId, ms)
    if (product === undefined)
      out.push(`${event.eventType} ${event.timestamp} names ${event.productId}, not there then`)
    else if (event.eventType === "purchase") {
      const { quantity, totalAmount } = event.metadata as { quantity: number; totalAmount: number }
      const { unitPrice } = product as { unitPrice: number }
      const expected = Math.round(unitPrice * 100 * quantity) / 100
      if (expected !== totalAmount)
        out.push(
          `purchase ${event.timestamp} of ${quantity} x ${event.productId} is ${totalAmount}, ` +
            `${expected} at the price then (${unitPrice})`,
        )
    }
    return out
  }
}
