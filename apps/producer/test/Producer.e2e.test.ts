/**
 * End-to-end: the CLI as users run it (bun run apps/producer, bun run start, the compiled binary),
 * in subprocesses, against the real local broker. Records are read back with a plain kafkajs consumer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CustomerEvent } from "@customer-events/events"
import { KafkaConfig } from "@customer-events/kafka"
import {
  bootstrap,
  brokerScript,
  createTopic,
  readTopic,
  recordCount,
  repoRoot,
  startInGroup,
  uniqueTopic,
  until,
} from "@customer-events/test-support"
import { Result } from "effect"

const binary = join(repoRoot, "apps/producer/dist/customer-events")
const work = mkdtempSync(join(tmpdir(), "producer-e2e-"))

const paths = {
  "bun run apps/producer": ["bun", "run", "apps/producer"],
  "bun run start": ["bun", "run", "start"],
  "compiled binary": [binary],
} as const
type PathName = keyof typeof paths

/** Starts the CLI in its own process group, as a terminal would, so Ctrl-C can be sent to the group. */
const start = (path: PathName, args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  startInGroup([...paths[path], ...args], { KAFKA_BOOTSTRAP_SERVERS: bootstrap, ...env })

const run = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  path: PathName = "bun run apps/producer",
) => start(path, args, env).finished

const recordsIn = recordCount

const summaryOf = (file: string) => JSON.parse(readFileSync(file, "utf8"))

beforeAll(async () => {
  const build = Bun.spawnSync(["bun", "run", "build"], { cwd: join(repoRoot, "apps/producer") })
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr}`)
}, 120_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

/** Every record is a valid event, keyed by customerId, with the headers and the event time. */
const expectValidRecords = (records: Awaited<ReturnType<typeof readTopic>>) => {
  for (const record of records) {
    const event = Result.getOrThrow(CustomerEvent.decodeJson(record.value!))
    expect(record.key).toBe(event.customerId)
    expect(record.headers).toEqual({
      "event-type": event.eventType,
      "event-id": event.eventId,
      "content-type": "application/json",
      "schema-version": CustomerEvent.schemaVersion,
    })
    expect(record.timestamp).toBe(String(Date.parse(event.timestamp)))
  }
  expect(new Set(records.map((r) => r.headers["event-id"])).size).toBe(records.length)
}

for (const client of KafkaConfig.clients)
  describe(`customer-events (${client}) against the local broker`, () => {
    const withClient = { KAFKA_CLIENT: client }
    test("--count N --rate max: the topic holds exactly N valid events", async () => {
      const topic = uniqueTopic("count")
      const summaryFile = join(work, `${topic}.json`)
      const result = await run(
        [
          "--count",
          "5000",
          "--rate",
          "max",
          "--topic",
          topic,
          "--create-topic",
          "--summary-file",
          summaryFile,
        ],
        withClient,
      )
      expect(result.stderr).toContain("summary (count): 5,000 generated, 5,000 delivered, 0 failed")
      expect(result.code).toBe(0)
      expect(summaryOf(summaryFile)).toMatchObject({
        generated: 5000,
        delivered: 5000,
        failed: 0,
        deadLettered: 0,
        client,
      })
      const records = await readTopic(topic)
      expect(records).toHaveLength(5000)
      expectValidRecords(records)
    }, 120_000)

    test("5 requests in flight on 6 partitions: each customer's events in the topic in their emission order", async () => {
      const topic = uniqueTopic("order")
      const args = [
        "--count",
        "20000",
        "--rate",
        "max",
        "--seed",
        "28",
        "--batch-size",
        "200",
        "--max-in-flight",
        "5",
      ]
      const sent = await run([...args, "--topic", topic, "--create-topic", "--partitions", "6"], withClient)
      expect(sent.stderr).toContain("20,000 delivered, 0 failed")
      const emitted = await run([...args, "--dry-run"])
      const idsPerCustomer = (pairs: ReadonlyArray<readonly [string, string]>) => {
        const out = new Map<string, Array<string>>()
        for (const [customer, id] of pairs) out.set(customer, [...(out.get(customer) ?? []), id])
        return out
      }
      const expected = idsPerCustomer(
        emitted.stdout
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line))
          .map((event) => [event.customerId, event.eventId] as const),
      )
      const stored = (await readTopic(topic)).sort(
        (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset),
      )
      const actual = idsPerCustomer(stored.map((r) => [r.key!, r.headers["event-id"]!] as const))
      expect(new Set(stored.map((r) => r.partition)).size).toBe(6)
      expect(actual.size).toBe(expected.size)
      for (const [customer, ids] of expected) expect(actual.get(customer)).toEqual(ids)
    }, 120_000)

    test("the compiled binary runs --workers too: each worker is the binary's own entry point", async () => {
      const topic = uniqueTopic("binary-workers")
      const result = await run(
        ["--count", "4000", "--rate", "max", "--topic", topic, "--create-topic", "--workers", "2"],
        withClient,
        "compiled binary",
      )
      expect(result.code, result.stderr).toBe(0)
      expect(result.stderr).toContain("4,000 delivered")
      expect(await recordsIn(topic)).toBe(4000)
    }, 120_000)

    test("--print json: each event once, with the partition and offset where the topic holds it", async () => {
      const topic = uniqueTopic("print")
      await createTopic(topic)
      const result = await run(
        ["--count", "300", "--rate", "max", "--topic", topic, "--print", "json"],
        withClient,
      )
      expect(result.code, result.stderr).toBe(0)
      const printed = result.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line))
      expect(printed).toHaveLength(300)
      const stored = new Map((await readTopic(topic)).map((r) => [`${r.partition}@${r.offset}`, r.value]))
      for (const line of printed) {
        expect(line.status).toBe("delivered")
        expect(stored.get(`${line.partition}@${line.offset}`)).toBe(JSON.stringify(line.event))
      }
      expect(new Set(printed.map((line) => `${line.partition}@${line.offset}`)).size).toBe(300)
    }, 120_000)

    test("--print: one readable line per event, ending with partition@offset", async () => {
      const topic = uniqueTopic("print-text")
      await createTopic(topic)
      const result = await run(["--count", "200", "--rate", "max", "--topic", topic, "--print"], withClient)
      expect(result.code, result.stderr).toBe(0)
      const lines = result.stdout.trimEnd().split("\n")
      expect(lines).toHaveLength(200)
      for (const line of lines)
        expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z {2}\w+ +cust-\d+ {2}prod-\d+ {2}.+ {2}p\d+@\d+$/)
    }, 120_000)

    for (const path of Object.keys(paths) as Array<PathName>)
      test(`Ctrl-C during --rate 2000 (${path}): exit 0, generated = delivered = records in the topic`, async () => {
        const topic = uniqueTopic("sigint")
        await createTopic(topic)
        const summaryFile = join(work, `${topic}.json`)
        const cli = start(
          path,
          ["--rate", "2000", "--topic", topic, "--summary-file", summaryFile],
          withClient,
        )
        await until(async () => (await recordsIn(topic)) >= 2000, "2000 records in the topic")
        cli.interrupt()
        const result = await cli.finished
        expect(result.stderr).toContain("stopping: generation stopped")
        expect(result.code).toBe(0)
        const summary = summaryOf(summaryFile)
        expect(summary.stoppedBy).toBe("signal")
        expect(summary.failed).toBe(0)
        expect(summary.delivered).toBe(summary.generated)
        expect(await recordsIn(topic)).toBe(summary.generated)
      }, 120_000)

    test("an unreachable broker: exit 2 within the connect timeout, naming host:port", async () => {
      const result = await run(
        ["--count", "5", "--bootstrap-servers", "127.0.0.1:1", "--connect-timeout", "2s"],
        withClient,
      )
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("error: cannot connect to Kafka at 127.0.0.1:1")
      expect(result.ms).toBeLessThan(2000 + 3000)
    }, 30_000)

    test("a missing topic without --create-topic: exit 2, naming --create-topic", async () => {
      const result = await run(["--count", "5", "--topic", uniqueTopic("absent")], withClient)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("does not exist: pass --create-topic")
    }, 30_000)

    test("SASL settings in a properties file against the plaintext broker: a clear error, the secret never printed", async () => {
      const secret = "Sup3r-S3cret-Value"
      const file = join(work, "client.properties")
      writeFileSync(
        file,
        `bootstrap.servers=${bootstrap}\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanisms=PLAIN\nsasl.username=alice\nsasl.password=${secret}\n`,
      )
      const result = await run(["--count", "5", "--config", file, "--connect-timeout", "5s"], {
        ...withClient,
        KAFKA_BOOTSTRAP_SERVERS: "",
      })
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/error: .*(SASL|authentication|connect)/i)
      expect(result.stderr + result.stdout).not.toContain(secret)
    }, 30_000)
  })

describe("command line", () => {
  const bad: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["--bogus"], "error: --bogus: Unknown option '--bogus'"],
    [["--count", "0"], "error: --count: expected a whole number from 1 up"],
    [["--rate", "fast"], "error: --rate: expected events per second"],
    [["--interval", "5s..1s"], "error: --interval: MIN must not exceed MAX"],
    [["--interval", "100..1000"], "error: --interval: expected a duration such as 500ms"],
    [["--mode", "random"], "error: --mode: expected one of sessions, independent"],
    [["--start-time", "yesterday"], "error: --start-time: expected an ISO-8601 instant"],
    [["--topic", "bad topic"], "error: --topic: expected a Kafka topic name"],
    [["--rate", "5", "--interval", "1s..2s"], "error: --rate: use either --rate or --interval"],
    [["--bootstrap-servers", "nohost", "--dry-run"], ""],
    [["--bootstrap-servers", "nohost", "--count", "1"], "error: --bootstrap-servers: expected host:port"],
    [
      ["--bootstrap-servers", "127.0.0.1:notaport"],
      '--bootstrap-servers: expected host:port with a port from 1 to 65535, got "127.0.0.1:notaport"',
    ],
    [["--rate", "-5"], 'error: --rate: expected events per second (a number > 0) or "max", got "-5"'],
    [["--seed", ""], "error: --seed: expected a value, got an empty one"],
    [["--print", "yaml"], 'error: --print: expected one of text, json, got "yaml"'],
    [["--linger", "5"], 'error: --linger: expected a duration such as 500ms, 10s, 5m or 1h, got "5"'],
    [["--profile", "diurnal"], "error: --profile: shapes a mean rate: give --rate N"],
    [["--late-rate", "2"], 'error: --late-rate: expected a fraction from 0 to 1 such as 0.05, got "2"'],
    [["--late-by", "1m..2m"], "error: --late-by: needs --late-rate P"],
    [["--late-rate", "0.1", "--late-by", "5m..1m"], "error: --late-by: expected 0 < MIN <= MAX"],
    [["--duplicate-rate", "-0.1"], "error: --duplicate-rate: expected a fraction from 0 to 1"],
    [
      ["--profile", "/nonexistent.json", "--rate", "5"],
      "error: --profile: expected flat, diurnal or a JSON file",
    ],
    [["--profile", "diurnal", "--rate", "5", "--timezone", "Mars/Base"], "error: --timezone: expected UTC"],
    [
      ["--config", "/nonexistent/client.properties"],
      "error: --config: cannot read /nonexistent/client.properties: no such file",
    ],
    [["frobnicate"], 'error: unexpected argument "frobnicate"'],
    [["--truth-window", "1m"], "error: --truth-window: needs --truth FILE"],
    [["--truth", "t.ndjson", "--truth-window", "1500ms"], "error: --truth-window: expected whole seconds"],
    [["--truth", "/nonexistent/dir/t.ndjson"], "error: --truth: cannot write /nonexistent/dir/t.ndjson"],
    [["--products-topic", "p"], "error: --products-topic: names a reference topic: add --reference-topics"],
    [["--reference-topics", "--dry-run"], "error: --reference-topics: writes to Kafka: drop --dry-run"],
    [
      ["--reference-topics", "--customers-topic", "customer-events"],
      "error: --customers-topic: the event topic",
    ],
    [
      ["--price-changes", "1"],
      "error: --price-changes: changes the reference topics: add --reference-topics",
    ],
    [
      ["--reference-topics", "--customer-deletes", "-1"],
      "error: --customer-deletes: expected changes per entity",
    ],
    [
      ["--reference-topics", "--entity-changes", "wild"],
      "error: --entity-changes: expected one of realistic",
    ],
    [["--anomaly", "orphan-events@1m+1m"], "error: --anomaly: orphan-events names deleted entities"],
    [
      ["--reference-topics", "--entity-changes", "realistic", "--workers", "2"],
      "error: --entity-changes: is not offered with --workers or --instance",
    ],
    [["schema", "--entity", "order"], "error: --entity: expected one of event, product, customer, truth"],
    [["--entity", "product"], "error: --entity: chooses what the schema command prints"],
    [["--workers", "2", "--dry-run"], "error: --workers: --dry-run writes one stream"],
    [["--workers", "0"], "error: --workers: expected a whole number from 1"],
    [["--instance", "3/2"], "error: --instance: expected I/N with 1 <= I <= N"],
    [["--instance", "1/4", "--customers", "3"], "error: --instance: 4 instances need at least 4 customers"],
    [["--client", "rdkafka"], "error: --client: expected one of kafkajs, platformatic"],
    [
      ["--compression", "zstd", "--client", "kafkajs", "--count", "1"],
      "error: --compression: zstd is not available with the kafkajs client",
    ],
  ]
  for (const [args, message] of bad)
    if (message !== "")
      test(`${args.join(" ")}: exit 2, naming the problem`, async () => {
        const result = await run(args)
        expect(result.stderr).toContain(message)
        expect(result.code).toBe(2)
      }, 30_000)

  test("--help teaches with examples; --version and schema print to stdout", async () => {
    const help = await run(["--help"])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("Examples:")
    expect(help.stdout).toContain("--config FILE")
    const registry = help.stdout.slice(help.stdout.indexOf("Values and the Schema Registry"))
    for (const flag of ["--format", "--schema-version", "--schema-registry-url", "--no-auto-register"])
      expect(registry).toContain(`  ${flag} `)
    const version = await run(["--version"])
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    const schema = await run(["schema"])
    expect(JSON.parse(schema.stdout).$schema).toBe("http://json-schema.org/draft-07/schema#")
    for (const entity of ["product", "customer", "truth"]) {
      const printed = await run(["schema", "--entity", entity])
      expect(printed.code).toBe(0)
      expect(JSON.parse(printed.stdout).$id).toContain(`:${entity === "truth" ? "truth-window" : entity}:1`)
    }
    const avro = await run(["schema", "--entity", "product", "--format", "avro"])
    expect(JSON.parse(avro.stdout)).toMatchObject({
      type: "record",
      name: "Product",
      namespace: "customer_events",
    })
    const proto = await run(["schema", "--entity", "customer", "--format", "protobuf"])
    expect(proto.stdout).toContain("message Customer {")
    expect((await run(["schema", "--entity", "truth", "--format", "avro"])).code).toBe(2)
  }, 30_000)

  test("--dry-run is deterministic by seed, NDJSON only on stdout, the same from the binary", async () => {
    const args = (seed: string) => [
      "--dry-run",
      "--seed",
      seed,
      "--count",
      "2000",
      "--start-time",
      "2026-11-30T00:00:00Z",
    ]
    const a = await run(args("7"))
    const b = await run(args("7"))
    const c = await run(args("8"))
    const fromBinary = await run(args("7"), {}, "compiled binary")
    expect(a.code).toBe(0)
    expect(a.stdout).toBe(b.stdout)
    expect(fromBinary.stdout).toBe(a.stdout)
    expect(c.stdout).not.toBe(a.stdout)
    const lines = a.stdout.trimEnd().split("\n")
    expect(lines).toHaveLength(2000)
    for (const line of lines) expect(Result.isSuccess(CustomerEvent.decodeJson(line))).toBe(true)
    expect(a.stderr).toContain("summary (count): 2,000 generated, 2,000 written")
  }, 60_000)

  test("--profile diurnal backfills a shaped day at full speed, the same for the same seed", async () => {
    const args = ["--dry-run", "--seed", "3", "--rate", "1", "--profile", "diurnal"]
    const day = [...args, "--start-time", "2026-11-02T00:00:00Z", "--duration", "1d"]
    const [a, b] = await Promise.all([run(day), run(day)])
    expect(a.code, a.stderr).toBe(0)
    expect(a.stdout).toBe(b.stdout)
    const hours = new Array<number>(24).fill(0)
    for (const line of a.stdout.trimEnd().split("\n"))
      hours[new Date(JSON.parse(line).timestamp).getUTCHours()]! += 1
    const total = hours.reduce((x, y) => x + y, 0)
    // A Monday at 1/s: the week's mean is 1/s and Monday is a quieter day.
    expect(total).toBeGreaterThan(75_000)
    expect(total).toBeLessThan(86_400)
    expect(hours[20]! / hours[3]!).toBeGreaterThan(4)
  }, 60_000)
})

describe("a forced stop", () => {
  // A private broker that can be frozen (SIGSTOP), so that batches stay in flight.
  const port = 29092 + (process.pid % 500) * 2
  const privateBootstrap = `127.0.0.1:${port}`
  const stateDir = mkdtempSync(join(tmpdir(), "producer-broker-"))
  const env = { KAFKA_PORT: String(port), KAFKA_STATE_DIR: stateDir }

  afterAll(() => {
    const pid = readFileSync(join(stateDir, "broker.pid"), "utf8").trim()
    if (existsSync(`/proc/${pid}`)) process.kill(Number(pid), "SIGCONT")
    brokerScript(["down"], env)
    rmSync(stateDir, { recursive: true, force: true })
  })

  for (const client of KafkaConfig.clients)
    test(`${client}: a second Ctrl-C exits 130; in-flight events count as failed and are dead-lettered`, async () => {
      expect(brokerScript(["up"], env).code).toBe(0)
      const topic = uniqueTopic("forced")
      await createTopic(topic, { brokers: privateBootstrap })
      const summaryFile = join(work, `${topic}.json`)
      const deadLetterFile = join(work, `${topic}.dead.ndjson`)
      const cli = start(
        "bun run apps/producer",
        [
          "--rate",
          "1000",
          "--topic",
          topic,
          "--summary-file",
          summaryFile,
          "--dead-letter-file",
          deadLetterFile,
        ],
        { KAFKA_BOOTSTRAP_SERVERS: privateBootstrap, KAFKA_CLIENT: client },
      )
      await until(async () => (await recordsIn(topic, privateBootstrap)) >= 500, "500 records in the topic")
      const brokerPid = Number(readFileSync(join(stateDir, "broker.pid"), "utf8").trim())
      process.kill(brokerPid, "SIGSTOP")
      try {
        await Bun.sleep(500)
        cli.interrupt()
        await until(
          () => cli.stderr().includes("stopping: generation stopped"),
          "the first Ctrl-C to be seen",
        )
        await Bun.sleep(1100) // a repeat within a second counts as the same Ctrl-C
        cli.interrupt()
        const result = await cli.finished
        expect(result.code).toBe(130)
        const summary = summaryOf(summaryFile)
        expect(summary.stoppedBy).toBe("forced")
        expect(summary.failed).toBeGreaterThan(0)
        expect(summary.delivered + summary.failed).toBe(summary.generated)
        expect(summary.deadLettered).toBe(summary.failed)
        const dead = readFileSync(deadLetterFile, "utf8").trimEnd().split("\n")
        expect(dead).toHaveLength(summary.failed)
        for (const line of dead) expect(Result.isSuccess(CustomerEvent.decodeJson(line))).toBe(true)
      } finally {
        process.kill(brokerPid, "SIGCONT")
      }
    }, 180_000)
})
