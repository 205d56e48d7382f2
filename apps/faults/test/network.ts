/**
 * Network faults, as a cloud cluster's clients live them: Toxiproxy in front of each node
 * (scripts/kafka-cluster.sh), every connection of the producer made through `proxied-bootstrap`,
 * while the nodes talk to each other directly. Each scenario runs with every producer of
 * scenario.ts; the topic is read back directly (not through the proxies).
 */
import { expect, test } from "bun:test"
import { Kafka, logLevel } from "kafkajs"
import { cluster, leaderOf, plainBootstrap, until } from "./harness.js"
import { finishSound, type ProduceOptions, type Result, type Run, reach } from "./scenario.js"

const api = `http://127.0.0.1:${process.env.TOXIPROXY_PORT ?? "28474"}`

interface Toxic {
  readonly name: string
  readonly type: "latency" | "reset_peer" | "timeout" | "bandwidth"
  readonly stream: "upstream" | "downstream"
  readonly attributes: Record<string, number>
}

/** Adds toxics to a node's proxy; answers how to remove them. */
const poison = async (node: number, toxics: ReadonlyArray<Toxic>) => {
  const proxy = cluster("proxy", String(node))
  for (const toxic of toxics) {
    const added = await fetch(`${api}/proxies/${proxy}/toxics`, {
      method: "POST",
      body: JSON.stringify(toxic),
    })
    expect(added.status).toBe(200)
  }
  return async () => {
    for (const { name } of toxics) await fetch(`${api}/proxies/${proxy}/toxics/${name}`, { method: "DELETE" })
  }
}

/** A toxic in both directions: `attributes` each way. */
const bothWays = (type: Toxic["type"], attributes: Toxic["attributes"]): Array<Toxic> =>
  (["upstream", "downstream"] as const).map((stream) => ({
    name: `${type}_${stream}`,
    type,
    stream,
    attributes,
  }))

/** Toxics on every node; all removed by the answer. */
const poisonAll = async (toxics: ReadonlyArray<Toxic>) => {
  const cures = await Promise.all([1, 2, 3].map((node) => poison(node, toxics)))
  return async () => {
    for (const cure of cures) await cure()
  }
}

/** Records in one partition now (asked directly, not through the proxies). */
const partitionCount = async (topic: string, partition: number) => {
  const admin = new Kafka({
    clientId: "faults-network",
    brokers: plainBootstrap().split(","),
    logLevel: logLevel.NOTHING,
  }).admin()
  await admin.connect()
  try {
    const offsets = await admin.fetchTopicOffsets(topic)
    return Number(offsets.find((o) => o.partition === partition)?.high ?? 0)
  } finally {
    await admin.disconnect()
  }
}

/** From now until the partition grows: how long its leader's clients take to get through again. */
const timeToGrowPartition = async (topic: string, partition: number) => {
  const started = Date.now()
  const before = await partitionCount(topic, partition)
  await until(
    async () => (await partitionCount(topic, partition)) > before,
    `${topic}-${partition} to grow`,
    120_000,
  )
  return Date.now() - started
}

type Produce = (args: ReadonlyArray<string>, options?: ProduceOptions) => Promise<Run>

/** A fault on the leader of partition 0 while the run produces; the partition's recovery timed. */
const onLeader = async (run: Run, toxics: ReadonlyArray<Toxic>, forMs: number) => {
  await reach(run, 3000)
  const leader = await leaderOf(run.topic, 0)
  const cure = await poison(leader, toxics)
  try {
    await Bun.sleep(forMs)
  } finally {
    await cure()
  }
  return { leader, recoverMs: await timeToGrowPartition(run.topic, 0) }
}

const perSecond = (events: number, ms: number) => Math.round(events / (ms / 1000)).toLocaleString("en-US")

export const networkScenarios = (produce: Produce, record: (result: Omit<Result, "client">) => void) => {
  const proxied = (): ProduceOptions => ({ bootstrap: cluster("proxied-bootstrap") })

  test("15. a 50 ms round trip to every node for the whole run: nothing lost, throughput reported", async () => {
    const cure = await poisonAll(bothWays("latency", { latency: 25 }))
    try {
      const run = await produce(["--rate", "max", "--count", "30000"], proxied())
      const { finished, figures } = await finishSound(run, 0)
      expect(figures.delivered).toBe(30_000)
      const note = `${perSecond(30_000, finished.ms)} events/s, whole process (start-up included)`
      record({ scenario: "15 50 ms round trip to every node", figures, note })
    } finally {
      await cure()
    }
  }, 240_000)

  test("16. a 2 s latency spike on the leader for 20 s: nothing lost", async () => {
    const run = await produce(["--rate", "1000", "--count", "30000"], proxied())
    const { leader, recoverMs } = await onLeader(run, bothWays("latency", { latency: 1000 }), 20_000)
    const { figures } = await finishSound(run, 0)
    expect(figures.deadLettered).toBe(0)
    record({
      scenario: "16 2 s latency spike on the leader 20 s",
      figures,
      recoverMs,
      note: `node ${leader}`,
    })
  }, 240_000)

  test("17. connections to the leader reset mid-request for 20 s: nothing lost", async () => {
    const run = await produce(["--rate", "1000", "--count", "30000"], proxied())
    const reset: Toxic = {
      name: "reset",
      type: "reset_peer",
      stream: "upstream",
      attributes: { timeout: 500 },
    }
    const { leader, recoverMs } = await onLeader(run, [reset], 20_000)
    const { figures } = await finishSound(run, 0)
    expect(figures.deadLettered).toBe(0)
    const note = `node ${leader}: every connection reset 0.5 s after it opens`
    record({ scenario: "17 connections reset (reset_peer) 20 s", figures, recoverMs, note })
  }, 240_000)

  test("18. the leader black-holed for 40 s (requests arrive, answers never come): nothing lost", async () => {
    const run = await produce(["--rate", "1000", "--count", "50000"], proxied())
    const blackHole: Toxic = {
      name: "black_hole",
      type: "timeout",
      stream: "downstream",
      attributes: { timeout: 0 },
    }
    const { leader, recoverMs } = await onLeader(run, [blackHole], 40_000)
    const { figures } = await finishSound(run, 0)
    expect(figures.deadLettered).toBe(0)
    const note = `node ${leader}: its answers dropped, connections left open`
    record({ scenario: "18 leader black-holed 40 s", figures, recoverMs, note })
  }, 300_000)

  test("19. bandwidth capped at 1 MB/s per node for 30 s under --rate max: nothing lost", async () => {
    const run = await produce(["--rate", "max", "--count", "300000"], proxied())
    await reach(run, 5000)
    const cap: Toxic = { name: "cap", type: "bandwidth", stream: "upstream", attributes: { rate: 1024 } }
    const cure = await poisonAll([cap])
    try {
      await Bun.sleep(30_000)
    } finally {
      await cure()
    }
    const { finished, figures } = await finishSound(run, 0)
    // Java's tool enqueues the whole run at once and a record's delivery clock (120 s) starts when it
    // is enqueued: on a slow machine the cap can outlast it. The reference row reports what Java did
    // (nothing lost, its failures counted); the app's clocks start when a batch is sent.
    if (run.client !== "java") expect(figures.deadLettered).toBe(0)
    const expired = figures.deadLettered ? `; Java expired ${figures.deadLettered} records` : ""
    const note = `${perSecond(300_000, finished.ms)} events/s over the whole run, 30 s of it capped${expired}`
    record({ scenario: "19 1 MB/s per node 30 s, --rate max", figures, note })
  }, 300_000)
}
