/**
 * The registry formats against the real broker and the local Schema Registry, with each client: what
 * the producer writes is read back by Confluent's own Python deserializers and equals, event by
 * event, the dry run of the same seed; a dry run needs no registry; bad registry settings stop the
 * run before Kafka with exit 2 and nothing produced.
 */
import { describe, expect, test } from "bun:test"
import { join } from "node:path"
import { Catalog, CustomerEvent, EventFormat, Reference } from "@customer-events/events"
import { KafkaConfig } from "@customer-events/kafka"
import {
  type PythonRecord,
  readTopic,
  readWithConfluentPython,
  recordCount,
  registryUrl,
  repoRoot,
  runCommand,
  topicExists,
  uniqueTopic,
} from "@customer-events/test-support"

const producer = ["bun", "run", "apps/producer"]
const count = 5000
const stream = [
  "--seed",
  "27",
  "--rate",
  "max",
  "--count",
  String(count),
  "--start-time",
  "2026-11-30T00:00:00Z",
]
const noRegistry = { SCHEMA_REGISTRY_URL: undefined }

const upperSnake = (symbol: string) => symbol.replace(/[A-Z]/gu, (c) => `_${c}`).toUpperCase()
/** A Protobuf enum's name back to the contract's symbol: EVENT_TYPE_PRODUCT_VIEW -> productView. */
const symbolOf = (text: unknown, prefix: string, symbols: ReadonlyArray<string>) =>
  symbols.find((s) => `${prefix}_${upperSnake(s)}` === text)

type Fields = Record<string, string | number | undefined>

/** The contract's event of what protobuf's json_format gave (snake_case, enum names, int64 as text). */
const fromProtobuf = (v: Record<string, unknown>) => {
  const { categories, viewSources, paymentMethods, algorithms, eventTypes } = CustomerEvent
  const [view, cart, purchase, click] = [
    v.product_view,
    v.add_to_cart,
    v.purchase,
    v.recommendation_click,
  ] as Array<Fields | undefined>
  const metadata = view
    ? {
        category: symbolOf(view.category, "CATEGORY", categories),
        source: symbolOf(view.source, "VIEW_SOURCE", viewSources),
      }
    : cart
      ? { quantity: cart.quantity }
      : purchase
        ? {
            quantity: purchase.quantity,
            totalAmount: Number(purchase.total_amount_cents) / 100,
            paymentMethod: symbolOf(purchase.payment_method, "PAYMENT_METHOD", paymentMethods),
          }
        : {
            recommendedProductId: click?.recommended_product_id,
            algorithm: symbolOf(click?.algorithm, "ALGORITHM", algorithms),
          }
  return {
    eventId: v.event_id,
    eventType: symbolOf(v.event_type, "EVENT_TYPE", eventTypes),
    customerId: v.customer_id,
    productId: v.product_id,
    sessionId: v.session_id,
    timestamp: new Date(v.timestamp as string).toISOString(),
    metadata,
  }
}

const eventOf = (format: EventFormat.RegistryFormat, record: PythonRecord) =>
  format === "protobuf" ? fromProtobuf(record.value) : record.value

const dryRun = async (format: string) => {
  const run = await runCommand([...producer, "--dry-run", "--format", format, ...stream], noRegistry)
  expect(run.code).toBe(0)
  return new Map(
    run.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const event = JSON.parse(line) as CustomerEvent.CustomerEvent
        return [event.eventId, event] as const
      }),
  )
}

describe("registry formats", () => {
  for (const format of ["avro", "protobuf", "json-schema"] as const)
    for (const client of KafkaConfig.clients)
      test(`${format}, ${client}: Confluent's Python deserializers read back the dry run of the seed`, async () => {
        const topic = uniqueTopic(`registry-${format}-${client}`)
        const run = await runCommand(
          [
            ...producer,
            "--topic",
            topic,
            "--create-topic",
            "--format",
            format,
            "--client",
            client,
            ...stream,
          ],
          { SCHEMA_REGISTRY_URL: registryUrl },
        )
        expect(run.stderr).toContain(`subject ${topic}-value`)
        expect(run.code).toBe(0)
        const expected = await dryRun(format)
        expect(expected.size).toBe(count)
        const read = await readWithConfluentPython(topic, count, format)
        expect(read).toHaveLength(count)
        expect(new Set(read.map((r) => r.schemaId)).size).toBe(1)
        for (const record of read) {
          const event = eventOf(format, record)
          expect(event).toEqual(expected.get(event.eventId as string)!)
          expected.delete(event.eventId as string)
        }
        expect(expected.size).toBe(0)
        const [first] = await readTopic(topic)
        expect(first!.headers["content-type"]).toBe(EventFormat.contentTypes[format])
      }, 120_000)

  for (const format of ["avro", "protobuf", "json-schema"] as const)
    test(`${format}: version 1 then 2 in one topic, read by the inspector and Python; broken refused`, async () => {
      const topic = uniqueTopic(`evolution-${format}`)
      const env = { SCHEMA_REGISTRY_URL: registryUrl }
      const produce = (version: string) =>
        runCommand(
          [
            ...producer,
            "--topic",
            topic,
            "--create-topic",
            "--format",
            format,
            "--schema-version",
            version,
          ].concat(["--rate", "max", "--count", "500", "--seed", version === "1" ? "1" : "2"]),
          env,
        )
      expect((await produce("1")).code).toBe(0)
      expect((await produce("2")).code).toBe(0)
      const broken = await produce("broken")
      expect(broken.code).toBe(2)
      const errorLines = broken.stderr.split("\n").filter((line) => line.startsWith("error: "))
      expect(errorLines).toHaveLength(1)
      expect(errorLines[0]).toContain(`subject ${topic}-value: refused the schema as incompatible: `)
      expect(await recordCount(topic)).toBe(1000)

      const inspected = await runCommand(
        ["bun", "run", "apps/inspector", "--topic", topic, "--json", "--no-progress"],
        env,
      )
      expect(inspected.code).toBe(0)
      const report = JSON.parse(inspected.stdout)
      expect(report).toMatchObject({ records: 1000, valid: 1000, sound: true })
      expect(report.schemas.map((s: { version: number; records: number }) => [s.version, s.records])).toEqual(
        [
          [1, 500],
          [2, 500],
        ],
      )
      const read = await readWithConfluentPython(topic, 1000, format)
      const withDevice = read.filter((r) => (r.value.deviceType ?? r.value.device_type) !== undefined)
      expect(withDevice).toHaveLength(500)
      expect(new Set(withDevice.map((r) => r.schemaId)).size).toBe(1)
    }, 120_000)

  test("--reference-topics in a registry format: each entity under its own subject, read back by Python", async () => {
    const topic = uniqueTopic("registry-reference")
    const run = await runCommand(
      [...producer, "--topic", topic, "--create-topic", "--format", "avro", "--reference-topics"].concat([
        "--products",
        "200",
        "--customers",
        "300",
        "--rate",
        "max",
        "--count",
        "100",
      ]),
      { SCHEMA_REGISTRY_URL: registryUrl },
    )
    expect(run.code).toBe(0)
    const products = await readWithConfluentPython(`${topic}-products`, 200, "avro")
    const expectedProducts = new Map(
      [...Reference.products(Catalog.makeCatalog(200))].map((p) => [p.productId, p]),
    )
    for (const p of products) expect(p.value).toEqual(expectedProducts.get(p.value.productId as string)!)
    expect(new Set(products.map((p) => p.value.productId)).size).toBe(200)
    // Avro's enum symbols cannot hold "-": north-america is north_america in the schema.
    const customers = await readWithConfluentPython(`${topic}-customers`, 300, "avro")
    for (const c of customers) {
      const index = Number((c.value.customerId as string).slice(5)) - 1
      expect({ ...c.value, region: (c.value.region as string).replace("_", "-") }).toEqual(
        Reference.customer(index),
      )
    }
    expect(new Set([...products, ...customers].map((r) => r.schemaId)).size).toBe(2)
  }, 120_000)

  test("--workers 2 in a registry format: one schema id, every event read back by Python", async () => {
    const topic = uniqueTopic("registry-workers")
    const run = await runCommand(
      [...producer, "--topic", topic, "--create-topic", "--format", "protobuf", "--workers", "2"].concat([
        "--rate",
        "max",
        "--count",
        "2000",
        "--seed",
        "5",
      ]),
      { SCHEMA_REGISTRY_URL: registryUrl },
    )
    expect(run.code).toBe(0)
    const read = await readWithConfluentPython(topic, 2000, "protobuf")
    expect(new Set(read.map((r) => r.value.event_id)).size).toBe(2000)
    expect(new Set(read.map((r) => r.schemaId)).size).toBe(1)
  }, 120_000)

  test("the compiled binary writes a registry format and prints its schemas", async () => {
    const build = Bun.spawnSync(["bun", "run", "build"], { cwd: join(repoRoot, "apps/producer") })
    expect(build.exitCode).toBe(0)
    const binary = join(repoRoot, "apps/producer/dist/customer-events")
    const topic = uniqueTopic("registry-binary")
    const run = await runCommand(
      [
        binary,
        "--topic",
        topic,
        "--create-topic",
        "--format",
        "json-schema",
        "--rate",
        "max",
        "--count",
        "500",
      ],
      { SCHEMA_REGISTRY_URL: registryUrl },
    )
    expect(run.code).toBe(0)
    expect(await readWithConfluentPython(topic, 500, "json-schema")).toHaveLength(500)
    const proto = await runCommand([binary, "schema", "--format", "protobuf", "--schema-version", "2"])
    expect(proto.stdout).toBe(EventFormat.schemaText("protobuf", "2"))
  }, 120_000)

  test("a registry format without a registry URL is exit 2 naming the flag, nothing produced", async () => {
    const topic = uniqueTopic("registry-missing")
    const run = await runCommand(
      [...producer, "--topic", topic, "--create-topic", "--format", "avro", "--count", "10", "--rate", "max"],
      noRegistry,
    )
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("--schema-registry-url: is required with --format avro")
    expect(await topicExists(topic)).toBe(false)
  })

  test("an unreachable registry is exit 2 before Kafka is contacted, naming the URL", async () => {
    const run = await runCommand(
      [
        ...producer,
        "--format",
        "protobuf",
        "--schema-registry-url",
        "http://127.0.0.1:9/apis",
        "--count",
        "10",
      ],
      { SCHEMA_REGISTRY_URL: undefined, KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:9" },
    )
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(
      "Schema Registry http://127.0.0.1:9/apis, subject customer-events-value: unreachable",
    )
    expect(run.stderr).not.toContain("Kafka")
  })

  test("--no-auto-register on a subject that has no schema is exit 2, nothing produced", async () => {
    const topic = uniqueTopic("registry-no-auto")
    const run = await runCommand(
      [
        ...producer,
        "--topic",
        topic,
        "--create-topic",
        "--format",
        "avro",
        "--no-auto-register",
        "--count",
        "10",
      ],
      { SCHEMA_REGISTRY_URL: registryUrl },
    )
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`subject ${topic}-value: has no schema yet`)
    expect(await topicExists(topic)).toBe(false)
  })

  test("--no-auto-register uses the registered schema's id once a run has registered it", async () => {
    const topic = uniqueTopic("registry-registered")
    const args = [
      ...producer,
      "--topic",
      topic,
      "--create-topic",
      "--format",
      "avro",
      "--count",
      "10",
      "--rate",
      "max",
    ]
    const env = { SCHEMA_REGISTRY_URL: registryUrl }
    expect((await runCommand(args, env)).code).toBe(0)
    const second = await runCommand([...args, "--no-auto-register"], env)
    expect(second.code).toBe(0)
    const ids = new Set((await readWithConfluentPython(topic, 20, "avro")).map((r) => r.schemaId))
    expect(ids.size).toBe(1)
  })

  test("bun run start --format avro starts the local registry with the broker and uses it", async () => {
    const topic = uniqueTopic("registry-start")
    const run = await runCommand(
      ["bun", "run", "start", "--topic", topic, "--format", "avro", "--count", "50", "--rate", "max"],
      {
        SCHEMA_REGISTRY_URL: undefined,
      },
    )
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(`schema: avro version 1, subject ${topic}-value`)
    expect(await readWithConfluentPython(topic, 50, "avro")).toHaveLength(50)
  }, 120_000)

  test("an unknown --format is exit 2 naming the choices", async () => {
    const run = await runCommand([...producer, "--dry-run", "--format", "xml", "--count", "1"])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("--format")
    expect(run.stderr).toContain("json, avro, protobuf, json-schema")
  })
})
