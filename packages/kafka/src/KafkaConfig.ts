/**
 * Client configuration: settings from the sources (defaults < properties file < environment <
 * flags, each read through the one settings table) are validated once into a typed `KafkaConfig`.
 * Errors name where the bad value came from.
 */
import { Duration, Effect, Option, type Redacted, Result } from "effect"
import { type Client, type Compression, compressionsOf } from "./internal/choices.js"
import { registryOf, type SchemaRegistryConfig } from "./internal/registryConfig.js"
import {
  type Acks,
  defaults,
  type Origins,
  type SaslMechanism,
  type Setting,
  type Settings,
} from "./internal/settingsTypes.js"
import { KafkaConfigError } from "./KafkaError.js"
import * as KafkaSettings from "./KafkaSettings.js"
import * as Properties from "./Properties.js"

export type { Client, Compression } from "./internal/choices.js"
export { clients, compressions, compressionsOf } from "./internal/choices.js"
export { describe } from "./internal/describeConfig.js"
export type { SchemaRegistryConfig } from "./internal/registryConfig.js"
export type {
  Acks,
  SaslMechanism,
  SecurityProtocol,
  Settings,
  SubjectStrategy,
} from "./internal/settingsTypes.js"
export { defaults } from "./internal/settingsTypes.js"

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
  /** Sends go in transactions under this id (transactional.id); undefined: no transactions. */
  readonly transactionalId: string | undefined
  readonly compression: Compression
  readonly connectionTimeout: Duration.Duration
  readonly requestTimeout: Duration.Duration
  /** Total time a batch may spend being retried, like Java's delivery.timeout.ms. */
  readonly deliveryTimeout: Duration.Duration
  readonly retry: RetryPolicy
  readonly batchMaxRecords: number
  /** A partition batch's bytes at most (Java's batch.size), from above: under the broker's 1 MB cap. */
  readonly batchMaxBytes: number
  /** Bytes of records buffered and in flight at most (Java's buffer.memory): generation waits beyond. */
  readonly bufferMemory: number
  /** How long a batch waits to fill up before it is sent anyway. */
  readonly linger: Duration.Duration
  readonly maxInFlight: number
  /** Not set: up to 5 requests in flight where the round trip is long, else one (lanes.ts). */
  readonly maxInFlightByRoundTrip: boolean
  /** Not set: 4,000 records a partition batch where the round trip is long, else 1,000 (lanes.ts). */
  readonly batchSizeByRoundTrip: boolean
  /** On release: how long in-flight batches may take to finish before disconnecting. */
  readonly drainTimeout: Duration.Duration
  /** None without schema.registry.url: only the registry formats need it. */
  readonly schemaRegistry: Option.Option<SchemaRegistryConfig>
}

/** The name of a setting in an error: where its value came from, else its Java property. */
type Label = (setting: Setting, name: string) => string

const failing =
  (label: Label) =>
  (setting: Setting, name: string, reason: string): Result.Result<never, KafkaConfigError> =>
    Result.fail(new KafkaConfigError({ key: label(setting, name), reason }))

const securityOf = (s: Settings, label: Label) =>
  Result.gen(function* () {
    const fail = failing(label)
    const protocol = s.securityProtocol ?? (s.saslUsername !== undefined ? undefined : "PLAINTEXT")
    if (protocol === undefined)
      return yield* fail(
        "securityProtocol",
        "security.protocol",
        "SASL credentials are set: also set security.protocol to SASL_SSL (or SASL_PLAINTEXT)",
      )
    let sasl = Option.none<Sasl>()
    if (protocol === "SASL_SSL" || protocol === "SASL_PLAINTEXT") {
      if (s.saslUsername === undefined || s.saslUsername === "")
        return yield* fail("saslUsername", "sasl.username", `is required with security.protocol=${protocol}`)
      if (s.saslPassword === undefined)
        return yield* fail("saslPassword", "sasl.password", `is required with security.protocol=${protocol}`)
      if (s.saslMechanism === undefined && s.jaasScram === true)
        return yield* fail(
          "saslMechanism",
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
      return yield* fail(
        "securityProtocol",
        "security.protocol",
        `is ${protocol}, but TLS files are set: use SSL or SASL_SSL`,
      )
    if ((s.sslCertificateLocation === undefined) !== (s.sslKeyLocation === undefined))
      return yield* fail(
        "sslKeyLocation",
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
    return { sasl, tls }
  })

/** Java's max.in.flight.requests.per.connection default, used where the round trip is long (lanes.ts). */
const defaultMaxInFlight = 5
/** --batch-size not set: this near the broker; at a distance, lanes.ts takes farBatchMaxRecords. */
export const defaultBatchMaxRecords = 1_000

const deliveryOf = (s: Settings, explicitIdempotence: boolean | undefined, label: Label) =>
  Result.gen(function* () {
    const fail = failing(label)
    const client = s.client ?? defaults.client
    const compression = s.compression ?? defaults.compression
    if (!compressionsOf[client].includes(compression))
      return yield* fail(
        "compression",
        "compression.type",
        `${compression} is not available with the ${client} client (it has ` +
          `${compressionsOf[client].join(", ")}): use --client platformatic, or another codec`,
      )
    const acks = s.acks ?? defaults.acks
    if (explicitIdempotence === true && acks !== "all")
      return yield* fail(
        "acks",
        "acks",
        `the idempotent producer needs acks=all, got ${acks} (or set enable.idempotence=false)`,
      )
    const idempotent = acks === "all" && (s.idempotent ?? true)
    const transactionalId = s.transactionalId
    if (transactionalId !== undefined && !idempotent)
      return yield* fail("transactionalId", "transactional.id", "needs acks=all and idempotence on")
    // Each request in flight is a producer of its own with a share of the partitions (lanes.ts):
    // a partition's requests go one after another, idempotent or not.
    const maxInFlight = s.maxInFlight ?? defaultMaxInFlight
    if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1))
      return yield* fail("maxInFlight", "max.in.flight", `expected a whole number >= 1, got ${maxInFlight}`)
    const maxInFlightByRoundTrip = s.maxInFlight === undefined
    return { client, compression, acks, idempotent, transactionalId, maxInFlight, maxInFlightByRoundTrip }
  })

const timingOf = (s: Settings, label: Label) =>
  Result.gen(function* () {
    const fail = failing(label)
    const whole = (
      setting: (Setting & `${string}Ms`) | "batchMaxRecords" | "batchMaxBytes" | "bufferMemory",
      name: string,
      min: number,
    ) => {
      const value = s[setting] as number
      return Number.isInteger(value) && value >= min
        ? Result.succeed(value)
        : fail(setting, name, `expected a whole number >= ${min}, got ${value}`)
    }
    const ms = (setting: Setting & `${string}Ms`, name: string, min = 1) =>
      Result.map(whole(setting, name, min), Duration.millis)
    const jitter = s.retryJitter ?? defaults.retryJitter
    if (!(jitter >= 0 && jitter < 1))
      return yield* fail(
        "retryJitter",
        "retry.backoff.jitter",
        `expected a number from 0 to below 1, got ${jitter}`,
      )
    const multiplier = s.retryMultiplier ?? defaults.retryMultiplier
    if (!(multiplier >= 1))
      return yield* fail(
        "retryMultiplier",
        "retry.backoff.multiplier",
        `expected a number >= 1, got ${multiplier}`,
      )
    const batchSizeByRoundTrip = s.batchMaxRecords === undefined
    return {
      connectionTimeout: yield* ms("connectionTimeoutMs", "socket.connection.setup.timeout.ms"),
      requestTimeout: yield* ms("requestTimeoutMs", "request.timeout.ms"),
      deliveryTimeout: yield* ms("deliveryTimeoutMs", "delivery.timeout.ms"),
      retry: {
        initialDelay: yield* ms("retryInitialMs", "retry.backoff.ms"),
        maxDelay: yield* ms("retryMaxMs", "retry.backoff.max.ms"),
        multiplier,
        jitter,
      },
      batchMaxRecords: batchSizeByRoundTrip
        ? defaultBatchMaxRecords
        : yield* whole("batchMaxRecords", "batch.num.messages", 1),
      batchSizeByRoundTrip,
      batchMaxBytes: yield* whole("batchMaxBytes", "batch.size", 1024),
      bufferMemory: yield* whole("bufferMemory", "buffer.memory", 64 * 1024),
      linger: yield* ms("lingerMs", "linger.ms", 0),
      drainTimeout: yield* ms("drainTimeoutMs", "drain.timeout.ms", 0),
    }
  })

/** Validates settings into a config; every error names the setting (by its origin, when known). */
export const make = (input: Settings, origins: Origins = {}): Result.Result<KafkaConfig, KafkaConfigError> =>
  Result.gen(function* () {
    const label: Label = (setting, name) => origins[setting] ?? name
    const s: Settings = {
      ...defaults,
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    }
    const brokers = yield* Result.mapError(
      KafkaSettings.brokersOf(s.bootstrapServers ?? defaults.bootstrapServers),
      (reason) => new KafkaConfigError({ key: label("bootstrapServers", "bootstrap.servers"), reason }),
    )
    return {
      brokers,
      clientId: s.clientId ?? defaults.clientId,
      ...(yield* securityOf(s, label)),
      ...(yield* deliveryOf(s, input.idempotent, label)),
      ...(yield* timingOf(s, label)),
      schemaRegistry: yield* registryOf(s, failing(label)),
    } satisfies KafkaConfig
  })

export interface Loaded {
  readonly config: KafkaConfig
  /** Keys of the properties file this client does not know: warn about them once. */
  readonly unknownKeys: ReadonlyArray<string>
}

export interface LoadOptions {
  readonly configFile?: string | undefined
  /** The Kafka flags given, by name without dashes (`{ linger: "10ms" }`). */
  readonly flags?: Readonly<Record<string, unknown>>
  /** Default: the process environment. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/**
 * The one way to resolve a client's configuration: defaults, then the properties file, then the
 * environment, then flags (each later source wins), validated once.
 */
export const load = (options: LoadOptions = {}): Effect.Effect<Loaded, KafkaConfigError> =>
  Effect.gen(function* () {
    const file = options.configFile === undefined ? undefined : yield* Properties.load(options.configFile)
    const env = yield* Effect.fromResult(KafkaSettings.fromEnv(options.env ?? process.env))
    const flags = yield* Effect.fromResult(KafkaSettings.fromFlags(options.flags ?? {}))
    const { settings, origins } = KafkaSettings.merge(file ?? KafkaSettings.empty, env, flags)
    const config = yield* Effect.fromResult(make(settings, origins))
    return { config, unknownKeys: file?.unknownKeys ?? [] }
  })

/** An app's configuration: `load`, with the properties file's keys this client does not use logged once. */
export const loadForApp = (options: LoadOptions): Effect.Effect<KafkaConfig, KafkaConfigError> =>
  Effect.flatMap(load(options), ({ config, unknownKeys }) =>
    unknownKeys.length === 0
      ? Effect.succeed(config)
      : Effect.as(
          Effect.logWarning(
            `${options.configFile}: ignoring keys this client does not use: ${unknownKeys.join(", ")}`,
          ),
          config,
        ),
  )
