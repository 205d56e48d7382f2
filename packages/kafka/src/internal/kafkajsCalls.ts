/**
 * The one way a kafkajs admin or consumer call becomes an Effect: errors classified into typed
 * KafkaErrors (naming brokers and topic), the retriable ones retried by the one retry policy
 * within the request timeout. kafkajs's own retries are off (internal/client.ts).
 */
import { Effect } from "effect"
import type { KafkaConfig } from "../KafkaConfig.js"
import { isRetriable, type KafkaError } from "../KafkaError.js"
import { classify } from "./kafkajsErrors.js"
import { retrySchedule } from "./retry.js"

export const kafkajsCalls = (config: KafkaConfig) => {
  const brokers = config.brokers.join(",")
  const schedule = retrySchedule(config.retry, config.requestTimeout)
  return <A>(
    topic: string,
    f: () => Promise<A>,
    /** A topic just created may be unknown to the broker for a moment: then that is retried too. */
    options: { readonly unknownTopicRetriable?: boolean } = {},
  ): Effect.Effect<A, KafkaError> =>
    Effect.tryPromise({ try: f, catch: (cause) => classify(cause, { brokers, topic, ...options }) }).pipe(
      Effect.retry({ schedule, while: isRetriable }),
    )
}
