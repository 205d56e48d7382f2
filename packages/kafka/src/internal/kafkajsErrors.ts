/**
 * The one place that turns kafkajs errors (and anything else a kafkajs promise rejects with) into
 * typed KafkaErrors, deciding what is retriable by our retry schedule and what fails fast. The
 * Kafka error names and the phase rules are shared with @platformatic/kafka's (errorRules.ts).
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
import {
  authenticationTypes,
  authorizationTypes,
  type Context,
  inPhase,
  invalidRecordTypes,
  looksLikeTls,
  ownCause,
  producerStateTypes,
  tlsCodes,
  tlsReason,
  tooLargeTypes,
} from "./errorRules.js"

interface ErrorLike {
  readonly name?: string
  readonly message?: string
  readonly type?: string
  readonly code?: string | number
  readonly broker?: string
  readonly retriable?: boolean
  readonly cause?: unknown
  readonly originalError?: unknown
  /** A KafkaJSAggregateError's (createTopics: one per topic). */
  readonly errors?: ReadonlyArray<unknown>
}

const asErrorLike = (u: unknown): ErrorLike =>
  typeof u === "object" && u !== null ? (u as ErrorLike) : { message: String(u) }

/**
 * kafkajs wraps the real error in retry and "non-retriable" wrappers, and a topic's creation error in
 * an aggregate: unwrap to the most specific one.
 */
const innermost = (error: ErrorLike): ErrorLike => {
  let current = error
  for (let depth = 0; depth < 8; depth++) {
    const aggregate = current.name === "KafkaJSAggregateError" && current.errors?.length === 1
    const wrapper =
      aggregate ||
      current.name === "KafkaJSNumberOfRetriesExceeded" ||
      (current.name === "KafkaJSNonRetriableError" && current.cause !== undefined)
    const next = aggregate ? current.errors![0] : (current.originalError ?? current.cause)
    if (!wrapper || next === undefined) return current
    current = asErrorLike(next)
  }
  return current
}

const stripPrefix = (message: string) => message.replace(/^Connection error: /, "")

export const classify = (cause: unknown, context: Context): KafkaError =>
  ownCause(cause, context) ?? inPhase(classifyKafkajs(cause, context), context)

const classifyKafkajs = (cause: unknown, context: Context): KafkaError => {
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
    // No coordinator yet: a fresh cluster creates __transaction_state on the first transactional id.
    name === "KafkaJSGroupCoordinatorNotFound" ||
    name === "KafkaJSLockTimeout" ||
    name === "KafkaJSStaleTopicMetadataAssignment"
  return new KafkaRequestError({ reason: message, code: type || name, retriable, cause })
}
