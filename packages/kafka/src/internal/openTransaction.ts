/**
 * A transactional client's open transaction (transactional.id), the same for every client: sends go
 * through it while it is open; a restart forgets it, so that a send after a restart (none open)
 * fails rather than writing outside a transaction.
 */
import { NoOpenTransaction } from "./errorRules.js"

interface Ending {
  commit(): Promise<unknown>
  abort(): Promise<unknown>
  /** Drops an empty transaction without asking the coordinator (which refuses to end one). */
  cancel?(): Promise<unknown>
}

export class OpenTransaction<T extends Ending> {
  private current: T | undefined

  constructor(
    readonly transactional: boolean,
    private readonly start: () => Promise<T>,
    /** After a start that failed: what the client keeps of it, dropped (it would refuse the next). */
    private readonly dropStarted: () => void = () => {},
  ) {}

  readonly begin = async (): Promise<void> => {
    try {
      this.current = await this.start()
    } catch (error) {
      this.dropStarted()
      throw error
    }
  }

  readonly end = async (commit: boolean): Promise<void> => {
    const open = this.current
    if (open === undefined) throw new NoOpenTransaction()
    await (commit ? open.commit() : open.abort())
    this.current = undefined
  }

  /** A transaction started (the id taken) and dropped, empty: kafkajs aborts an empty one by itself. */
  readonly claim = async (): Promise<void> => {
    await this.begin()
    const open = this.current!
    this.current = undefined
    await (open.cancel === undefined ? open.abort() : open.cancel())
  }

  /** After a restart: the new producer has no transaction open. */
  forget(): void {
    this.current = undefined
  }

  /** What a send goes through: the producer without transactions, else the open transaction. */
  via<P>(producer: P): P | T {
    if (!this.transactional) return producer
    if (this.current === undefined) throw new NoOpenTransaction()
    return this.current
  }
}
