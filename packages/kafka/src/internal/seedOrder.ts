/**
 * Which bootstrap broker a new producer asks first. A frozen broker still accepts TCP connections
 * and then never answers, and clients ask their first bootstrap broker first, so a restart must put
 * it last. (This applies when the bootstrap list names the brokers themselves, as the clients report
 * them; a load-balanced bootstrap address stays first.) Each client learns it its own way:
 * - kafkajs reports each request timeout with its broker: `SeedOrder` puts those brokers last, the
 *   most recent one very last.
 * - @platformatic/kafka sends one promise across several brokers, and with acks=all a live leader
 *   also waits while a frozen follower is still in sync, so an unanswered send blames no broker:
 *   `fastestFirst` asks every broker now and orders them by their answers.
 */
export class SeedOrder {
  private readonly suspectedAt = new Map<string, number>()

  constructor(private readonly brokers: ReadonlyArray<string>) {}

  /** A broker ("host:port") let a request time out. */
  suspect(broker: string): void {
    this.suspectedAt.set(broker, Date.now())
  }

  order(): Array<string> {
    return [...this.brokers].sort((a, b) => (this.suspectedAt.get(a) ?? 0) - (this.suspectedAt.get(b) ?? 0))
  }
}

/**
 * The brokers that answer `probe` within `windowMs`, in the order they answered, then the others
 * (frozen, down or slower) in their given order. Resolves as soon as every probe has settled.
 */
export const fastestFirst = async (
  brokers: ReadonlyArray<string>,
  probe: (broker: string) => Promise<unknown>,
  windowMs: number,
): Promise<Array<string>> => {
  if (brokers.length === 0) return []
  const answered: Array<string> = []
  await new Promise<void>((done) => {
    let pending = brokers.length
    const timer = setTimeout(done, windowMs)
    const settled = () => {
      if (--pending > 0) return
      clearTimeout(timer)
      done()
    }
    for (const broker of brokers)
      probe(broker).then(() => {
        answered.push(broker)
        settled()
      }, settled)
  })
  // A probe answering after the window is not a reason to wait: it goes with the others.
  const ranked = [...answered]
  return [...ranked, ...brokers.filter((broker) => !ranked.includes(broker))]
}
