/** A config described for logs: where, how, never a secret. */
import { Option } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"

export const describe = (config: KafkaConfig): string => {
  const security = Option.match(config.sasl, {
    onNone: () => (Option.isSome(config.tls) ? "SSL" : "PLAINTEXT"),
    onSome: (sasl) =>
      `${Option.isSome(config.tls) ? "SASL_SSL" : "SASL_PLAINTEXT"} ${sasl.mechanism.toUpperCase()} ` +
      `as ${sasl.username}`,
  })
  return (
    `${config.brokers.join(",")} (${security}, client=${config.client}, acks=${config.acks}, ` +
    `idempotent=${config.idempotent}, compression=${config.compression})`
  )
}
