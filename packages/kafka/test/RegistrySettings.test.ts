/** The Schema Registry's settings, read through the one settings table like the Kafka ones. */
import { describe, expect, test } from "bun:test"
import { Effect, Option, Redacted, Result } from "effect"
import { KafkaConfig, KafkaSettings, Properties, SchemaRegistry } from "../src/index.js"

const secret = "r3g-S3cret:with=signs"

const configOf = (text: string) => {
  const read = KafkaSettings.fromProperties(
    Properties.parse(text),
    "client.properties",
    KafkaSettings.ignoredKeys,
  )
  return Result.flatMap(read, ({ settings, origins, unknownKeys }) => {
    expect(unknownKeys).toEqual([])
    return KafkaConfig.make(settings, origins)
  })
}
const errorOf = (text: string) => {
  const result = configOf(text)
  if (Result.isSuccess(result)) throw new Error("expected a config error")
  return result.failure.message
}

describe("Schema Registry settings", () => {
  test("Confluent Cloud's client.properties: URL, USER_INFO and the key:secret, never shown", () => {
    const config = Result.getOrThrow(
      configOf(`bootstrap.servers=broker.example:9092
schema.registry.url=https://schema-registry.example:8081/
basic.auth.credentials.source=USER_INFO
basic.auth.user.info=SRKEY:${secret}`),
    )
    const registry = Option.getOrThrow(config.schemaRegistry)
    expect(registry.url).toBe("https://schema-registry.example:8081")
    const auth = Option.getOrThrow(registry.auth)
    expect(auth.username).toBe("SRKEY")
    expect(Redacted.value(auth.password)).toBe(secret)
    expect(registry).toMatchObject({ subjectStrategy: "topic", autoRegister: true })
    expect(JSON.stringify(registry)).not.toContain(secret)
  })

  test("credentials in the URL (source URL) are taken out of the URL shown", () => {
    const config = Result.getOrThrow(
      configOf(`schema.registry.url=https://key:${encodeURIComponent("p@ss")}@schema-registry.example
basic.auth.credentials.source=URL`),
    )
    const registry = Option.getOrThrow(config.schemaRegistry)
    expect(registry.url).toBe("https://schema-registry.example")
    expect(Redacted.value(Option.getOrThrow(registry.auth).password)).toBe("p@ss")
  })

  test("Java's strategy class names and auto.register.schemas are read", () => {
    const registry = Option.getOrThrow(
      Result.getOrThrow(
        configOf(`schema.registry.url=http://127.0.0.1:28081/apis/ccompat/v7
value.subject.name.strategy=io.confluent.kafka.serializers.subject.TopicRecordNameStrategy
auto.register.schemas=false`),
      ).schemaRegistry,
    )
    expect(registry).toMatchObject({ subjectStrategy: "topic-record", autoRegister: false })
    expect(SchemaRegistry.subjectOf("topic-record", "orders", "customer_events.CustomerEvent")).toBe(
      "orders-customer_events.CustomerEvent",
    )
    expect(SchemaRegistry.subjectOf("topic", "orders", "x")).toBe("orders-value")
    expect(SchemaRegistry.subjectOf("record", "orders", "customer_events.CustomerEvent")).toBe(
      "customer_events.CustomerEvent",
    )
  })

  test("bad values name the key, never the secret", () => {
    expect(errorOf("schema.registry.url=ftp://x")).toBe(
      "client.properties: schema.registry.url: expected an http:// or https:// URL",
    )
    expect(
      errorOf(`schema.registry.url=https://r.example\nbasic.auth.user.info=${secret.replace(":", "")}`),
    ).toBe("client.properties: basic.auth.user.info: invalid (value hidden)")
    expect(errorOf("schema.registry.url=https://r.example\nbasic.auth.credentials.source=URL")).toContain(
      "basic.auth.credentials.source: is URL, but schema.registry.url has no user:secret@",
    )
    expect(
      errorOf("schema.registry.url=https://r.example\nbasic.auth.credentials.source=USER_INFO"),
    ).toContain("basic.auth.user.info: is required with basic.auth.credentials.source=USER_INFO")
    expect(errorOf(`basic.auth.user.info=K:${secret}`)).toContain("schema.registry.url: is needed")
    expect(errorOf("value.subject.name.strategy=Nope")).toContain("value.subject.name.strategy")
  })

  test("no URL, no registry: the JSON format needs none", () => {
    expect(Option.isNone(Result.getOrThrow(configOf("acks=all")).schemaRegistry)).toBe(true)
  })

  test("flags: --no-auto-register stands alone and wins", () => {
    const flags = Result.getOrThrow(
      KafkaSettings.fromFlags({ "no-auto-register": true, "subject-strategy": "record" }),
    )
    expect(flags.settings).toMatchObject({ autoRegister: false, subjectStrategy: "record" })
    expect(flags.origins).toMatchObject({ autoRegister: "--no-auto-register" })
  })

  test("a CA file that is not PEM is named before any request", async () => {
    const config = Option.getOrThrow(
      Result.getOrThrow(
        configOf(
          `schema.registry.url=https://r.example\nschema.registry.ssl.ca.location=${import.meta.path}`,
        ),
      ).schemaRegistry,
    )
    const made = await Effect.runPromise(Effect.result(SchemaRegistry.make(config)))
    expect(Result.isFailure(made) && made.failure.message).toContain(
      `schema.registry.ssl.ca.location: ${import.meta.path} is not a PEM certificate`,
    )
  })
})
