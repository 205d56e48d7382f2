import { describe, expect, test } from "bun:test"
import { Either, Option, Redacted } from "effect"
import { KafkaConfig, Properties } from "../src/index.js"

const secret = "s3cr3t-P@ss=word"

const settingsOf = (text: string) => Either.getOrThrow(Properties.toSettings(Properties.parse(text)))
const errorOf = (text: string) => {
  const result = Properties.toSettings(Properties.parse(text))
  if (Either.isRight(result)) throw new Error("expected a config error")
  return result.left.message
}

describe("Properties.parse", () => {
  test("follows the .properties format: comments, separators, continuations, escapes", () => {
    const parsed = Properties.parse(
      [
        "# a comment",
        "! another comment",
        "   ",
        "a=1",
        "b : 2",
        "c 3",
        "d=long \\",
        "    value",
        "e=tab\\there\\u0041",
        "f\\=g=h",
        "empty=",
        "trailing=x\\\\",
      ].join("\n"),
    )
    expect(Object.fromEntries(parsed)).toEqual({
      a: "1",
      b: "2",
      c: "3",
      d: "long value",
      e: "tab\thereA",
      "f=g": "h",
      empty: "",
      trailing: "x\\",
    })
  })
})

describe("Properties.toSettings", () => {
  test("reads a Confluent Cloud client.properties (librdkafka form)", () => {
    const { settings, unknownKeys } = settingsOf(`
# Required connection configs for Kafka producer, consumer, and admin
bootstrap.servers=pkc-abc12.us-east-1.aws.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanisms=PLAIN
sasl.username=ABCDEFGHIJKLMNOP
sasl.password=${secret}

# Best practice for higher availability in librdkafka clients prior to 1.7
session.timeout.ms=45000
client.id=ccloud-python-client-1234
`)
    expect(unknownKeys).toEqual([])
    const config = Either.getOrThrow(KafkaConfig.make(settings))
    expect(config.brokers).toEqual(["pkc-abc12.us-east-1.aws.confluent.cloud:9092"])
    expect(Option.isSome(config.tls)).toBe(true)
    const sasl = Option.getOrThrow(config.sasl)
    expect(sasl.mechanism).toBe("plain")
    expect(sasl.username).toBe("ABCDEFGHIJKLMNOP")
    expect(Redacted.value(sasl.password)).toBe(secret)
    expect(config.clientId).toBe("ccloud-python-client-1234")
    expect(KafkaConfig.describe(config)).not.toContain(secret)
  })

  test("reads the Java sasl.jaas.config form, PLAIN and SCRAM", () => {
    const plain = settingsOf(`bootstrap.servers=broker:9092
security.protocol=SASL_SSL
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='KEY' password='${secret}';
sasl.mechanism=PLAIN
client.dns.lookup=use_all_dns_ips
acks=all`).settings
    expect(plain.saslUsername).toBe("KEY")
    expect(Redacted.value(plain.saslPassword!)).toBe(secret)
    expect(plain.saslMechanism).toBe("plain")

    const scram = settingsOf(`security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
    username="alice" password="${secret}";`).settings
    const config = Either.getOrThrow(KafkaConfig.make(scram))
    expect(Option.getOrThrow(config.sasl).mechanism).toBe("scram-sha-512")
    expect(Option.getOrThrow(config.sasl).username).toBe("alice")

    const scramWithoutMechanism = Either.getOrThrow(
      Properties.toSettings(
        Properties.parse(
          `security.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="b";`,
        ),
      ),
    ).settings
    const error = KafkaConfig.make(scramWithoutMechanism)
    expect(Either.isLeft(error) && error.left.message).toContain("sasl.mechanism")
  })

  test("maps producer tuning keys", () => {
    const { settings } = settingsOf(
      "acks=1\nenable.idempotence=false\ncompression.type=gzip\nlinger.ms=20\nrequest.timeout.ms=5000\ndelivery.timeout.ms=60000\nssl.ca.location=/tmp/ca.pem",
    )
    expect(settings).toMatchObject({
      acks: "leader",
      idempotent: false,
      compression: "gzip",
      lingerMs: 20,
      requestTimeoutMs: 5000,
      deliveryTimeoutMs: 60000,
      sslCaLocation: "/tmp/ca.pem",
    })
  })

  test("names unknown keys once, for one warning", () => {
    const { unknownKeys } = settingsOf("bootstrap.servers=a:1\nfoo.bar=1\nbatch.size=3")
    expect(unknownKeys).toEqual(["foo.bar", "batch.size"])
  })

  test("rejects bad values naming the key and the value, never a password", () => {
    expect(errorOf("acks=2")).toBe('acks: expected all, -1, 1 or 0, got "2"')
    expect(errorOf("security.protocol=TLS")).toContain(
      'security.protocol: expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got "TLS"',
    )
    expect(errorOf("sasl.mechanisms=GSSAPI")).toContain("sasl.mechanisms: expected PLAIN")
    expect(errorOf("linger.ms=soon")).toBe('linger.ms: expected a whole number of milliseconds, got "soon"')
    expect(errorOf("enable.idempotence=yes")).toBe('enable.idempotence: expected true or false, got "yes"')
    expect(errorOf("compression.type=brotli")).toBe(
      'compression.type: expected one of none, gzip, snappy, lz4, zstd, got "brotli"',
    )
    expect(errorOf("sasl.username={{ CLUSTER_API_KEY }}")).toContain(
      "sasl.username: still holds a placeholder",
    )
    const hidden = errorOf("sasl.password={{ CLUSTER_API_SECRET }}")
    expect(hidden).toContain("sasl.password")
    expect(hidden).not.toContain("CLUSTER_API_SECRET")
    const jaas = errorOf(
      `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user='x' pass='${secret}';`,
    )
    expect(jaas).toContain("sasl.jaas.config")
    expect(jaas).not.toContain(secret)
  })
})

describe("KafkaConfig.make", () => {
  test("applies the defaults", () => {
    const config = Either.getOrThrow(KafkaConfig.make({}))
    expect(config.brokers).toEqual(["127.0.0.1:9092"])
    expect(config.acks).toBe("all")
    expect(config.idempotent).toBe(true)
    expect(config.maxInFlight).toBe(1)
    expect(Option.isNone(config.sasl)).toBe(true)
  })

  test("later sources win: merge(defaults, file, env, flags)", () => {
    const merged = KafkaConfig.merge(
      { bootstrapServers: "file:1", clientId: "file" },
      { bootstrapServers: "env:2" },
      { bootstrapServers: "flag:3" },
    )
    expect(merged).toEqual({ bootstrapServers: "flag:3", clientId: "file" })
  })

  const bad: ReadonlyArray<readonly [KafkaConfig.Settings, string]> = [
    [
      { bootstrapServers: "localhost" },
      'bootstrap.servers: expected host:port with a port from 1 to 65535, got "localhost"',
    ],
    [{ bootstrapServers: "a:70000" }, "bootstrap.servers: expected host:port"],
    [{ bootstrapServers: " , " }, "bootstrap.servers: expected host:port[,host:port...], got nothing"],
    [{ securityProtocol: "SASL_SSL" }, "sasl.username: is required with security.protocol=SASL_SSL"],
    [{ saslUsername: "u", saslPassword: Redacted.make("p") }, "security.protocol: SASL credentials are set"],
    [{ acks: "leader", idempotent: true }, "acks: the idempotent producer needs acks=all"],
    [{ maxInFlight: 4 }, "max.in.flight: must be 1 with the idempotent producer"],
    [{ lingerMs: -1 }, "linger.ms: expected a whole number >= 0, got -1"],
    [{ retryJitter: 1.5 }, "retry.jitter: expected a number from 0 to below 1"],
    [{ sslCaLocation: "/x" }, "security.protocol: is PLAINTEXT, but TLS files are set"],
  ]
  for (const [settings, message] of bad)
    test(`rejects ${JSON.stringify(settings)}`, () => {
      const result = KafkaConfig.make(settings)
      expect(Either.isLeft(result) && result.left.message).toContain(message)
    })

  test("acks other than all turns idempotence off unless it was asked for", () => {
    const config = Either.getOrThrow(KafkaConfig.make({ acks: "leader", maxInFlight: 3 }))
    expect(config.idempotent).toBe(false)
    expect(config.maxInFlight).toBe(3)
  })

  test("the client: platformatic by default; a codec the client lacks is refused, naming codec and client", () => {
    expect(Either.getOrThrow(KafkaConfig.make({})).client).toBe("platformatic")
    for (const compression of ["snappy", "lz4", "zstd"] as const) {
      const refused = KafkaConfig.make({ client: "kafkajs", compression })
      expect(Either.isLeft(refused) && refused.left.message).toBe(
        `compression.type: ${compression} is not available with the kafkajs client (it has none, gzip): use --client platformatic, or another codec`,
      )
      const accepted = Either.getOrThrow(KafkaConfig.make({ client: "platformatic", compression }))
      expect(accepted.compression).toBe(compression)
    }
  })
})
