/** The one retry policy of a batch, as a Schedule. */
import { Duration, Schedule } from "effect"
import type { RetryPolicy } from "../KafkaConfig.js"

/**
 * The retry schedule of a batch: exponential from the initial delay, jittered, each delay capped,
 * and no new attempt once the deadline (the delivery timeout) has passed.
 */
export const retrySchedule = (policy: RetryPolicy, deadline: Duration.Duration) =>
  Schedule.exponential(policy.initialDelay, policy.multiplier).pipe(
    Schedule.jitteredWith({ min: 1 - policy.jitter, max: 1 + policy.jitter }),
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay)),
    Schedule.upTo(deadline),
  )
