/**
 * Connecting and closing a client (producer, consumer, admin, of either library). Connecting:
 * bounded retries of retriable failures within the connection timeout, then the last real error
 * (naming the broker), never a bare "timeout"; errors (the timeout's too) are classified by kafkajs's
 * rules unless the client brings its own classifier. Closing: never fails, never waits longer than it is
 * given.
 */
import { Duration, Effect, Schedule } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import { isRetriable, type KafkaError } from "../KafkaError.js"
import { NoConnection } from "./errorRules.js"
import { classify } from "./kafkajsErrors.js"

export const connectWithin = (
  config: KafkaConfig,
  client: { connect: () => Promise<void>; disconnect: () => Promise<unknown> },
  classifyError: (cause: unknown) => KafkaError = (cause) =>
    classify(cause, { brokers: config.brokers.join(",") }),
): Effect.Effect<void, KafkaError> => {
  let lastError: KafkaError | undefined
  return Effect.tryPromise({
    try: () => client.connect(),
    catch: classifyError,
  }).pipe(
    Effect.tapError((error) => Effect.sync(() => (lastError = error))),
    Effect.retry({
      schedule: Schedule.exponential("200 millis").pipe(
        Schedule.upTo({ duration: config.connectionTimeout }),
      ),
      while: isRetriable,
    }),
    Effect.timeoutOrElse({
      duration: config.connectionTimeout,
      orElse: () =>
        Effect.fail(
          lastError ?? classifyError(new NoConnection(Duration.toMillis(config.connectionTimeout))),
        ),
    }),
    // A failed connect may leave sockets and timers behind: close them before reporting.
    Effect.tapError(() => closeWithin("1 second", client.disconnect)),
    Effect.withLogSpan("kafka.connect"),
  )
}

/** Closes a client, ignoring its errors, waiting at most `limit` (a broker may never answer). */
export const closeWithin = (limit: Duration.Input, close: () => Promise<unknown>): Effect.Effect<void> =>
  Effect.promise(() => close().catch(() => undefined)).pipe(Effect.timeoutOption(limit), Effect.asVoid)

/** A scoped client: connected within the connection timeout, closed within `closeLimit` on release. */
export const acquireConnected = (
  config: KafkaConfig,
  client: { connect: () => Promise<void>; disconnect: () => Promise<unknown> },
  classifyError?: (cause: unknown) => KafkaError,
  closeLimit: Duration.Input = "5 seconds",
) =>
  Effect.acquireRelease(connectWithin(config, client, classifyError), () =>
    closeWithin(closeLimit, client.disconnect),
  )
