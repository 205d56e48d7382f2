/**
 * How every @platformatic/kafka client (the producer, the range reader) connects: brokers, client
 * id, TLS, SASL and timeouts, from one KafkaConfig.
 */
import { Duration, Effect, Option } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { KafkaConfigError } from "../KafkaError.js"
import { credentials, type TlsOptions, tlsOptions } from "./security.js"

const mechanismOf = {
  plain: "PLAIN",
  "scram-sha-256": "SCRAM-SHA-256",
  "scram-sha-512": "SCRAM-SHA-512",
} as const

export interface ConnectionOptions {
  readonly clientId: string
  readonly bootstrapBrokers: Array<string>
  readonly timeout: number
  readonly requestTimeout: number
  readonly connectTimeout: number
  readonly tls?: TlsOptions
  readonly sasl?: {
    mechanism: (typeof mechanismOf)[keyof typeof mechanismOf]
    username: string
    password: string
  }
}

export const connectionOptionsOf = (
  config: KafkaConfig,
): Effect.Effect<ConnectionOptions, KafkaConfigError> =>
  Effect.gen(function* () {
    const tls = yield* tlsOptions(config)
    const sasl = Option.getOrUndefined(
      Option.map(credentials(config), ({ mechanism, username, password }) => ({
        mechanism: mechanismOf[mechanism],
        username,
        password,
      })),
    )
    const requestTimeout = Math.round(Duration.toMillis(config.requestTimeout))
    return {
      clientId: config.clientId,
      bootstrapBrokers: [...config.brokers],
      timeout: requestTimeout,
      requestTimeout,
      connectTimeout: Math.round(Duration.toMillis(config.connectionTimeout)),
      ...(tls === undefined ? {} : { tls }),
      ...(sasl === undefined ? {} : { sasl }),
    }
  })
