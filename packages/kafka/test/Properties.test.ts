import { describe, expect, test } from "bun:test"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { repoRoot, runCommand } from "@customer-events/test-support"
import { Effect, Option, Redacted, Result } from "effect"
import { KafkaConfig, KafkaSettings, Properties } from "../src/index.js"

const secret = "s3cr3t-P@ss=word"

const fromText = (text: string) =>
  KafkaSettings.fromProperties(Properties.parse(text), "client.properties", KafkaSettings.ignoredKeys)
const settingsOf = (text: string) => Result.getOrThrow(fromText(text))
const errorOf = (text: string) => {
  const result = fromText(text)
  if (Result.isSuccess(result)) throw new Error("expected a config error")
  return result.failure.message
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

describe("a properties file, read through the settings table", () => {
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
    const config = Result.getOrThrow(KafkaConfig.make(settings))
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
    const config = Result.getOrThrow(KafkaConfig.make(scram))
    expect(Option.getOrThrow(config.sasl).mechanism).toBe("scram-sha-512")
    expect(Option.getOrThrow(config.sasl).username).toBe("alice")

    const scramWithoutMechanism = settingsOf(
      `security.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="b";`,
    ).settings
    const error = KafkaConfig.make(scramWithoutMechanism)
    expect(Result.isFailure(error) && error.failure.message).toContain("sasl.mechanism")
  })

  test("maps producer tuning keys", () => {
    const { settings } = settingsOf(
      "acks=1\nenable.idempotence=false\ncompression.type=gzip\nlinger.ms=20\nrequest.timeout.ms=5000\ndelivery.timeout.ms=60000\nssl.ca.location=/tmp/ca.pem\n" +
        "batch.size=512KB\nbuffer.memory=33554432\nmax.in.flight.requests.per.connection=3",
    )
    expect(settings).toMatchObject({
      acks: "leader",
      idempotent: false,
      compression: "gzip",
      lingerMs: 20,
      requestTimeoutMs: 5000,
      deliveryTimeoutMs: 60000,
      sslCaLocation: "/tmp/ca.pem",
      batchMaxBytes: 512 * 1024,
      bufferMemory: 32 * 1024 * 1024,
      maxInFlight: 3,
    })
  })

  test("names unknown keys once, for one warning", () => {
    const { unknownKeys } = settingsOf("bootstrap.servers=a:1\nfoo.bar=1\nlinger=3")
    expect(unknownKeys).toEqual(["foo.bar", "linger"])
  })

  test("rejects bad values naming the file, the key and the value, never a password", () => {
    expect(errorOf("acks=2")).toBe(
      'client.properties: acks: expected all, leader, none (or -1, 1, 0), got "2"',
    )
    expect(errorOf("security.protocol=TLS")).toContain(
      'client.properties: security.protocol: expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got "TLS"',
    )
    expect(errorOf("sasl.mechanisms=GSSAPI")).toContain(
      "client.properties: sasl.mechanisms: expected one of plain, scram-sha-256, scram-sha-512",
    )
    expect(errorOf("buffer.memory=lots")).toBe(
      'client.properties: buffer.memory: expected a size in bytes from 65536 to 17179869184 (or with KB, MB, GB: 32MB), got "lots"',
    )
    expect(errorOf("linger.ms=soon")).toBe(
      'client.properties: linger.ms: expected a whole number from 0 up, got "soon"',
    )
    expect(errorOf("enable.idempotence=yes")).toBe(
      'client.properties: enable.idempotence: expected true or false, got "yes"',
    )
    expect(errorOf("compression.type=brotli")).toBe(
      'client.properties: compression.type: expected one of none, gzip, snappy, lz4, zstd, got "brotli"',
    )
    expect(errorOf("sasl.username={{ CLUSTER_API_KEY }}")).toContain(
      "client.properties: sasl.username: still holds a placeholder",
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
    const config = Result.getOrThrow(KafkaConfig.make({}))
    expect(config.brokers).toEqual(["127.0.0.1:9092"])
    expect(config.acks).toBe("all")
    expect(config.idempotent).toBe(true)
    expect(config.maxInFlight).toBe(5)
    expect(config.batchMaxBytes).toBe(1_000_000)
    expect(config.bufferMemory).toBe(32 * 1024 * 1024)
    expect(Option.isNone(config.sasl)).toBe(true)
  })

  test("later sources win: merge(file, env, flags), each setting keeping its origin", () => {
    const merged = KafkaSettings.merge(
      {
        settings: { bootstrapServers: "file:1", clientId: "file" },
        origins: { bootstrapServers: "f: b", clientId: "f: c" },
      },
      { settings: { bootstrapServers: "env:2" }, origins: { bootstrapServers: "KAFKA_BOOTSTRAP_SERVERS" } },
      { settings: { bootstrapServers: "flag:3" }, origins: { bootstrapServers: "--bootstrap-servers" } },
    )
    expect(merged).toEqual({
      settings: { bootstrapServers: "flag:3", clientId: "file" },
      origins: { bootstrapServers: "--bootstrap-servers", clientId: "f: c" },
    })
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
    [{ maxInFlight: 0 }, "max.in.flight: expected a whole number >= 1, got 0"],
    [{ batchMaxBytes: 100 }, "batch.size: expected a whole number >= 1024, got 100"],
    [{ lingerMs: -1 }, "linger.ms: expected a whole number >= 0, got -1"],
    [{ retryJitter: 1.5 }, "retry.backoff.jitter: expected a number from 0 to below 1"],
    [{ sslCaLocation: "/x" }, "security.protocol: is PLAINTEXT, but TLS files are set"],
  ]
  for (const [settings, message] of bad)
    test(`rejects ${JSON.stringify(settings)}`, () => {
      const result = KafkaConfig.make(settings)
      expect(Result.isFailure(result) && result.failure.message).toContain(message)
    })

  test("acks other than all turns idempotence off unless it was asked for", () => {
    const config = Result.getOrThrow(KafkaConfig.make({ acks: "leader", maxInFlight: 3 }))
    expect(config.idempotent).toBe(false)
    expect(config.maxInFlight).toBe(3)
  })

  test("the client: platformatic by default; a codec the client lacks is refused, naming codec and client", () => {
    expect(Result.getOrThrow(KafkaConfig.make({})).client).toBe("platformatic")
    for (const compression of ["snappy", "lz4", "zstd"] as const) {
      const refused = KafkaConfig.make({ client: "kafkajs", compression })
      expect(Result.isFailure(refused) && refused.failure.message).toBe(
        `compression.type: ${compression} is not available with the kafkajs client (it has none, gzip): use --client platformatic, or another codec`,
      )
      const accepted = Result.getOrThrow(KafkaConfig.make({ client: "platformatic", compression }))
      expect(accepted.compression).toBe(compression)
    }
  })
})

describe("KafkaConfig.load: flags > env > file > defaults, errors naming where the value came from", () => {
  const dir = mkdtempSync(join(tmpdir(), "config-"))
  const file = join(dir, "client.properties")
  writeFileSync(file, "bootstrap.servers=file:1\nclient.id=from-file\nlinger.ms=7\n")
  const load = (options: KafkaConfig.LoadOptions) =>
    Effect.runPromise(Effect.result(KafkaConfig.load(options)))
  const loadError = async (options: KafkaConfig.LoadOptions) => {
    const result = await load(options)
    if (Result.isSuccess(result)) throw new Error("expected a config error")
    return result.failure.message
  }

  test("each source wins over the ones before it", async () => {
    const config = Result.getOrThrow(
      await load({
        configFile: file,
        env: { KAFKA_BOOTSTRAP_SERVERS: "env:2", KAFKA_CLIENT_ID: "" },
        flags: { linger: "20ms" },
      }),
    ).config
    expect(config.brokers).toEqual(["env:2"])
    expect(config.clientId).toBe("from-file")
    expect(config.linger).toEqual(Result.getOrThrow(KafkaConfig.make({ lingerMs: 20 })).linger)
  })

  test("a flag, a variable and a file key are each named in their errors", async () => {
    expect(await loadError({ env: {}, flags: { "bootstrap-servers": "127.0.0.1:notaport" } })).toBe(
      '--bootstrap-servers: expected host:port with a port from 1 to 65535, got "127.0.0.1:notaport"',
    )
    expect(await loadError({ env: { KAFKA_CLIENT: "rdkafka" } })).toBe(
      'KAFKA_CLIENT: expected one of kafkajs, platformatic, got "rdkafka"',
    )
    expect(await loadError({ env: {}, flags: { linger: "5" } })).toContain("--linger: expected a duration")
    writeFileSync(join(dir, "bad.properties"), "linger.ms=-3\n")
    expect(await loadError({ env: {}, configFile: join(dir, "bad.properties") })).toBe(
      `${join(dir, "bad.properties")}: linger.ms: expected a whole number from 0 up, got "-3"`,
    )
  })

  test("a rule across settings names the source of the value it refuses", async () => {
    expect(await loadError({ env: { KAFKA_CLIENT: "kafkajs" }, flags: { compression: "zstd" } })).toBe(
      "--compression: zstd is not available with the kafkajs client (it has none, gzip): use --client platformatic, or another codec",
    )
  })

  test("a binary file given as --config is refused, not read as keys", async () => {
    const binary = join(dir, "image.bin")
    writeFileSync(binary, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a, 0x1a, 0x0a, 0x3d, 0xff]))
    expect(await loadError({ env: {}, configFile: binary })).toBe(
      `--config: ${binary} is not a .properties file: it holds binary data (NUL bytes)`,
    )
  })

  test("the retry schedule's multiplier and jitter: one row each, settable from a flag, the environment and the file", async () => {
    const file = join(dir, "retry.properties")
    writeFileSync(file, "retry.backoff.multiplier=3\nretry.backoff.jitter=0.1\n")
    const fromFile = await Effect.runPromise(KafkaConfig.load({ env: {}, configFile: file }))
    expect(fromFile.config.retry.multiplier).toBe(3)
    expect(fromFile.config.retry.jitter).toBe(0.1)
    const fromEnv = await Effect.runPromise(
      KafkaConfig.load({ env: { KAFKA_RETRY_BACKOFF_MULTIPLIER: "1.5" }, configFile: file }),
    )
    expect(fromEnv.config.retry.multiplier).toBe(1.5)
    const fromFlag = await Effect.runPromise(
      KafkaConfig.load({ env: {}, configFile: file, flags: { "retry-jitter": "0" } }),
    )
    expect(fromFlag.config.retry.jitter).toBe(0)
    expect(KafkaConfig.defaults.retryJitter).toBe(0.2)
    expect(await loadError({ env: {}, flags: { "retry-jitter": "1" } })).toBe(
      '--retry-jitter: expected a number from 0 to below 1, got "1"',
    )
    expect(await loadError({ env: { KAFKA_RETRY_BACKOFF_MULTIPLIER: "0.5" } })).toBe(
      'KAFKA_RETRY_BACKOFF_MULTIPLIER: expected a number from 1 to 100, got "0.5"',
    )
    expect(KafkaSettings.flagHelp(["retry-jitter"])).toContain(
      "(env KAFKA_RETRY_BACKOFF_JITTER; default 0.2)",
    )
  })
})

describe("the settings table", () => {
  const options = Bun.file(join(repoRoot, "docs/options.md")).text()

  test("the docs' generated tables are current, the Kafka settings table among them", async () => {
    const check = await runCommand(["bun", "scripts/docs.ts", "--check"])
    expect(check.stderr).toBe("")
    expect(check.code).toBe(0)
    // The table is there (padded by the formatter, so its rows are matched by their first cells).
    const text = await options
    expect(text).toContain("<!-- generated: kafka-settings -->")
    for (const spec of KafkaSettings.table) {
      if (spec.flag !== undefined) expect(text).toContain(`| \`--${spec.flag.name}`)
      for (const key of spec.properties) expect(text).toContain(`\`${key}\``)
    }
  })

  test("each properties key belongs to one setting", () => {
    const keys = KafkaSettings.table.flatMap((spec) => spec.properties)
    expect(new Set(keys).size).toBe(keys.length)
  })
})
