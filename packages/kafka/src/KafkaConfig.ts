/**
 * Producer configuration: loose `Settings` as users give them (flags, env, properties file) are
 * merged by precedence, then decoded and validated once into a typed `KafkaConfig`.
 */
import { Config, Duration, Effect, Either, Option, type Redacted } from "effect"
import { type Client, type Compression, clients, compressionsOf } from "./internal/choices.js"
import { fail, parseBrokers, positiveInt } from "./internal/validate.js"
import { KafkaConfigError } from "./KafkaError.js"
import * as Properties from "./Properties.js"

export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512"
export type SecurityProtocol = "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL"
export type Acks = "all" | "leader" | "none"
export type { Client, Compression } from "./internal/choices.js"
export { clients, compressions, compressionsOf } from "./internal/choices.js"

/** Every setting optional and loosely typed: one source's contribution (flags, env or a file). */
export interface Settings {
  readonly client?: Client
  readonly bootstrapServers?: string
  readonly clientId?: string
  readonly securityProtocol?: SecurityProtocol
  readonly saslMechanism?: SaslMechanism
  readonly saslUsername?: string
  readonly saslPassword?: Redacted.Redacted<string>
  /** The JAAS line named ScramLoginModule: sasl.mechanism must then say which SCRAM. */
  readonly jaasScram?: boolean
  readonly sslCaLocation?: string
  readonly sslCertificateLocation?: string
  readonly sslKeyLocation?: string
  /** Turns certificate verification off. Never the default; logged as a warning. */
  readonly sslInsecure?: boolean
  readonly acks?: Acks
  readonly idempotent?: boolean
  readonly compression?: Compression
  readonly connectionTimeoutMs?: number
  readonly requestTimeoutMs?: number
  readonly deliveryTimeoutMs?: number
  readonly retryInitialMs?: number
  readonly retryMaxMs?: number
  readonly retryMultiplier?: number
  readonly retryJitter?: number
  readonly batchMaxRecords?: number
  readonly lingerMs?: number
  readonly maxInFlight?: number
  readonly drainTimeoutMs?: number
}

export interface Sasl {
  readonly mechanism: SaslMechanism
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

export interface Tls {
  readonly caLocation?: string
  readonly certificateLocation?: string
  readonly keyLocation?: string
  readonly insecure: boolean
}

export interface RetryPolicy {
  readonly initialDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  readonly multiplier: number
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter]. */
  readonly jitter: number
}

export interface KafkaConfig {
  readonly client: Client
  readonly brokers: ReadonlyArray<string>
  readonly clientId: string
  readonly sasl: Option.Option<Sasl>
  readonly tls: Option.Option<Tls>
  readonly acks: Acks
  readonly idempotent: boolean
  readonly compression: Compression
  readonly connectionTimeout: Duration.Duration
  readonly requestTimeout: Duration.Duration
  /** Total time a batch may spend being retried, like Java's delivery.timeout.ms. */
  readonly deliveryTimeout: Duration.Duration
  readonly retry: RetryPolicy
  readonly batchMaxRecords: number
  /** How long a batch waits to fill up before it is sent anyway. */
  readonly linger: Duration.Duration
  readonly maxInFlight: number
  /** On release: how long in-flight batches may take to finish before disconnecting. */
  readonly drainTimeout: Duration.Duration
}

export const defaults = {
  client: "platformatic",
  bootstrapServers: "127.0.0.1:9092",
  clientId: "customer-events",
  acks: "all",
  idempotent: true,
  compression: "none",
  connectionTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  deliveryTimeoutMs: 120_000,
  retryInitialMs: 100,
  retryMaxMs: 5_000,
  retryMultiplier: 2,
  retryJitter: 0.2,
  batchMaxRecords: 1_000,
  lingerMs: 5,
  drainTimeoutMs: 30_000,
} as const satisfies Settings

/** Merges sources, later ones winning: `merge(defaults, file, env, flags)`. */
export const merge = (...sources: ReadonlyArray<Settings>): Settings => {
  const out: Record<string, unknown> = {}
  for (const source of sources)
    for (const [key, value] of Object.entries(source)) if (value !== undefined) out[key] = value
  return out as Settings
}

/** Validates merged settings into a config; every error names the setting. */
export const make = (input: Settings): Either.Either<KafkaConfig, KafkaConfigError> =>
  Either.gen(function* () {
    const s = merge(defaults, input)
    const brokers = yield* parseBrokers(s.bootstrapServers ?? defaults.bootstrapServers)
    const protocol = s.securityProtocol ?? (s.saslUsername !== undefined ? undefined : "PLAINTEXT")
    if (protocol === undefined)
      return yield* fail(
        "security.protocol",
        "SASL credentials are set: also set security.protocol to SASL_SSL (or SASL_PLAINTEXT)",
      )

    let sasl = Option.none<Sasl>()
    if (protocol === "SASL_SSL" || protocol === "SASL_PLAINTEXT") {
      if (s.saslUsername === undefined || s.saslUsername === "")
        return yield* fail("sasl.username", `is required with security.protocol=${protocol}`)
      if (s.saslPassword === undefined)
        return yield* fail("sasl.password", `is required with security.protocol=${protocol}`)
      if (s.saslMechanism === undefined && s.jaasScram === true)
        return yield* fail(
          "sasl.mechanism",
          "sasl.jaas.config uses ScramLoginModule: set SCRAM-SHA-256 or SCRAM-SHA-512",
        )
      sasl = Option.some({
        mechanism: s.saslMechanism ?? "plain",
        username: s.saslUsername,
        password: s.saslPassword,
      })
    }

    const tlsWanted = protocol === "SSL" || protocol === "SASL_SSL"
    if (!tlsWanted && (s.sslCaLocation !== undefined || s.sslCertificateLocation !== undefined))
      return yield* fail("security.protocol", `is ${protocol}, but TLS files are set: use SSL or SASL_SSL`)
    if ((s.sslCertificateLocation === undefined) !== (s.sslKeyLocation === undefined))
      return yield* fail(
        "ssl.key.location",
        "a client certificate needs both ssl.certificate.location and ssl.key.location",
      )
    const tls: Option.Option<Tls> = tlsWanted
      ? Option.some({
          insecure: s.sslInsecure === true,
          ...(s.sslCaLocation === undefined ? {} : { caLocation: s.sslCaLocation }),
          ...(s.sslCertificateLocation === undefined
            ? {}
            : { certificateLocation: s.sslCertificateLocation }),
          ...(s.sslKeyLocation === undefined ? {} : { keyLocation: s.sslKeyLocation }),
        })
      : Option.none()

    const client = s.client ?? defaults.client
    const compression = s.compression ?? "none"
    if (!compressionsOf[client].includes(compression))
      return yield* fail(
        "compression.type",
        `${compression} is not available with the ${client} client (it has ${compressionsOf[client].join(", ")}): use --client platformatic, or another codec`,
      )

    const acks = s.acks ?? "all"
    if (input.idempotent === true && acks !== "all")
      return yield* fail(
        "acks",
        `the idempotent producer needs acks=all, got ${acks} (or set enable.idempotence=false)`,
      )
    const idempotent = acks === "all" && (s.idempotent ?? true)
    const maxInFlight = yield* positiveInt("max.in.flight", s.maxInFlight ?? (idempotent ? 1 : 5))
    // kafkajs rolls sequence numbers back when a request fails: with two idempotent batches in
    // flight a retry would be sent out of sequence. One at a time keeps per-partition order exact.
    if (idempotent && maxInFlight > 1)
      return yield* fail(
        "max.in.flight",
        `must be 1 with the idempotent producer, got ${maxInFlight} (or set enable.idempotence=false)`,
      )

    const jitter = s.retryJitter ?? defaults.retryJitter
    if (!(jitter >= 0 && jitter < 1))
      return yield* fail("retry.jitter", `expected a number from 0 to below 1, got ${jitter}`)
    const multiplier = s.retryMultiplier ?? defaults.retryMultiplier
    if (!(multiplier >= 1))
      return yield* fail("retry.multiplier", `expected a number >= 1, got ${multiplier}`)

    const ms = (key: string, value: number | undefined, fallback: number, min = 1) =>
      Either.map(positiveInt(key, value ?? fallback, min), Duration.millis)

    return {
      client,
      brokers,
      clientId: s.clientId ?? defaults.clientId,
      sasl,
      tls,
      acks,
      idempotent,
      compression,
      connectionTimeout: yield* ms(
        "connection.timeout.ms",
        s.connectionTimeoutMs,
        defaults.connectionTimeoutMs,
      ),
      requestTimeout: yield* ms("request.timeout.ms", s.requestTimeoutMs, defaults.requestTimeoutMs),
      deliveryTimeout: yield* ms("delivery.timeout.ms", s.deliveryTimeoutMs, defaults.deliveryTimeoutMs),
      retry: {
        initialDelay: yield* ms("retry.backoff.ms", s.retryInitialMs, defaults.retryInitialMs),
        maxDelay: yield* ms("retry.backoff.max.ms", s.retryMaxMs, defaults.retryMaxMs),
        multiplier,
        jitter,
      },
      batchMaxRecords: yield* positiveInt(
        "batch.num.messages",
        s.batchMaxRecords ?? defaults.batchMaxRecords,
      ),
      linger: yield* ms("linger.ms", s.lingerMs, defaults.lingerMs, 0),
      maxInFlight,
      drainTimeout: yield* ms("drain.timeout.ms", s.drainTimeoutMs, defaults.drainTimeoutMs, 0),
    } satisfies KafkaConfig
  })

/** Describes a config for logs: where, how, never a secret. */
export const describe = (config: KafkaConfig): string => {
  const security = Option.match(config.sasl, {
    onNone: () => (Option.isSome(config.tls) ? "SSL" : "PLAINTEXT"),
    onSome: (sasl) =>
      `${Option.isSome(config.tls) ? "SASL_SSL" : "SASL_PLAINTEXT"} ${sasl.mechanism.toUpperCase()} as ${sasl.username}`,
  })
  return `${config.brokers.join(",")} (${security}, client=${config.client}, acks=${config.acks}, idempotent=${config.idempotent}, compression=${config.compression})`
}

/** The environment's contribution: KAFKA_CLIENT, KAFKA_BOOTSTRAP_SERVERS, KAFKA_CLIENT_ID, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*. */
export const fromEnv: Config.Config<Settings> = Config.all({
  client: Config.option(Config.literal(...clients)("KAFKA_CLIENT")),
  bootstrapServers: Config.option(Config.string("KAFKA_BOOTSTRAP_SERVERS")),
  clientId: Config.option(Config.string("KAFKA_CLIENT_ID")),
  securityProtocol: Config.option(
    Config.literal("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")("KAFKA_SECURITY_PROTOCOL"),
  ),
  saslMechanism: Config.option(
    Config.literal("plain", "scram-sha-256", "scram-sha-512")("KAFKA_SASL_MECHANISM"),
  ),
  saslUsername: Config.option(Config.string("KAFKA_SASL_USERNAME")),
  saslPassword: Config.option(Config.redacted("KAFKA_SASL_PASSWORD")),
}).pipe(
  Config.map((values) => {
    const out: Record<string, unknown> = {}
    // An empty variable (KAFKA_BOOTSTRAP_SERVERS=) counts as unset, as in the broker script.
    for (const [key, value] of Object.entries(values) as Array<[string, Option.Option<unknown>]>)
      if (Option.isSome(value) && value.value !== "") out[key] = value.value
    return out as Settings
  }),
)

export interface Loaded {
  readonly config: KafkaConfig
  /** Keys of the properties file this client does not know: warn about them once. */
  readonly unknownKeys: ReadonlyArray<string>
}

/**
 * The one way to resolve a client's configuration: defaults, then the properties file, then the
 * environment, then flags (each later source wins), validated once.
 */
export const load = (options: {
  readonly configFile?: string | undefined
  readonly flags?: Settings
}): Effect.Effect<Loaded, KafkaConfigError> =>
  Effect.gen(function* () {
    const file = options.configFile === undefined ? undefined : yield* Properties.load(options.configFile)
    const env = yield* fromEnv.pipe(
      Effect.mapError((error) => new KafkaConfigError({ key: "environment", reason: String(error) })),
    )
    const config = yield* make(merge(file?.settings ?? {}, env, options.flags ?? {}))
    return { config, unknownKeys: file?.unknownKeys ?? [] }
  })
