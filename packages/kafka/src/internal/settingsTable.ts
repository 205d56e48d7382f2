/**
 * Every Kafka setting, once: its Java name and the properties-file aliases (librdkafka's), its
 * environment variable, its flag with the help line, and how its text is read. The properties file,
 * the environment and the flags are all read through this table; --help's Kafka lines and the
 * README's options table are checked against it.
 */
import { Values } from "@customer-events/values"
import { Redacted, Result } from "effect"
import { clients, compressions } from "./choices.js"
import { registryRows } from "./registrySettingRows.js"
import { retryRows } from "./retrySettingRows.js"
import { type Setting, saslMechanisms, securityProtocols } from "./settingsTypes.js"
import { acks, bool, brokersOf, caseless, flagMs, into, jaas, ms, type Read } from "./settingValues.js"

export { brokersOf } from "./settingValues.js"

export interface Flag {
  /** Without the dashes: "bootstrap-servers". */
  readonly name: string
  /** The value's shape in help: "HOST:PORT[,...]"; none for a flag that stands alone (--no-auto-register). */
  readonly value?: string
  readonly help: string
}

export interface SettingSpec {
  /** The name in errors when no source is known: the Java property. */
  readonly name: string
  /** The setting it sets, whose default (`defaults`, the one place of default values) help and docs show. */
  readonly setting?: Setting
  /** Properties-file keys: the Java name, then librdkafka's aliases. */
  readonly properties: ReadonlyArray<string>
  readonly env?: string
  readonly flag?: Flag
  /** Never shown in an error or a log. */
  readonly secret?: boolean
  /** What it means, for the docs, when it has no flag (a flag's help says it). */
  readonly about?: string
  /** Text from the properties file or the environment. */
  readonly read: Read
  /** Text from the flag, when it reads differently (durations with units); default `read`. */
  readonly readFlag?: Read
}

const kafkaRows: ReadonlyArray<SettingSpec> = [
  {
    name: "client",
    setting: "client",
    properties: [],
    env: "KAFKA_CLIENT",
    flag: {
      name: "client",
      value: "platformatic|kafkajs",
      help: "the Kafka client library (platformatic: about twice as fast, every codec)",
    },
    read: into(Values.oneOf(clients), (client) => ({ client })),
  },
  {
    name: "bootstrap.servers",
    setting: "bootstrapServers",
    properties: ["bootstrap.servers"],
    env: "KAFKA_BOOTSTRAP_SERVERS",
    flag: { name: "bootstrap-servers", value: "HOST:PORT[,...]", help: "brokers" },
    read: (text) => Result.map(brokersOf(text), (brokers) => ({ bootstrapServers: brokers.join(",") })),
  },
  {
    name: "client.id",
    setting: "clientId",
    properties: ["client.id"],
    env: "KAFKA_CLIENT_ID",
    flag: { name: "client-id", value: "ID", help: "Kafka client id" },
    read: into(Values.nonEmpty, (clientId) => ({ clientId })),
  },
  {
    name: "security.protocol",
    about: "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (Confluent Cloud: SASL_SSL)",
    properties: ["security.protocol"],
    env: "KAFKA_SECURITY_PROTOCOL",
    read: into(
      caseless(securityProtocols, (s) => s.toUpperCase()),
      (securityProtocol) => ({ securityProtocol }),
    ),
  },
  {
    name: "sasl.mechanism",
    about: "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (default PLAIN)",
    properties: ["sasl.mechanism", "sasl.mechanisms"],
    env: "KAFKA_SASL_MECHANISM",
    read: into(
      caseless(saslMechanisms, (s) => s.toLowerCase()),
      (saslMechanism) => ({ saslMechanism }),
    ),
  },
  {
    name: "sasl.username",
    about: "the SASL user (Confluent Cloud: the API key)",
    properties: ["sasl.username"],
    env: "KAFKA_SASL_USERNAME",
    read: (saslUsername) => Result.succeed({ saslUsername }),
  },
  {
    name: "sasl.password",
    about: "the SASL password (Confluent Cloud: the API secret); never shown",
    properties: ["sasl.password"],
    env: "KAFKA_SASL_PASSWORD",
    secret: true,
    read: (text) => Result.succeed({ saslPassword: Redacted.make(text) }),
  },
  {
    name: "sasl.jaas.config",
    about: "Java's JAAS line with username and password, as Confluent Cloud hands it out; never shown",
    properties: ["sasl.jaas.config"],
    secret: true,
    read: jaas,
  },
  {
    name: "ssl.ca.location",
    about: "a PEM file of the CA that signed the brokers' certificates (default: the system CAs)",
    properties: ["ssl.ca.location"],
    read: (sslCaLocation) => Result.succeed({ sslCaLocation }),
  },
  {
    name: "ssl.certificate.location",
    about: "a PEM client certificate (mutual TLS), with ssl.key.location",
    properties: ["ssl.certificate.location"],
    read: (sslCertificateLocation) => Result.succeed({ sslCertificateLocation }),
  },
  {
    name: "ssl.key.location",
    about: "the PEM key of the client certificate",
    properties: ["ssl.key.location"],
    read: (sslKeyLocation) => Result.succeed({ sslKeyLocation }),
  },
  {
    name: "enable.ssl.certificate.verification",
    about: "false turns certificate verification off (logged as a warning)",
    properties: ["enable.ssl.certificate.verification"],
    read: into(bool, (verify) => ({ sslInsecure: !verify })),
  },
  {
    name: "acks",
    setting: "acks",
    properties: ["acks"],
    flag: {
      name: "acks",
      value: "all|leader|none",
      help: "acknowledgements: all keeps the idempotent producer, leader/none turn it off",
    },
    read: into(acks, (value) => ({ acks: value })),
  },
  {
    name: "enable.idempotence",
    about: "false turns the idempotent producer off (acks other than all do too)",
    setting: "idempotent",
    properties: ["enable.idempotence"],
    read: into(bool, (idempotent) => ({ idempotent })),
  },
  {
    name: "compression.type",
    setting: "compression",
    properties: ["compression.type", "compression.codec"],
    flag: {
      name: "compression",
      value: compressions.join("|"),
      help: "record compression (kafkajs: none and gzip only)",
    },
    read: into(Values.oneOf(compressions), (compression) => ({ compression })),
  },
  {
    name: "batch.num.messages",
    setting: "batchMaxRecords",
    properties: ["batch.num.messages"],
    flag: {
      name: "batch-size",
      value: "N",
      help: "max records per partition batch in a request (default 1000 under a 20 ms round trip, else 4000)",
    },
    read: into(Values.whole(1, 1_000_000), (batchMaxRecords) => ({ batchMaxRecords })),
  },
  {
    name: "batch.size",
    setting: "batchMaxBytes",
    properties: ["batch.size"],
    flag: {
      name: "batch-bytes",
      value: "BYTES",
      help: "max bytes per partition batch in a request (under the topic's max.message.bytes)",
    },
    read: into(Values.bytes(1024, 100 * 1024 ** 2), (batchMaxBytes) => ({ batchMaxBytes })),
  },
  {
    name: "buffer.memory",
    setting: "bufferMemory",
    properties: ["buffer.memory"],
    flag: {
      name: "buffer-memory",
      value: "BYTES",
      help: "max bytes of records waiting or in flight (32MB); generation waits beyond",
    },
    read: into(Values.bytes(64 * 1024, 16 * 1024 ** 3), (bufferMemory) => ({ bufferMemory })),
  },
  {
    name: "linger.ms",
    setting: "lingerMs",
    properties: ["linger.ms", "queue.buffering.max.ms"],
    flag: { name: "linger", value: "D", help: "max wait to fill a batch" },
    read: into(ms(0), (lingerMs) => ({ lingerMs })),
    readFlag: into(flagMs(0), (lingerMs) => ({ lingerMs })),
  },
  {
    name: "socket.connection.setup.timeout.ms",
    setting: "connectionTimeoutMs",
    properties: ["socket.connection.setup.timeout.ms"],
    flag: { name: "connect-timeout", value: "D", help: "connecting, retries included" },
    read: into(ms(1), (connectionTimeoutMs) => ({ connectionTimeoutMs })),
    readFlag: into(flagMs(1), (connectionTimeoutMs) => ({ connectionTimeoutMs })),
  },
  {
    name: "request.timeout.ms",
    about: "how long one request may wait for its answer",
    setting: "requestTimeoutMs",
    properties: ["request.timeout.ms"],
    read: into(ms(1), (requestTimeoutMs) => ({ requestTimeoutMs })),
  },
  {
    name: "delivery.timeout.ms",
    setting: "deliveryTimeoutMs",
    properties: ["delivery.timeout.ms", "message.timeout.ms"],
    flag: {
      name: "delivery-timeout",
      value: "D",
      help: "total time a batch may be retried before it counts as failed",
    },
    read: into(ms(1), (deliveryTimeoutMs) => ({ deliveryTimeoutMs })),
    readFlag: into(flagMs(1), (deliveryTimeoutMs) => ({ deliveryTimeoutMs })),
  },
  {
    name: "drain.timeout.ms",
    setting: "drainTimeoutMs",
    properties: [],
    flag: {
      name: "drain-timeout",
      value: "D",
      help: "how long a stop waits for in-flight batches",
    },
    read: into(ms(0), (drainTimeoutMs) => ({ drainTimeoutMs })),
    readFlag: into(flagMs(0), (drainTimeoutMs) => ({ drainTimeoutMs })),
  },
  {
    name: "transactional.id",
    setting: "transactionalId",
    properties: ["transactional.id"],
    env: "KAFKA_TRANSACTIONAL_ID",
    flag: {
      name: "transactional-id",
      value: "ID",
      help: "send in transactions under this id (-I with --instance/--workers); see --transaction-size",
    },
    read: into(Values.nonEmpty, (transactionalId) => ({ transactionalId })),
  },
  {
    name: "max.in.flight.requests.per.connection",
    setting: "maxInFlight",
    properties: ["max.in.flight.requests.per.connection", "max.in.flight"],
    flag: {
      name: "max-in-flight",
      value: "N",
      help: "requests in flight, each partition's in order (default 5 at 20 ms a round trip or more, else 1)",
    },
    read: into(Values.whole(1), (maxInFlight) => ({ maxInFlight })),
  },
]

export const table: ReadonlyArray<SettingSpec> = [...kafkaRows, ...retryRows, ...registryRows]

/** Keys a client.properties may hold that do not concern this client: accepted without a warning. */
export const ignoredKeys: ReadonlySet<string> = new Set([
  "session.timeout.ms",
  "client.dns.lookup",
  "ssl.endpoint.identification.algorithm",
  "group.id",
  "auto.offset.reset",
  "enable.auto.commit",
])
