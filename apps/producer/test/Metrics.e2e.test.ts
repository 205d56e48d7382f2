/**
 * --metrics-port against the real broker, with each client: /metrics scraped while the run goes
 * parses with Prometheus's own Python parser (prometheus_client), its counters only grow, and
 * after the summary (the endpoint lingers) delivered and failed are the summary's. A port in use
 * is a usage error before anything connects.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KafkaConfig } from "@customer-events/kafka"
import {
  bootstrap,
  createTopic,
  readAllWithJava,
  runCommand,
  startInGroup,
  uniqueTopic,
} from "@customer-events/test-support"

const work = mkdtempSync(join(tmpdir(), "metrics-e2e-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const producer = ["bun", "run", "apps/producer"]
let nextPort = 29464 + (process.pid % 200) * 5

interface Sample {
  readonly name: string
  readonly labels: Record<string, string>
  readonly value: number
}

/** Each body through prometheus_client's text parser: its samples, or the parser's error. */
const parse = async (bodies: ReadonlyArray<string>): Promise<Array<Array<Sample>>> => {
  const files = bodies.map((body, i) => {
    const file = join(work, `scrape-${Date.now()}-${i}.txt`)
    writeFileSync(file, body)
    return file
  })
  const script = [
    "import json, sys",
    "from prometheus_client.parser import text_string_to_metric_families",
    "out = []",
    "for path in sys.argv[1:]:",
    "    families = text_string_to_metric_families(open(path).read())",
    "    out.append([{'name': s.name, 'labels': s.labels, 'value': s.value} for f in families for s in f.samples])",
    "print(json.dumps(out))",
  ].join("\n")
  const parsed = await runCommand(["python3", "-c", script, ...files])
  expect(parsed.code, parsed.stderr).toBe(0)
  return JSON.parse(parsed.stdout)
}

const sum = (samples: ReadonlyArray<Sample>, name: string) =>
  samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0)

const scrape = async (port: number) => {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined)
  return response?.ok ? await response.text() : undefined
}

/** Runs the producer, scraping every 200 ms until its summary is out, then once more (it lingers). */
const scrapedRun = async (args: ReadonlyArray<string>, env: Record<string, string>) => {
  const port = nextPort++
  const summaryFile = join(work, `summary-${port}.json`)
  const run = startInGroup(
    [
      ...producer,
      ...args,
      "--metrics-port",
      String(port),
      "--metrics-linger",
      "10s",
      "--summary-file",
      summaryFile,
    ],
    env,
  )
  const bodies: Array<string> = []
  while (!run.stderr().includes("summary (")) {
    const body = await scrape(port)
    if (body !== undefined) bodies.push(body)
    await Bun.sleep(200)
  }
  const last = await scrape(port)
  run.interrupt()
  const finished = await run.finished
  return { bodies, last: last!, summary: JSON.parse(readFileSync(summaryFile, "utf8")), finished }
}

for (const client of KafkaConfig.clients)
  describe(`--metrics-port (${client})`, () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap, KAFKA_CLIENT: client }

    test("scraped while running: valid Prometheus text, counters that only grow, the summary's figures at the end", async () => {
      const topic = uniqueTopic(`metrics-${client}`)
      const { bodies, last, summary } = await scrapedRun(
        ["--topic", topic, "--create-topic", "--rate", "2000", "--count", "8000"],
        env,
      )
      expect(bodies.length).toBeGreaterThan(5)
      // The exposition itself carries the documented names (a parser may add "_total" on its own).
      expect(last).toContain("# TYPE customer_events_records_sent_total counter")
      expect(last).toMatch(/^customer_events_records_generated_total\{/m)
      const scrapes = await parse([...bodies, last])
      const counters = [
        "customer_events_records_generated_total",
        "customer_events_records_delivered_total",
        "customer_events_records_sent_total",
      ]
      for (const name of counters) {
        const series = scrapes.map((samples) => sum(samples, name))
        for (let i = 1; i < series.length; i++) expect(series[i]).toBeGreaterThanOrEqual(series[i - 1]!)
      }
      const end = scrapes.at(-1)!
      expect(summary.delivered).toBe(8000)
      expect(sum(end, "customer_events_records_generated_total")).toBe(summary.generated)
      expect(sum(end, "customer_events_records_delivered_total")).toBe(summary.delivered)
      expect(sum(end, "customer_events_records_failed_total")).toBe(summary.failed)
      expect(sum(end, "customer_events_ack_latency_seconds_count")).toBeGreaterThan(0)
      expect(sum(end, "customer_events_rate_target")).toBe(2000)
      const views = end.find(
        (s) => s.name === "customer_events_records_generated_total" && s.labels.event_type === "productView",
      )!
      expect(views.labels).toMatchObject({ topic, client })
      expect(views.value).toBe(summary.byType.productView)
      // No transactions in this run: none of their series, not zeros.
      expect(last).not.toContain("customer_events_transactions_total{")
      expect(last).not.toContain("customer_events_records_aborted_total{")
    }, 120_000)

    test("a run whose every batch fails: failed and dead-lettered match the summary", async () => {
      const topic = uniqueTopic(`metrics-failing-${client}`)
      // Every event is larger than the topic takes: each batch is refused at once (record too large).
      await createTopic(topic, { configs: { "max.message.bytes": "200" } })
      const deadLetters = join(work, `${topic}.ndjson`)
      const { last, summary } = await scrapedRun(
        [
          "--topic",
          topic,
          "--rate",
          "max",
          "--count",
          "500",
          "--delivery-timeout",
          "2s",
          "--dead-letter-file",
          deadLetters,
        ],
        env,
      )
      const [end] = await parse([last])
      expect(summary.failed).toBe(500)
      expect(sum(end!, "customer_events_records_failed_total")).toBe(500)
      expect(sum(end!, "customer_events_records_delivered_total")).toBe(0)
      expect(sum(end!, "customer_events_records_dead_lettered_total")).toBe(summary.deadLettered)
      expect(sum(end!, "customer_events_retries_total")).toBe(summary.retries)
    }, 120_000)
  })

describe("--metrics-port with --workers", () => {
  test("one endpoint for the command: each worker's counters under its instance, adding up to the summary", async () => {
    const topic = uniqueTopic("metrics-workers")
    const { last, summary } = await scrapedRun(
      ["--topic", topic, "--create-topic", "--rate", "2000", "--count", "6000", "--workers", "2"],
      { KAFKA_BOOTSTRAP_SERVERS: bootstrap },
    )
    const [end] = await parse([last])
    const delivered = end!.filter((s) => s.name === "customer_events_records_delivered_total")
    expect(delivered.map((s) => s.labels.instance).sort()).toEqual(["1/2", "2/2"])
    expect(sum(end!, "customer_events_records_delivered_total")).toBe(summary.delivered)
    expect(sum(end!, "customer_events_records_generated_total")).toBe(summary.generated)
    // Each worker's answered batches, replayed into the parent's histograms under its instance.
    for (const instance of ["1/2", "2/2"]) {
      const mine = end!.filter((s) => s.labels.instance === instance)
      expect(sum(mine, "customer_events_batch_size_count")).toBeGreaterThan(0)
      expect(sum(mine, "customer_events_ack_latency_seconds_count")).toBe(
        sum(mine, "customer_events_batch_size_count"),
      )
      const inFlight = mine.filter((s) => s.name === "customer_events_batches_in_flight")
      expect(inFlight.map((s) => s.value)).toEqual([0])
    }
    expect(sum(end!, "customer_events_batch_size_sum")).toBe(summary.delivered + summary.failed)
    expect(sum(end!, "customer_events_records_sent_total")).toBe(summary.delivered + summary.failed)
  }, 120_000)
})

/** The transactional ids the cluster knows, as Java's kafka-transactions tool lists them. */
const transactionalIds = async (): Promise<Array<string>> => {
  const libs = (await runCommand(["bash", "scripts/kafka.sh", "libs"])).stdout.trim()
  const listed = await runCommand([
    ...["java", "-cp", `${libs}/*`, "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"],
    ...["org.apache.kafka.tools.TransactionsCommand", "--bootstrap-server", bootstrap, "list"],
  ])
  expect(listed.code, listed.stderr).toBe(0)
  return listed.stdout.split("\n").map((line) => line.split(/\s+/)[0]!)
}

describe("--metrics-port with --workers and --transactional-id", () => {
  test("each worker commits under its own ids (ID-I, ID-I.2); the transaction series add up to the summary", async () => {
    const topic = uniqueTopic("metrics-txn-workers")
    const id = `tx-${topic}`
    const { last, summary, finished } = await scrapedRun(
      [
        ...["--topic", topic, "--create-topic", "--rate", "max", "--count", "6000", "--workers", "2"],
        ...["--transactional-id", id, "--transaction-size", "500", "--abort-rate", "0.3", "--seed", "11"],
      ],
      { KAFKA_BOOTSTRAP_SERVERS: bootstrap },
    )
    expect(finished.code, finished.stderr).toBe(0)
    expect(summary.generated).toBe(summary.delivered + summary.aborted + summary.failed)
    expect([summary.failed, summary.transactions.failed]).toEqual([0, 0])
    expect(summary.transactions.aborted).toBeGreaterThan(0)
    expect((await transactionalIds()).filter((t) => t.startsWith(`${id}-`)).sort()).toEqual([
      `${id}-1`,
      `${id}-1.2`,
      `${id}-2`,
      `${id}-2.2`,
    ])
    const [end] = await parse([last])
    const outcome = (name: string) =>
      sum(
        end!.filter((s) => s.labels.outcome === name),
        "customer_events_transactions_total",
      )
    expect(outcome("committed")).toBe(summary.transactions.committed)
    expect(outcome("aborted")).toBe(summary.transactions.aborted)
    expect(outcome("failed")).toBe(0)
    expect(sum(end!, "customer_events_records_aborted_total")).toBe(summary.aborted)
    expect(sum(end!, "customer_events_records_delivered_total")).toBe(summary.delivered)
    expect((await readAllWithJava(topic, "read_committed")).length).toBe(summary.delivered)
  }, 120_000)
})

test("a port already in use: exit 2 naming --metrics-port, before connecting to Kafka", async () => {
  const busy = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("taken") })
  try {
    const run = await runCommand(
      [
        ...producer,
        "--metrics-port",
        String(busy.port),
        "--bootstrap-servers",
        "127.0.0.1:1",
        "--count",
        "1",
      ],
      {},
    )
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`error: --metrics-port: 127.0.0.1:${busy.port} is already in use`)
    expect(run.stderr).not.toContain("connecting to")
  } finally {
    busy.stop(true)
  }
}, 30_000)
