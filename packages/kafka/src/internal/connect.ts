/**
 * Connecting a client (producer, admin, of either library): bounded retries of retriable failures
 * within the connection timeout, then the last real error (naming the broker), never a bare "timeout".
 * Errors are classified by kafkajs's rules unless the client brings its own.
 */
import { Duration, Effect, Schedule } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import { isRetriable, KafkaConnectionError, type KafkaError } from "../KafkaError.js"
import { classify } from "./classify.js"

export const connectWithin = (
  config: KafkaConfig,
  client: { connect: () => Promise<void>; disconnect: () => Promise<unknown> },
  classifyError: (cause: unknown) => KafkaError = (cause) =>
    classify(cause, { brokers: config.brokers.join(",") }),
): Effect.Effect<void, KafkaError> => {
  const brokers = config.brokers.join(",")
  let lastError: KafkaError | undefined
  return Effect.tryPromise({
    try: () => client.connect(),
    catch: classifyError,
  }).pipe(
    Effect.tapError((error) => Effect.sync(() => (lastError = error))),
    Effect.retry({
      schedule: Schedule.exponential("200 millis").pipe(Schedule.upTo(config.connectionTimeout)),
      while: isRetriable,
    }),
    Effect.timeoutFail({
      duration: config.connectionTimeout,
      onTimeout: () =>
        lastError ??
        new KafkaConnectionError({
          broker: brokers,
          reason: `no answer within the connection timeout (${Duration.toMillis(config.connectionTimeout)} ms)`,
          retriable: false,
        }),
    }),
    // A failed connect may leave sockets and timers behind: close them before reporting.
    Effect.tapError(() =>
      Effect.promise(() => client.disconnect().catch(() => undefined)).pipe(Effect.timeoutOption("1 second")),
    ),
    Effect.withLogSpan("kafka.connect"),
  )
}
