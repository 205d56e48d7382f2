/**
 * Typed Kafka errors, each with a message a user can act on and the original cause kept.
 * `retriable` is decided by each client's classifier (internal/kafkajsErrors.ts,
 * internal/platformaticErrors.ts, sharing internal/errorRules.ts), and nowhere else.
 */
import { Data } from "effect"

/** The broker could not be reached, or the connection broke (TLS failures included). */
export class KafkaConnectionError extends Data.TaggedError("KafkaConnectionError")<{
  readonly broker: string
  readonly reason: string
  readonly retriable: boolean
  readonly cause?: unknown
}> {
  override get message() {
    return `cannot connect to Kafka at ${this.broker}: ${this.reason}`
  }
}

export class KafkaAuthenticationError extends Data.TaggedError("KafkaAuthenticationError")<{
  readonly reason: string
  readonly cause?: unknown
}> {
  readonly retriable = false
  override get message() {
    return (
      `Kafka authentication failed: ${this.reason} (check sasl.username, sasl.password and ` +
      `sasl.mechanism)`
    )
  }
}

export class KafkaAuthorizationError extends Data.TaggedError("KafkaAuthorizationError")<{
  readonly reason: string
  /** What was refused, when the caller knows: `describe topic "orders"`. */
  readonly action?: string
  /** Then, the ACL the credentials lack, and what else may help. */
  readonly needs?: string
  readonly cause?: unknown
}> {
  readonly retriable = false
  override get message() {
    return this.action === undefined
      ? `not authorized: ${this.reason} (the credentials lack an ACL for this operation)`
      : `not authorized to ${this.action} (${this.needs})`
  }
}

export class KafkaTopicNotFoundError extends Data.TaggedError("KafkaTopicNotFoundError")<{
  readonly topic: string
  /** While sending, a topic may look missing during a leader move: retried up to the delivery timeout. */
  readonly retriable: boolean
  readonly cause?: unknown
}> {
  override get message() {
    return `topic "${this.topic}" does not exist and the cluster does not create topics on demand`
  }
}

export class KafkaRecordTooLargeError extends Data.TaggedError("KafkaRecordTooLargeError")<{
  readonly reason: string
  readonly cause?: unknown
}> {
  readonly retriable = false
  override get message() {
    return `record too large for the topic or broker: ${this.reason} (see max.message.bytes)`
  }
}

export class KafkaInvalidRecordError extends Data.TaggedError("KafkaInvalidRecordError")<{
  readonly reason: string
  readonly cause?: unknown
}> {
  readonly retriable = false
  override get message() {
    return `the broker rejected the records: ${this.reason}`
  }
}

/** A batch, or a connect, ran out of its time budget. */
export class KafkaTimeoutError extends Data.TaggedError("KafkaTimeoutError")<{
  readonly operation: string
  readonly timeoutMs: number
  readonly cause?: unknown
}> {
  readonly retriable = false
  override get message() {
    return `${this.operation} timed out after ${this.timeoutMs} ms`
  }
}

/** Any other failure reported by the client or the broker. */
export class KafkaRequestError extends Data.TaggedError("KafkaRequestError")<{
  readonly reason: string
  readonly code: string
  readonly retriable: boolean
  readonly cause?: unknown
}> {
  override get message() {
    return this.code === "" ? this.reason : `${this.reason} (${this.code})`
  }
}

/** A setting is missing or invalid. Never carries a secret's value. */
export class KafkaConfigError extends Data.TaggedError("KafkaConfigError")<{
  /** The setting, as the user wrote it: a flag, a property key or an environment variable. */
  readonly key: string
  readonly reason: string
}> {
  readonly retriable = false
  override get message() {
    return `${this.key}: ${this.reason}`
  }
}

export type KafkaError =
  | KafkaConnectionError
  | KafkaAuthenticationError
  | KafkaAuthorizationError
  | KafkaTopicNotFoundError
  | KafkaRecordTooLargeError
  | KafkaInvalidRecordError
  | KafkaTimeoutError
  | KafkaRequestError
  | KafkaConfigError

export const isRetriable = (error: KafkaError): boolean => error.retriable

/** Errors that mean "this cluster will not take our records": stop, rather than fail batch by batch. */
export const isFatal = (error: KafkaError): boolean =>
  error._tag === "KafkaAuthenticationError" ||
  error._tag === "KafkaAuthorizationError" ||
  error._tag === "KafkaTopicNotFoundError" ||
  error._tag === "KafkaConfigError" ||
  // A newer producer took the transactional id over: this one can send nothing more.
  (error._tag === "KafkaRequestError" && error.code === "PRODUCER_FENCED")
