import { describe, expect, test } from "bun:test"
import { Clock, Duration, Effect, Fiber, Random } from "effect"
import { TestClock } from "effect/testing"
import {
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
} from "kafkajs"
import { KafkaError, KafkaProducer } from "../src/index.js"
import { NoAnswer, NoConnection } from "../src/internal/errorRules.js"
import { classify } from "../src/internal/kafkajsErrors.js"
import { classifyPlatformatic } from "../src/internal/platformaticErrors.js"

const context = { brokers: "b1:9092", topic: "orders", unknownTopicRetriable: true }
const protocolError = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ message: `broker said ${type}`, type, code: 1, retriable } as never)

describe("classify", () => {
  test("connection failures are retriable and name the broker", () => {
    const error = classify(
      new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:1", {
        broker: "127.0.0.1:1",
        code: "ECONNREFUSED",
      }),
      context,
    )
    expect(error._tag).toBe("KafkaConnectionError")
    expect(error.retriable).toBe(true)
    expect(error.message).toBe("cannot connect to Kafka at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1")
  })

  test("TLS failures are connection errors that are not retried", () => {
    const error = classify(
      new KafkaJSConnectionError("Connection error: self signed certificate in certificate chain", {
        broker: "b1:9093",
        code: "SELF_SIGNED_CERT_IN_CHAIN",
      }),
      context,
    )
    expect(error._tag).toBe("KafkaConnectionError")
    expect(error.retriable).toBe(false)
    expect(error.message).toContain("TLS: self signed certificate in certificate chain")
  })

  test("phase rules, the same for both clients: a restart mid-run retries what start-up reports as final", () => {
    const tls = new KafkaJSConnectionError("Connection error: self signed certificate in certificate chain", {
      broker: "b1:9093",
      code: "SELF_SIGNED_CERT_IN_CHAIN",
    })
    for (const classifier of [classify, classifyPlatformatic]) {
      expect(classifier(new NoConnection(10_000), context).retriable).toBe(false)
      expect(classifier(new NoConnection(10_000), { ...context, restarting: true }).retriable).toBe(true)
      expect(classifier(new NoConnection(10_000), context).message).toBe(
        "cannot connect to Kafka at b1:9092: no answer within the connection timeout (10000 ms)",
      )
      const noAnswer = classifier(new NoAnswer(30_000), context)
      expect(noAnswer._tag).toBe("KafkaRequestError")
      expect(noAnswer.retriable).toBe(true)
    }
    expect(classify(tls, context).retriable).toBe(false)
    expect(classify(tls, { ...context, restarting: true }).retriable).toBe(true)
  })

  test("the fatal kinds fail fast", () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [
        new (KafkaJSSASLAuthenticationError as unknown as new (m: string) => Error)(
          "SASL PLAIN authentication failed",
        ),
        "KafkaAuthenticationError",
      ],
      [protocolError("TOPIC_AUTHORIZATION_FAILED", false), "KafkaAuthorizationError"],
      [protocolError("MESSAGE_TOO_LARGE", false), "KafkaRecordTooLargeError"],
      [protocolError("CORRUPT_MESSAGE", true), "KafkaInvalidRecordError"],
    ]
    for (const [cause, tag] of cases) {
      const error = classify(cause, context)
      expect(error._tag).toBe(tag as never)
      expect(error.retriable).toBe(false)
    }
  })

  test("transient broker errors are retriable, also behind kafkajs's retry wrappers", () => {
    const notEnough = protocolError("NOT_ENOUGH_REPLICAS", true)
    const wrapped = new KafkaJSNumberOfRetriesExceeded(notEnough, { retryCount: 1, retryTime: 100 })
    // What kafkajs throws while a fresh cluster has no transaction coordinator yet (its types omit the message).
    const noCoordinator = new (KafkaJSGroupCoordinatorNotFound as unknown as new (m: string) => Error)(
      "Failed to find group coordinator",
    )
    const transient = [
      notEnough,
      wrapped,
      new KafkaJSRequestTimeoutError("Request Produce timed out"),
      noCoordinator,
    ]
    for (const cause of transient) {
      const error = classify(cause, context)
      expect(error._tag).toBe("KafkaRequestError")
      expect(error.retriable).toBe(true)
    }
    // kafkajs's retrier wraps a non-retriable error this way, keeping it as the cause.
    const inner = protocolError("MESSAGE_TOO_LARGE", false)
    const tooLarge = new (KafkaJSNonRetriableError as unknown as new (e: Error, o: object) => Error)(inner, {
      cause: inner,
    })
    expect(classify(tooLarge, context)._tag).toBe("KafkaRecordTooLargeError")
  })

  test("an unknown topic names the topic; retried while sending, final otherwise", () => {
    const cause = protocolError("UNKNOWN_TOPIC_OR_PARTITION", true)
    const sending = classify(cause, context)
    expect(sending._tag).toBe("KafkaTopicNotFoundError")
    expect(sending.retriable).toBe(true)
    expect(sending.message).toContain('topic "orders" does not exist')
    expect(classify(cause, { brokers: "b", topic: "orders" }).retriable).toBe(false)
    expect(KafkaError.isFatal(sending)).toBe(true)
  })

  test("anything else is a non-retriable request error with its message", () => {
    const error = classify(new TypeError("boom"), context)
    expect(error._tag).toBe("KafkaRequestError")
    expect(error.retriable).toBe(false)
    expect(error.message).toContain("boom")
  })
})

describe("retrySchedule", () => {
  const policy = {
    initialDelay: Duration.millis(100),
    maxDelay: Duration.millis(1000),
    multiplier: 2,
    jitter: 0.2,
  }

  /** Retries an always-failing effect under the TestClock; returns the times of its attempts. */
  const attemptTimes = (deadline: Duration.Duration) =>
    Effect.gen(function* () {
      const times: Array<number> = []
      const fiber = yield* Effect.forkChild(
        Clock.currentTimeMillis.pipe(
          Effect.flatMap((now) => {
            times.push(now)
            return Effect.fail("still failing")
          }),
          Effect.retry(KafkaProducer.retrySchedule(policy, deadline)),
          Effect.result,
        ),
      )
      for (let i = 0; i < 1000 && fiber.pollUnsafe() === undefined; i++) yield* TestClock.adjust("50 millis")
      expect((yield* Fiber.join(fiber))._tag).toBe("Failure")
      return times
    }).pipe(Effect.provide(TestClock.layer()), Random.withSeed(1))

  test("backs off exponentially with jitter, caps each delay, and stops at the deadline", async () => {
    const times = await Effect.runPromise(attemptTimes(Duration.seconds(10)))
    const delays = times.slice(1).map((t, i) => t - times[i]!)
    expect(delays[0]!).toBeGreaterThanOrEqual(80)
    expect(delays[0]!).toBeLessThanOrEqual(120)
    expect(delays[1]!).toBeGreaterThanOrEqual(160)
    expect(delays[1]!).toBeLessThanOrEqual(240)
    expect(delays[2]!).toBeGreaterThanOrEqual(320)
    expect(delays[2]!).toBeLessThanOrEqual(480)
    for (const d of delays) expect(d).toBeLessThanOrEqual(1000)
    expect(delays.at(-1)!).toBe(1000)
    // No attempt starts after the deadline, and the last is within one capped delay of it.
    expect(times.at(-1)! - times[0]!).toBeLessThanOrEqual(10_000 + 1000)
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(10_000 - 1000)
  })

  test("a shorter deadline means fewer attempts", async () => {
    const short = await Effect.runPromise(attemptTimes(Duration.seconds(1)))
    const long = await Effect.runPromise(attemptTimes(Duration.seconds(10)))
    expect(short.length).toBeLessThan(long.length)
    expect(short.length).toBeGreaterThanOrEqual(3)
  })
})
