/** The loose settings every source (flags, environment, properties file) contributes to. */
import type { Redacted } from "effect"
import type { Client, Compression } from "./choices.js"

export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512"
export type SecurityProtocol = "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL"
export type Acks = "all" | "leader" | "none"
export const subjectStrategies = ["topic", "record", "topic-record"] as const
export type SubjectStrategy = (typeof subjectStrategies)[number]

export const saslMechanisms: ReadonlyArray<SaslMechanism> = ["plain", "scram-sha-256", "scram-sha-512"]
export const securityProtocols: ReadonlyArray<SecurityProtocol> = [
  "PLAINTEXT",
  "SSL",
  "SASL_PLAINTEXT",
  "SASL_SSL",
]

/** Every setting optional: one source's contribution. */
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
  readonly transactionalId?: string
  readonly compression?: Compression
  readonly connectionTimeoutMs?: number
  readonly requestTimeoutMs?: number
  readonly deliveryTimeoutMs?: number
  readonly retryInitialMs?: number
  readonly retryMaxMs?: number
  readonly retryMultiplier?: number
  readonly retryJitter?: number
  readonly batchMaxRecords?: number
  readonly batchMaxBytes?: number
  readonly bufferMemory?: number
  readonly lingerMs?: number
  readonly maxInFlight?: number
  readonly drainTimeoutMs?: number
  readonly schemaRegistryUrl?: string
  readonly schemaRegistryCredentialsSource?: "USER_INFO" | "URL"
  readonly schemaRegistryUserInfo?: Redacted.Redacted<string>
  readonly schemaRegistryCaLocation?: string
  readonly subjectStrategy?: SubjectStrategy
  readonly autoRegister?: boolean
}

export type Setting = keyof Settings

/**
 * Where each setting's value came from ("--linger", "KAFKA_CLIENT", "client.properties: acks"), for errors.
 */
export type Origins = Partial<Record<Setting, string>>

/** One source's settings, and where each came from. */
export interface Sourced {
  readonly settings: Settings
  readonly origins: Origins
}

/** Every default value, once: the config's, and what --help and the docs' options table show. */
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
  batchMaxBytes: 1_000_000,
  bufferMemory: 32 * 1024 ** 2,
  lingerMs: 5,
  drainTimeoutMs: 30_000,
  subjectStrategy: "topic",
  autoRegister: true,
} as const satisfies Settings
