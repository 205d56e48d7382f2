/**
 * Builds kafkajs clients from a KafkaConfig: TLS files, SASL, timeouts, kafkajs's own retries kept
 * minimal (our Schedule is the one retry layer), and kafkajs logs bridged into the Effect logger.
 */
import { type Context, Duration, Effect, type LogLevel, Option } from "effect"
import { Kafka, type KafkaConfig as KafkaJsConfig, logLevel, type SASLOptions } from "kafkajs"
import type { KafkaConfig } from "../KafkaConfig.js"
import type { KafkaConfigError } from "../KafkaError.js"
import { credentials, tlsOptions } from "./security.js"

// kafkajs logs every failed request as an ERROR, including those our retry schedule then retries
// successfully: they are warnings here; what finally fails is reported by our own typed errors.
const effectLevel: Record<number, LogLevel.LogLevel> = {
  [logLevel.ERROR]: "Warn",
  [logLevel.WARN]: "Warn",
  [logLevel.INFO]: "Info",
  [logLevel.DEBUG]: "Debug",
}

/**
 * kafkajs lines that are expected and handled: our deliberate retry settings, and a fresh cluster's
 * "coordinator is loading" answer, which is retried. Logged at Debug, not as warnings or errors.
 */
const expectedNoise = [
  /Limiting retries for the idempotent producer/,
  /coordinator is loading/,
  // Repeats the Connection line just logged, with no more to say.
  /Failed to connect to seed broker, trying another broker/,
  // A topic asked for by name that is missing or not to be described: our typed error says which.
  /Response Metadata\(key: 3, version: \d+\): (This server does not host|Not authorized to access topics)/,
]

/**
 * kafkajs calls its log creator synchronously: each line is forwarded to the Effect logger of the
 * runtime that created the client, with the namespace and broker as annotations, and nothing else
 * of kafkajs's `extra` (which could hold configuration).
 */
const logCreator =
  (context: Context.Context<never>) =>
  () =>
  (entry: {
    namespace: string
    level: number
    log: { message: string; broker?: string; error?: string }
  }) => {
    const message = entry.log.error ? `${entry.log.message}: ${entry.log.error}` : entry.log.message
    const level = expectedNoise.some((re) => re.test(message))
      ? "Debug"
      : (effectLevel[entry.level] ?? "Debug")
    Effect.runSyncWith(context)(
      Effect.logWithLevel(level as LogLevel.Severity)(message).pipe(
        Effect.annotateLogs({
          kafkajs: entry.namespace,
          ...(entry.log.broker ? { broker: entry.log.broker } : {}),
        }),
      ),
    )
  }

/**
 * The client. kafkajs logs at WARN and above reach the Effect logger. `seedOrder`, when given, is
 * asked for the bootstrap list each time kafkajs picks a seed broker; kafkajs takes them in turn,
 * counting over all the clients of this instance (the first seed asked for is the list's first).
 */
export const makeKafka = (
  config: KafkaConfig,
  seedOrder?: () => Array<string>,
): Effect.Effect<Kafka, KafkaConfigError> =>
  Effect.gen(function* () {
    const context = yield* Effect.context<never>()
    const ssl = yield* tlsOptions(config)
    const sasl: SASLOptions | undefined = Option.match(credentials(config), {
      onNone: () => undefined,
      onSome: ({ mechanism, username, password }) => ({ mechanism, username, password }),
    })
    const kafkaConfig: KafkaJsConfig = {
      clientId: config.clientId,
      brokers: seedOrder ?? [...config.brokers],
      connectionTimeout: Math.round(Duration.toMillis(config.connectionTimeout)),
      authenticationTimeout: Math.round(Duration.toMillis(config.connectionTimeout)),
      requestTimeout: Math.round(Duration.toMillis(config.requestTimeout)),
      enforceRequestTimeout: true,
      // One attempt per call: the Effect schedule around each call is the retry layer.
      retry: { retries: 0 },
      logLevel: logLevel.WARN,
      logCreator: logCreator(context),
      ...(ssl === undefined ? {} : { ssl }),
      ...(sasl === undefined ? {} : { sasl }),
    }
    return new Kafka(kafkaConfig)
  })
