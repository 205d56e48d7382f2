/**
 * TLS and SASL settings as every client takes them: TLS files read once (a missing file is a
 * config error naming its key), and the one place where the SASL secret is revealed.
 */
import { readFile } from "node:fs/promises"
import { Effect, Option, Redacted } from "effect"
import type { KafkaConfig, SaslMechanism } from "../KafkaConfig.js"
import { KafkaConfigError } from "../KafkaError.js"

export interface TlsOptions {
  readonly rejectUnauthorized: boolean
  readonly ca?: Array<string>
  readonly cert?: string
  readonly key?: string
}

const read = (key: string, path: string) =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: () => new KafkaConfigError({ key, reason: `cannot read ${path}` }),
  })

/** Node TLS options for the configured protocol, or undefined for PLAINTEXT / SASL_PLAINTEXT. */
export const tlsOptions = (config: KafkaConfig): Effect.Effect<TlsOptions | undefined, KafkaConfigError> =>
  Option.match(config.tls, {
    onNone: () => Effect.succeed(undefined),
    onSome: (tls) =>
      Effect.gen(function* () {
        if (tls.insecure)
          yield* Effect.logWarning(
            "TLS certificate verification is OFF (enable.ssl.certificate.verification=false): the " +
              "connection can be intercepted",
          )
        return {
          rejectUnauthorized: !tls.insecure,
          ...(tls.caLocation === undefined ? {} : { ca: [yield* read("ssl.ca.location", tls.caLocation)] }),
          ...(tls.certificateLocation === undefined
            ? {}
            : { cert: yield* read("ssl.certificate.location", tls.certificateLocation) }),
          ...(tls.keyLocation === undefined ? {} : { key: yield* read("ssl.key.location", tls.keyLocation) }),
        }
      }),
  })

/** The SASL credentials with the password revealed: handed to a client, never logged. */
export const credentials = (
  config: KafkaConfig,
): Option.Option<{
  readonly mechanism: SaslMechanism
  readonly username: string
  readonly password: string
}> =>
  Option.map(config.sasl, (sasl) => ({
    mechanism: sasl.mechanism,
    username: sasl.username,
    password: Redacted.value(sasl.password),
  }))
