/**
 * What both clients' classifiers share: the Kafka error names by kind, TLS hints, and the rules that
 * depend on where we are (start-up or mid-run) rather than on the library. Each client's classifier
 * (kafkajsErrors.ts, platformaticErrors.ts) is the only place that says retriable or fatal; it calls
 * `ownCause` first and `inPhase` last.
 */
import { KafkaConnectionError, type KafkaError, KafkaRequestError } from "../KafkaError.js"

export interface Context {
  /** Where we were connecting to, for errors that do not name a broker. */
  readonly brokers: string
  readonly topic?: string
  /** While sending, an unknown topic is retried (it may be a leader move); at start-up it is final. */
  readonly unknownTopicRetriable?: boolean
  /**
   * A producer restarting mid-run: a cluster that cannot be reached is retried (its brokers may be
   * coming back) until the delivery timeout; at start-up it is final (exit 2).
   */
  readonly restarting?: boolean
}

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

/** Broker answers that mean the idempotent producer's state (id, epoch, sequences) is no longer valid. */
export const producerStateTypes: ReadonlySet<string> = new Set([
  "OUT_OF_ORDER_SEQUENCE_NUMBER",
  "UNKNOWN_PRODUCER_ID",
  "INVALID_PRODUCER_EPOCH",
])

/** Broker answers by which a newer producer of the same transactional id fenced this one. */
const fencingCodes: ReadonlySet<string> = new Set(["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"])

/**
 * A transactional producer's error, in one line when it says the producer was fenced (never retried,
 * fatal to the run: KafkaError.isFatal); CONCURRENT_TRANSACTIONS retried; other errors as they are.
 */
export const fencedOr = (transactionalId: string, error: KafkaError): KafkaError => {
  if (error._tag !== "KafkaRequestError") return error
  if (fencingCodes.has(error.code))
    return new KafkaRequestError({
      reason: `fenced by a newer producer with transactional id "${transactionalId}"`,
      code: "PRODUCER_FENCED",
      retriable: false,
      cause: error,
    })
  // The previous transaction's markers are still being written: soon over, whatever the client's
  // error around it says (the broker's own table calls it retriable).
  if (error.code === "CONCURRENT_TRANSACTIONS" && !error.retriable)
    return new KafkaRequestError({ reason: error.reason, code: error.code, retriable: true, cause: error })
  return error
}

/** A TLS failure, with the likely fix when the message shows it. */
export const tlsReason = (message: string): string => {
  if (/before secure TLS connection|handshake failed/i.test(message))
    return `TLS: ${message} (is this a TLS listener? check security.protocol and the port)`
  if (/BAD_CERTIFICATE|CERTIFICATE_REQUIRED|certificate required/i.test(message))
    return (
      `TLS: the broker refused the client certificate or requires one (set ` +
      `ssl.certificate.location and ssl.key.location): ${message}`
    )
  return `TLS: ${message}`
}

/** A request that got neither an answer nor the client's own error in time (a frozen broker). */
export class NoAnswer {
  readonly _tag = "NoAnswer"
  constructor(readonly timeoutMs: number) {}
}

/** A connect that got no answer within the connection timeout, and no error to report instead. */
export class NoConnection {
  readonly _tag = "NoConnection"
  constructor(readonly timeoutMs: number) {}
}

/** A transactional client's send while no transaction is open (after a restart): never retried. */
export class NoOpenTransaction {
  readonly _tag = "NoOpenTransaction"
}

/** Our own causes, the same for every client; undefined for a library's error. */
export const ownCause = (cause: unknown, context: Context): KafkaError | undefined => {
  if (cause instanceof NoAnswer)
    // Retriable, by a fresh producer that finds the new leader (ClientSession restarts it).
    return new KafkaRequestError({
      reason: `no answer to a produce request within the request timeout (${cause.timeoutMs} ms)`,
      code: "REQUEST_TIMED_OUT",
      retriable: true,
    })
  if (cause instanceof NoOpenTransaction)
    return new KafkaRequestError({
      reason: "no transaction open (the producer was restarted): the transaction failed",
      code: "NO_OPEN_TRANSACTION",
      retriable: false,
    })
  if (cause instanceof NoConnection)
    return new KafkaConnectionError({
      broker: context.brokers,
      reason: `no answer within the connection timeout (${cause.timeoutMs} ms)`,
      retriable: context.restarting ?? false,
    })
  return undefined
}

/** Mid-run, a restart's connection failure (TLS included) is one more reason to retry. */
export const inPhase = (error: KafkaError, context: Context): KafkaError =>
  context.restarting === true && error._tag === "KafkaConnectionError" && !error.retriable
    ? new KafkaConnectionError({ broker: error.broker, reason: error.reason, retriable: true, cause: error })
    : error
