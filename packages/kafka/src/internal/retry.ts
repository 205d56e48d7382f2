/** The one retry policy of a batch, as a Schedule. */
import { Duration, Effect, Random, Schedule } from "effect"
import type { RetryPolicy } from "../KafkaConfig.js"

/**
 * The retry schedule of a batch: exponential from the initial delay, jittered, each delay capped,
 * and no new attempt once the deadline (the delivery timeout) has passed.
 */
export const retrySchedule = (policy: RetryPolicy, deadline: Duration.Duration) =>
  Schedule.exponential(policy.initialDelay, policy.multiplier).pipe(
    // Each delay drawn uniformly from [1 - jitter, 1 + jitter] times itself, then capped.
    Schedule.modifyDelay(({ duration }) =>
      Effect.map(Random.next, (draw) =>
        Duration.min(Duration.times(duration, 1 - policy.jitter + 2 * policy.jitter * draw), policy.maxDelay),
      ),
    ),
    Schedule.upTo({ duration: deadline }),
  )
