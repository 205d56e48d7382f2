/**
 * Transactions' cost: the app with the default client writing the same events without transactions
 * and with `--transactional-id` in transactions of 1,000 (the default), alternating, best of the
 * rounds. Each transaction is three round trips more than a batch (its partitions added, the
 * records, the commit); two producers take turns, one committing while the next sends.
 */

import type { Client } from "./entries.js"
import { appEntry, type Payloads } from "./entries.js"
import { best, type Row } from "./measure.js"

export const plainEntry = "producer app, no transactions"
export const transactionalEntry = "producer app, --transactional-id, 1,000 events a transaction"

export const transactionEntries = async (
  client: Client,
  events: number,
  payloads: Payloads,
  work: string,
  rounds: number,
): Promise<Array<Row>> => {
  const bestOf = new Map<string, Row>()
  for (let round = 0; round < rounds; round++)
    for (const entry of [
      await appEntry(client, 3, events, payloads, work, { label: plainEntry }),
      await appEntry(client, 3, events, payloads, work, {
        label: transactionalEntry,
        args: ["--transactional-id", `bench-tx-${Date.now().toString(36)}`, "--transaction-size", "1000"],
        transactional: true,
      }),
    ])
      bestOf.set(entry.entry, best(entry, bestOf.get(entry.entry)))
  return [...bestOf.values()]
}
