/**
 * The reliability harness: drives the 3-node cluster (scripts/kafka-cluster.sh), runs the producer
 * app with a known seed, and checks the topic afterwards like Kafka's own system tests do
 * (missing = acked - consumed) plus Jepsen-style duplicates and per-key order.
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { readTopic, repoRoot, startInGroup } from "@customer-events/test-support"
import { Kafka, logLevel } from "kafkajs"

export const cluster = (...args: Array<string>) => {
  const result = Bun.spawnSync(["bash", join(repoRoot, "scripts/kafka-cluster.sh"), ...args])
  if (result.exitCode !== 0) throw new Error(`kafka-cluster.sh ${args.join(" ")}: ${result.stderr}`)
  return result.stdout.toString().trim()
}

/** Like `cluster`, without waiting for the script: resolves when it has succeeded. */
export const clusterInBackground = async (...args: Array<string>) => {
  const child = Bun.spawn(["bash", join(repoRoot, "scripts/kafka-cluster.sh"), ...args], {
    stdout: "ignore",
    stderr: "pipe",
  })
  if ((await child.exited) !== 0)
    throw new Error(`kafka-cluster.sh ${args.join(" ")}: ${await new Response(child.stderr).text()}`)
}

export const plainBootstrap = () => cluster("bootstrap")
export const saslBootstrap = () => cluster("sasl-bootstrap")
export const sslBootstrap = () => cluster("ssl-bootstrap")

/** Node N's PLAINTEXT address. */
export const nodeAddress = (n: number) => plainBootstrap().split(",")[n - 1]!

const kafka = () =>
  new Kafka({
    clientId: "faults",
    brokers: plainBootstrap().split(","),
    logLevel: logLevel.NOTHING,
    retry: { retries: 10 },
  })

/**
 * A topic replicated on the 3 nodes; with `leaders`, partition i is led by node leaders[i] (its
 * preferred replica), else the cluster places them.
 */
export const createTopic = async (topic: string, partitions = 3, leaders?: ReadonlyArray<number>) => {
  const admin = kafka().admin()
  await admin.connect()
  const replicaAssignment = leaders?.map((leader, partition) => ({
    partition,
    replicas: [leader, ...[1, 2, 3].filter((n) => n !== leader)],
  }))
  const created = {
    waitForLeaders: true,
    topics: [
      replicaAssignment === undefined
        ? { topic, numPartitions: partitions, replicationFactor: 3 }
        : { topic, replicaAssignment },
    ],
  }
  // Just after the cluster starts, a node may not know its peers yet (UNKNOWN_TOPIC_OR_PARTITION
  // while waiting for leaders): try again for a while; a first try that got as far as creating the
  // topic makes the next one answer TOPIC_ALREADY_EXISTS, then only the leaders are awaited.
  const deadline = Date.now() + 60_000
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 4000)) {
    try {
      await admin.createTopics(created)
      break
    } catch (error) {
      if ((error as { type?: string }).type === "TOPIC_ALREADY_EXISTS") break
      if (Date.now() + delayMs > deadline) throw error
      await Bun.sleep(delayMs)
    }
  }
  const expected = leaders?.length ?? partitions
  await until(async () => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => ({ topics: [] }))
    const led = topics[0]?.partitions.filter((p) => p.leader >= 0) ?? []
    return led.length === expected
  }, `leaders of ${topic}`)
  await admin.disconnect()
}

export const deleteTopic = async (topic: string) => {
  const admin = kafka().admin()
  await admin.connect()
  await admin.deleteTopics({ topics: [topic] })
  await admin.disconnect()
}

/** The node leading a partition. */
export const leaderOf = async (topic: string, partition = 0): Promise<number> => {
  const admin = kafka().admin()
  await admin.connect()
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
  await admin.disconnect()
  return topics[0]!.partitions.find((p) => p.partitionId === partition)!.leader
}

/**
 * Records in a topic now, asking one node at a time with short timeouts until one answers: a frozen
 * node accepts connections and never answers, and kafkajs would wait on it as its seed for the
 * whole request timeout. -1 when no node answers.
 */
export const recordCount = async (topic: string): Promise<number> => {
  for (const address of plainBootstrap().split(",")) {
    const admin = new Kafka({
      clientId: "faults-count",
      brokers: [address],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 3000,
      retry: { retries: 0 },
    }).admin()
    try {
      await admin.connect()
      const offsets = await admin.fetchTopicOffsets(topic)
      return offsets.reduce((n, o) => n + Number(o.high), 0)
    } catch {
      // the next node
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }
  return -1
}

export const until = async (
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 60_000,
) => {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(100)
  }
}

/**
 * Waits until every partition has all its replicas in sync: after a crash, a new leader's high
 * watermark can trail the records it already acknowledged until its followers catch up, and a read
 * up to a stale watermark would miss them.
 */
export const settled = async (topic: string) => {
  const admin = kafka().admin()
  await admin.connect()
  try {
    await until(
      async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => ({ topics: [] }))
        const partitions = topics[0]?.partitions ?? []
        return (
          partitions.length > 0 &&
          partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length)
        )
      },
      `${topic} to have all replicas in sync`,
      120_000,
    )
  } finally {
    await admin.disconnect()
  }
}

export type Producer = ReturnType<typeof startInGroup>

/** The producer app, in its own process group (as from a terminal). */
export const startProducer = (args: ReadonlyArray<string>): Producer =>
  startInGroup(["bun", "run", "apps/producer", "--no-progress", ...args], { KAFKA_BOOTSTRAP_SERVERS: "" })

/** The events a seed generates, in order: replayed with --dry-run (event ids do not depend on time). */
export const expectedEvents = (seed: number, count: number): Array<{ eventId: string; key: string }> => {
  const result = Bun.spawnSync(
    [
      "bun",
      "run",
      "apps/producer",
      "--dry-run",
      "--rate",
      "max",
      "--seed",
      String(seed),
      "--count",
      String(count),
      "--log-level",
      "error",
    ],
    { cwd: repoRoot },
  )
  return result.stdout
    .toString()
    .trimEnd()
    .split("\n")
    .map((line) => {
      const event = JSON.parse(line) as { eventId: string; customerId: string }
      return { eventId: event.eventId, key: event.customerId }
    })
}

export interface Summary {
  readonly generated: number
  readonly delivered: number
  readonly failed: number
  readonly deadLettered: number
  readonly retries: number
  readonly stoppedBy: string
  readonly error?: string
}

export interface Figures {
  readonly generated: number
  readonly delivered: number
  readonly deadLettered: number
  /** Reported delivered (generated and not dead-lettered), but not in the topic. */
  readonly lost: number
  readonly duplicates: number
  readonly orderViolations: number
  readonly summaryAddsUp: boolean
}

/**
 * Reads every partition up to its high watermark and compares with what the seed generated and
 * the run reported: lost, duplicates, per-key order.
 */
export const verify = async (
  topic: string,
  seed: number,
  summary: Summary,
  deadLetterFile: string,
  options: { readonly topicGone?: boolean } = {},
): Promise<Figures> => {
  const generated = expectedEvents(seed, summary.generated)
  const deadLettered = new Set(
    existsSync(deadLetterFile)
      ? readFileSync(deadLetterFile, "utf8")
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => (JSON.parse(l) as { eventId: string }).eventId)
      : [],
  )
  if (!options.topicGone) await settled(topic)
  const consumed = options.topicGone ? [] : await readTopic(topic, plainBootstrap())
  const seen = new Map<string, number>()
  for (const record of consumed) {
    const id = record.headers["event-id"]!
    seen.set(id, (seen.get(id) ?? 0) + 1)
  }
  const duplicates = [...seen.values()].reduce((n, c) => n + (c - 1), 0)
  const delivered = generated.filter((e) => !deadLettered.has(e.eventId))
  const missing = options.topicGone ? [] : delivered.filter((e) => !seen.has(e.eventId))
  if (missing.length > 0)
    console.error(
      `lost in ${topic}: ${missing
        .slice(0, 10)
        .map((e) => `${e.eventId} (key ${e.key}, #${generated.indexOf(e)})`)
        .join(", ")}`,
    )
  const lost = missing.length
  // Per key, records in the topic (in partition order) follow generation order.
  const rank = new Map(generated.map((e, i) => [e.eventId, i]))
  const lastRank = new Map<string, number>()
  let orderViolations = 0
  const firstSeen = new Set<string>()
  for (const record of [...consumed].sort(
    (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset),
  )) {
    const id = record.headers["event-id"]!
    if (firstSeen.has(id)) continue // a duplicate: counted above, not an ordering fault
    firstSeen.add(id)
    const r = rank.get(id) ?? -1
    if (r < (lastRank.get(record.key!) ?? -1)) orderViolations++
    lastRank.set(record.key!, r)
  }
  return {
    generated: summary.generated,
    delivered: summary.delivered,
    deadLettered: summary.deadLettered,
    lost,
    duplicates,
    orderViolations,
    summaryAddsUp:
      summary.generated === summary.delivered + summary.failed &&
      summary.failed === summary.deadLettered &&
      deadLettered.size === summary.deadLettered,
  }
}
