/**
 * The one place that turns kafkajs errors (and anything else a kafkajs promise rejects with) into
 * typed KafkaErrors, deciding what is retriable by our retry schedule and what fails fast. The
 * sets of Kafka error names are shared with @platformatic/kafka's classification.
 */
import {
  KafkaAuthenticationError,
  KafkaAuthorizationError,
  KafkaConnectionError,
  type KafkaError,
  KafkaInvalidRecordError,
  KafkaRecordTooLargeError,
  KafkaRequestError,
  KafkaTopicNotFoundError,
} from "../KafkaError.js"

export interface Context {
  /** Where we were connecting to, for errors that do not name a broker. */
  readonly brokers: string
  readonly topic?: string
  /** While sending, an unknown topic is retried (it may be a leader move); at start-up it is final. */
  readonly unknownTopicRetriable?: boolean
}

interface ErrorLike {
  readonly name?: string
  readonly message?: string
  readonly type?: string
  readonly code?: string | number
  readonly broker?: string
  readonly retriable?: boolean
  readonly cause?: unknown
  readonly originalError?: unknown
}

const asErrorLike = (u: unknown): ErrorLike =>
  typeof u === "object" && u !== null ? (u as ErrorLike) : { message: String(u) }

export const authorizationTypes: ReadonlySet<string> = new Set([
  "TOPIC_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "GROUP_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
  "DELEGATION_TOKEN_AUTHORIZATION_FAILED",
])
export const authenticationTypes: ReadonlySet<string> = new Set([
  "SASL_AUTHENTICATION_FAILED",
  "ILLEGAL_SASL_STATE",
  "UNSUPPORTED_SASL_MECHANISM",
])
export const tooLargeTypes: ReadonlySet<string> = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"])
export const invalidRecordTypes: ReadonlySet<string> = new Set([
  "INVALID_RECORD",
  "CORRUPT_MESSAGE",
  "INVALID_TIMESTAMP",
  "INVALID_REQUIRED_ACKS",
])

/** TLS failures never heal by retrying: a wrong CA or a plaintext port stays wrong. */
export const tlsCodes: ReadonlySet<string> = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "EPROTO",
])
export const looksLikeTls = (message: string) =>
  /certificate|SSL routines|wrong version number|TLS|handshake/i.test(message)

/** kafkajs wraps the real error in retry and "non-retriable" wrappers: unwrap to the most specific one. */
const innermost = (error: ErrorLike): ErrorLike => {
  let current = error
  for (let depth = 0; depth < 8; depth++) {
    const wrapper =
      current.name === "KafkaJSNumberOfRetriesExceeded" ||
      (current.name === "KafkaJSNonRetriableError" && current.cause !== undefined)
    const next = current.originalError ?? current.cause
    if (!wrapper || next === undefined) return current
    current = asErrorLike(next)
  }
  return current
}

/** Broker answers that mean the idempotent producer's state (id, epoch, sequences) is no longer valid. */
export const producerStateTypes: ReadonlySet<string> = new Set([
  "OUT_OF_ORDER_SEQUENCE_NUMBER",
  "UNKNOWN_PRODUCER_ID",
  "INVALID_PRODUCER_EPOCH",
])

/** A TLS failure, with the likely fix when the message shows it. */
export const tlsReason = (message: string): string => {
  if (/before secure TLS connection|handshake failed/i.test(message))
    return `TLS: ${message} (is this a TLS listener? check security.protocol and the port)`
  if (/BAD_CERTIFICATE|CERTIFICATE_REQUIRED|certificate required/i.test(message))
    return `TLS: the broker refused the client certificate or requires one (set ssl.certificate.location and ssl.key.location): ${message}`
  return `TLS: ${message}`
}

const stripPrefix = (message: string) => message.replace(/^Connection error: /, "")

export const classify = (cause: unknown, context: Context): KafkaError => {
  const error = innermost(asErrorLike(cause))
  const message = error.message ?? "unknown error"
  const type = error.type ?? ""
  const name = error.name ?? ""

  if (type === "ILLEGAL_SASL_STATE")
    return new KafkaAuthenticationError({
      reason: `${message}: this listener does not speak SASL (check security.protocol and the port)`,
      cause,
    })
  if (name === "KafkaJSSASLAuthenticationError" || authenticationTypes.has(type))
    return new KafkaAuthenticationError({ reason: message, cause })
  if (authorizationTypes.has(type)) return new KafkaAuthorizationError({ reason: message, cause })
  if (tooLargeTypes.has(type)) return new KafkaRecordTooLargeError({ reason: message, cause })
  if (invalidRecordTypes.has(type)) return new KafkaInvalidRecordError({ reason: message, cause })
  if (type === "UNKNOWN_TOPIC_OR_PARTITION" && context.topic !== undefined)
    return new KafkaTopicNotFoundError({
      topic: context.topic,
      retriable: context.unknownTopicRetriable ?? false,
      cause,
    })

  const code = String(error.code ?? "")
  if (tlsCodes.has(code) || ((name.startsWith("KafkaJSConnection") || code === "") && looksLikeTls(message)))
    return new KafkaConnectionError({
      broker: error.broker ?? context.brokers,
      reason: tlsReason(stripPrefix(message)),
      retriable: false,
      cause,
    })
  if (
    name === "KafkaJSConnectionError" ||
    name === "KafkaJSConnectionClosedError" ||
    name === "KafkaJSNoBrokerAvailableError"
  )
    return new KafkaConnectionError({
      broker: error.broker ?? context.brokers,
      reason: stripPrefix(message),
      retriable: true,
      cause,
    })
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up/.test(message))
    return new KafkaConnectionError({ broker: context.brokers, reason: message, retriable: true, cause })

  // Transient by kafkajs's own table (leader moves, NOT_ENOUGH_REPLICAS, request timeouts, stale metadata),
  // and the idempotent producer's state errors, which KafkaProducer repairs with a fresh producer id.
  const retriable =
    error.retriable === true ||
    producerStateTypes.has(type) ||
    name === "KafkaJSRequestTimeoutError" ||
    name === "KafkaJSMetadataNotLoaded" ||
    name === "KafkaJSTopicMetadataNotLoaded" ||
    name === "KafkaJSBrokerNotFound" ||
    name === "KafkaJSLockTimeout" ||
    name === "KafkaJSStaleTopicMetadataAssignment"
  return new KafkaRequestError({ reason: message, code: type || name, retriable, cause })
}

/**
 * A produce call with neither an answer nor kafkajs's own timeout error within the request timeout
 * (a broker that stopped answering): retriable, by a fresh producer that finds the new leader.
 */
export const noAnswer = (timeoutMs: number): KafkaRequestError =>
  new KafkaRequestError({
    reason: `no answer to a produce request within the request timeout (${timeoutMs} ms)`,
    code: "REQUEST_TIMED_OUT",
    retriable: true,
  })
