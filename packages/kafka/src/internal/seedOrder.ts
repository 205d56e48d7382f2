/**
 * Which bootstrap broker a new producer asks first. A frozen broker still accepts TCP connections
 * and then never answers, and clients ask their first bootstrap broker first: brokers seen not
 * answering go last, the most recent one very last. (This applies when the bootstrap list names the
 * brokers themselves, as the clients report them; a load-balanced bootstrap address stays first.)
 */
export class SeedOrder {
  private readonly suspectedAt = new Map<string, number>()
  private readonly awaiting = new Map<string, number>()

  constructor(private readonly brokers: ReadonlyArray<string>) {}

  /** A broker ("host:port") let a request time out. */
  suspect(broker: string): void {
    this.suspectedAt.set(broker, Date.now())
  }

  /** Tracks requests to brokers until they settle: brokers still awaiting an answer at `order` are suspects. */
  track<A>(brokers: ReadonlyArray<string>, request: Promise<A>): Promise<A> {
    for (const broker of brokers) this.awaiting.set(broker, (this.awaiting.get(broker) ?? 0) + 1)
    const settle = () => {
      for (const broker of brokers) this.awaiting.set(broker, (this.awaiting.get(broker) ?? 1) - 1)
    }
    request.then(settle, settle)
    return request
  }

  order(): Array<string> {
    for (const [broker, n] of this.awaiting) if (n > 0) this.suspect(broker)
    return [...this.brokers].sort((a, b) => (this.suspectedAt.get(a) ?? 0) - (this.suspectedAt.get(b) ?? 0))
  }
}
