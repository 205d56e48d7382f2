/**
 * Every Kafka setting, once: its Java name and the properties-file aliases (librdkafka's), its
 * environment variable, its flag with the help line, and how its text is read. The properties file,
 * the environment and the flags are all read through this table; --help's Kafka lines and the
 * README's options table are checked against it.
 */
import { Values } from "@customer-events/values"
import { Either, Redacted } from "effect"
import { clients, compressions } from "./choices.js"
import { saslMechanisms, securityProtocols } from "./settingsTypes.js"
import { acks, bool, brokersOf, caseless, flagMs, into, jaas, ms, type Read } from "./settingValues.js"

export { brokersOf } from "./settingValues.js"

export interface Flag {
  /** Without the dashes: "bootstrap-servers". */
  readonly name: string
  /** The value's shape in help: "HOST:PORT[,...]". */
  readonly value: string
  readonly help: string
  /** As shown in help. */
  readonly default?: string
}

export interface SettingSpec {
  /** The name in errors when no source is known: the Java property. */
  readonly name: string
  /** Properties-file keys: the Java name, then librdkafka's aliases. */
  readonly properties: ReadonlyArray<string>
  readonly env?: string
  readonly flag?: Flag
  /** Never shown in an error or a log. */
  readonly secret?: boolean
  /** Text from the properties file or the environment. */
  readonly read: Read
  /** Text from the flag, when it reads differently (durations with units); default `read`. */
  readonly readFlag?: Read
}

export const table: ReadonlyArray<SettingSpec> = [
  {
    name: "client",
    properties: [],
    env: "KAFKA_CLIENT",
    flag: {
      name: "client",
      value: "platformatic|kafkajs",
      help: "the Kafka client library (platformatic: about twice as fast, every codec)",
      default: "platformatic",
    },
    read: into(Values.oneOf(clients), (client) => ({ client })),
  },
  {
    name: "bootstrap.servers",
    properties: ["bootstrap.servers"],
    env: "KAFKA_BOOTSTRAP_SERVERS",
    flag: { name: "bootstrap-servers", value: "HOST:PORT[,...]", help: "brokers", default: "127.0.0.1:9092" },
    read: (text) => Either.map(brokersOf(text), (brokers) => ({ bootstrapServers: brokers.join(",") })),
  },
  {
    name: "client.id",
    properties: ["client.id"],
    env: "KAFKA_CLIENT_ID",
    flag: { name: "client-id", value: "ID", help: "Kafka client id", default: "customer-events" },
    read: into(Values.nonEmpty, (clientId) => ({ clientId })),
  },
  {
    name: "security.protocol",
    properties: ["security.protocol"],
    env: "KAFKA_SECURITY_PROTOCOL",
    read: into(
      caseless(securityProtocols, (s) => s.toUpperCase()),
      (securityProtocol) => ({ securityProtocol }),
    ),
  },
  {
    name: "sasl.mechanism",
    properties: ["sasl.mechanism", "sasl.mechanisms"],
    env: "KAFKA_SASL_MECHANISM",
    read: into(
      caseless(saslMechanisms, (s) => s.toLowerCase()),
      (saslMechanism) => ({ saslMechanism }),
    ),
  },
  {
    name: "sasl.username",
    properties: ["sasl.username"],
    env: "KAFKA_SASL_USERNAME",
    read: (saslUsername) => Either.right({ saslUsername }),
  },
  {
    name: "sasl.password",
    properties: ["sasl.password"],
    env: "KAFKA_SASL_PASSWORD",
    secret: true,
    read: (text) => Either.right({ saslPassword: Redacted.make(text) }),
  },
  { name: "sasl.jaas.config", properties: ["sasl.jaas.config"], secret: true, read: jaas },
  {
    name: "ssl.ca.location",
    properties: ["ssl.ca.location"],
    read: (sslCaLocation) => Either.right({ sslCaLocation }),
  },
  {
    name: "ssl.certificate.location",
    properties: ["ssl.certificate.location"],
    read: (sslCertificateLocation) => Either.right({ sslCertificateLocation }),
  },
  {
    name: "ssl.key.location",
    properties: ["ssl.key.location"],
    read: (sslKeyLocation) => Either.right({ sslKeyLocation }),
  },
  {
    name: "enable.ssl.certificate.verification",
    properties: ["enable.ssl.certificate.verification"],
    read: into(bool, (verify) => ({ sslInsecure: !verify })),
  },
  {
    name: "acks",
    properties: ["acks"],
    flag: {
      name: "acks",
      value: "all|leader|none",
      help: "acknowledgements: all keeps the idempotent producer, leader/none turn it off",
      default: "all",
    },
    read: into(acks, (value) => ({ acks: value })),
  },
  {
    name: "enable.idempotence",
    properties: ["enable.idempotence"],
    read: into(bool, (idempotent) => ({ idempotent })),
  },
  {
    name: "compression.type",
    properties: ["compression.type", "compression.codec"],
    flag: {
      name: "compression",
      value: compressions.join("|"),
      help: "record compression (kafkajs: none and gzip only)",
      default: "none",
    },
    read: into(Values.oneOf(compressions), (compression) => ({ compression })),
  },
  {
    name: "batch.num.messages",
    properties: ["batch.num.messages"],
    flag: {
      name: "batch-size",
      value: "N",
      help: "max records per partition batch in a request",
      default: "1000",
    },
    read: into(Values.whole(1, 1_000_000), (batchMaxRecords) => ({ batchMaxRecords })),
  },
  {
    name: "linger.ms",
    properties: ["linger.ms", "queue.buffering.max.ms"],
    flag: { name: "linger", value: "D", help: "max wait to fill a batch", default: "5ms" },
    read: into(ms(0), (lingerMs) => ({ lingerMs })),
    readFlag: into(flagMs(0), (lingerMs) => ({ lingerMs })),
  },
  {
    name: "socket.connection.setup.timeout.ms",
    properties: ["socket.connection.setup.timeout.ms"],
    flag: { name: "connect-timeout", value: "D", help: "connecting, retries included", default: "10s" },
    read: into(ms(1), (connectionTimeoutMs) => ({ connectionTimeoutMs })),
    readFlag: into(flagMs(1), (connectionTimeoutMs) => ({ connectionTimeoutMs })),
  },
  {
    name: "request.timeout.ms",
    properties: ["request.timeout.ms"],
    read: into(ms(1), (requestTimeoutMs) => ({ requestTimeoutMs })),
  },
  {
    name: "delivery.timeout.ms",
    properties: ["delivery.timeout.ms", "message.timeout.ms"],
    flag: {
      name: "delivery-timeout",
      value: "D",
      help: "total time a batch may be retried before it counts as failed",
      default: "120s",
    },
    read: into(ms(1), (deliveryTimeoutMs) => ({ deliveryTimeoutMs })),
    readFlag: into(flagMs(1), (deliveryTimeoutMs) => ({ deliveryTimeoutMs })),
  },
  {
    name: "drain.timeout.ms",
    properties: [],
    flag: {
      name: "drain-timeout",
      value: "D",
      help: "how long a stop waits for in-flight batches",
      default: "30s",
    },
    read: into(ms(0), (drainTimeoutMs) => ({ drainTimeoutMs })),
    readFlag: into(flagMs(0), (drainTimeoutMs) => ({ drainTimeoutMs })),
  },
  {
    name: "max.in.flight.requests.per.connection",
    properties: ["max.in.flight.requests.per.connection", "max.in.flight"],
    read: into(Values.whole(1), (maxInFlight) => ({ maxInFlight })),
  },
  {
    name: "retry.backoff.ms",
    properties: ["retry.backoff.ms"],
    read: into(ms(1), (retryInitialMs) => ({ retryInitialMs })),
  },
  {
    name: "retry.backoff.max.ms",
    properties: ["retry.backoff.max.ms"],
    read: into(ms(1), (retryMaxMs) => ({ retryMaxMs })),
  },
]

/** Keys a client.properties may hold that do not concern this client: accepted without a warning. */
export const ignoredKeys: ReadonlySet<string> = new Set([
  "session.timeout.ms",
  "client.dns.lookup",
  "schema.registry.url",
  "basic.auth.credentials.source",
  "basic.auth.user.info",
  "schema.registry.basic.auth.user.info",
  "schema.registry.basic.auth.credentials.source",
  "ssl.endpoint.identification.algorithm",
  "group.id",
  "auto.offset.reset",
  "enable.auto.commit",
])
