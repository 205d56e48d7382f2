/**
 * @platformatic/kafka's errors, built with its own classes in the shapes it rejects with (checked
 * against the real broker: see KafkaProducer.test.ts and the SASL/TLS scenarios of the fault suite).
 */
import { describe, expect, test } from "bun:test"
import {
  AuthenticationError,
  MultipleErrors,
  NetworkError,
  ProtocolError,
  UserError,
} from "@platformatic/kafka"
import { classifyPlatformatic } from "../src/internal/platformaticErrors.js"

const context = { brokers: "b1:9092", topic: "orders", unknownTopicRetriable: true }
/** A produce that failed at one broker: MultipleErrors > ResponseError-like > ProtocolError. */
const answered = (...ids: Array<string>) =>
  new MultipleErrors("Producing messages failed.", [
    new MultipleErrors(
      "Received response with error while executing API Produce(v11)",
      ids.map((id) => new ProtocolError(id)),
    ),
  ])

describe("classifyPlatformatic", () => {
  test("a refused connection is retriable and names the broker and the socket error", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })
    const error = classifyPlatformatic(
      new MultipleErrors("Cannot connect to any broker.", [
        new NetworkError("Connection to 127.0.0.1:1 failed.", { cause: refused }),
      ]),
      context,
    )
    expect(error._tag).toBe("KafkaConnectionError")
    expect(error.retriable).toBe(true)
    expect(error.message).toBe("cannot connect to Kafka at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1")
  })

  test("TLS failures and authentication failures are fatal", () => {
    const untrusted = Object.assign(new Error("self signed certificate in certificate chain"), {
      code: "SELF_SIGNED_CERT_IN_CHAIN",
    })
    const tls = classifyPlatformatic(
      new NetworkError("Connection to b1:9093 failed.", { cause: untrusted }),
      context,
    )
    expect(tls._tag).toBe("KafkaConnectionError")
    expect(tls.retriable).toBe(false)
    expect(tls.message).toContain("TLS: self signed certificate in certificate chain")
    const auth = classifyPlatformatic(new AuthenticationError("SASL authentication failed."), context)
    expect(auth._tag).toBe("KafkaAuthenticationError")
    expect(auth.retriable).toBe(false)
  })

  test("broker answers: Kafka's retriable ones retried, the fatal kinds typed", () => {
    const leader = classifyPlatformatic(answered("NOT_LEADER_OR_FOLLOWER"), context)
    expect(leader).toMatchObject({
      _tag: "KafkaRequestError",
      code: "NOT_LEADER_OR_FOLLOWER",
      retriable: true,
    })
    expect(classifyPlatformatic(answered("OUT_OF_ORDER_SEQUENCE_NUMBER"), context).retriable).toBe(true)
    expect(classifyPlatformatic(answered("MESSAGE_TOO_LARGE"), context)._tag).toBe("KafkaRecordTooLargeError")
    expect(classifyPlatformatic(answered("TOPIC_AUTHORIZATION_FAILED"), context)._tag).toBe(
      "KafkaAuthorizationError",
    )
    expect(classifyPlatformatic(answered("CORRUPT_MESSAGE"), context)._tag).toBe("KafkaInvalidRecordError")
    // One fatal answer among retriable ones makes the whole failure fatal.
    expect(
      classifyPlatformatic(answered("NOT_LEADER_OR_FOLLOWER", "INVALID_REQUIRED_ACKS"), context).retriable,
    ).toBe(false)
  })

  test("an unknown topic names the topic; retried while sending, final otherwise", () => {
    const sending = classifyPlatformatic(new UserError("Unknown topic orders."), context)
    expect(sending).toMatchObject({ _tag: "KafkaTopicNotFoundError", retriable: true })
    expect(sending.message).toContain('topic "orders" does not exist')
    const atStart = classifyPlatformatic(answered("UNKNOWN_TOPIC_OR_PARTITION"), {
      brokers: "b1:9092",
      topic: "orders",
    })
    expect(atStart).toMatchObject({ _tag: "KafkaTopicNotFoundError", retriable: false })
  })

  test("anything else is a request error with the innermost message; usage errors are not retried", () => {
    const usage = classifyPlatformatic(
      new UserError("Cannot close producer while producing messages."),
      context,
    )
    expect(usage).toMatchObject({ _tag: "KafkaRequestError", retriable: false })
    expect(usage.message).toContain("Cannot close producer while producing messages.")
  })
})
