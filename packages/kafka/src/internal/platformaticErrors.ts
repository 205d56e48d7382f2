/**
 * The one place that turns @platformatic/kafka errors into typed KafkaErrors. Its errors nest
 * (a MultipleErrors of ResponseErrors of ProtocolErrors, or of NetworkErrors with a socket cause):
 * the tree is flattened and the most telling error in it decides, with the same Kafka error names
 * as the kafkajs classification.
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

interface Node {
  readonly name?: string
  readonly code?: string
  readonly message?: string
  /** The Kafka error name of a broker's answer (ProtocolError), e.g. NOT_LEADER_OR_FOLLOWER. */
  readonly apiId?: string
  readonly canRetry?: boolean
  readonly errors?: ReadonlyArray<unknown>
  readonly cause?: unknown
  /** A broker's decoded answer, on a ResponseError: a produce answer lists every partition. */
  readonly response?: {
    readonly responses?: ReadonlyArray<{
      readonly name?: string
      readonly partitionResponses?: ReadonlyArray<{
        readonly index: number
        readonly errorCode: number
        readonly baseOffset: bigint
      }>
    }>
  }
}

const flatten = (root: unknown): Array<Node> => {
  const out: Array<Node> = []
  const visit = (u: unknown, depth: number) => {
    if (depth > 8) return
    const node: Node = typeof u === "object" && u !== null ? (u as Node) : { message: String(u) }
    out.push(node)
    for (const inner of node.errors ?? []) visit(inner, depth + 1)
    if (node.cause !== undefined) visit(node.cause, depth + 1)
  }
  visit(root, 0)
  return out
}

const brokerIn = (message: string): string | undefined => message.match(/to (\S+:\d+)/)?.[1]

/** A TLS failure (not retriable) or a network one (retriable), naming the broker; else undefined. */
const connectionError = (
  nodes: ReadonlyArray<Node>,
  context: Context,
  reasonOf: (n: Node | undefined) => string,
  cause: unknown,
): KafkaError | undefined => {
  const network = nodes.find((n) => n.code === "PLT_KFK_NETWORK")
  const broker = brokerIn(network?.message ?? "") ?? context.brokers
  const tls = nodes.find(
    (n) => tlsCodes.has(n.code ?? "") || (n.code !== "PLT_KFK_NETWORK" && looksLikeTls(n.message ?? "")),
  )
  if (tls !== undefined)
    return new KafkaConnectionError({ broker, reason: tlsReason(reasonOf(tls)), retriable: false, cause })
  if (network === undefined) return undefined
  const socket = nodes.find((n) => n !== network && n.code !== undefined && !n.code.startsWith("PLT_KFK"))
  const reason = socket?.message ?? reasonOf(network)
  return new KafkaConnectionError({ broker, reason, retriable: true, cause })
}

export const classifyPlatformatic = (cause: unknown, context: Context): KafkaError =>
  ownCause(cause, context) ?? inPhase(classifyLibrary(cause, context), context)

const classifyLibrary = (cause: unknown, context: Context): KafkaError => {
  const nodes = flatten(cause)
  const answer = (types: ReadonlySet<string>) =>
    nodes.find((n) => n.apiId !== undefined && types.has(n.apiId))
  const leaf = nodes[nodes.length - 1]
  const reasonOf = (n: Node | undefined) => n?.message ?? leaf?.message ?? "unknown error"

  const authentication = answer(authenticationTypes) ?? nodes.find((n) => n.code === "PLT_KFK_AUTHENTICATION")
  if (authentication !== undefined)
    return new KafkaAuthenticationError({ reason: reasonOf(authentication), cause })
  const authorization = answer(authorizationTypes)
  if (authorization !== undefined)
    return new KafkaAuthorizationError({ reason: reasonOf(authorization), cause })
  const tooLarge = answer(tooLargeTypes)
  if (tooLarge !== undefined) return new KafkaRecordTooLargeError({ reason: reasonOf(tooLarge), cause })
  const invalid = answer(invalidRecordTypes)
  if (invalid !== undefined) return new KafkaInvalidRecordError({ reason: reasonOf(invalid), cause })
  const unknownTopic = nodes.some(
    (n) => n.apiId === "UNKNOWN_TOPIC_OR_PARTITION" || /^Unknown topic /.test(n.message ?? ""),
  )
  if (unknownTopic && context.topic !== undefined)
    return new KafkaTopicNotFoundError({
      topic: context.topic,
      retriable: context.unknownTopicRetriable ?? false,
      cause,
    })

  const connection = connectionError(nodes, context, reasonOf, cause)
  if (connection !== undefined) return connection

  // A broker's answer: retriable by Kafka's own table (leader moves, NOT_ENOUGH_REPLICAS, ...), and
  // the idempotent producer's state errors (the client starts a new producer id by itself).
  const protocol = nodes.filter((n) => n.apiId !== undefined)
  if (protocol.length > 0) {
    const first = protocol[0]!
    const retriable = protocol.every((n) => n.canRetry === true || producerStateTypes.has(n.apiId!))
    return new KafkaRequestError({ reason: reasonOf(first), code: first.apiId!, retriable, cause })
  }
  const timeout = nodes.find((n) => n.code === "PLT_KFK_TIMEOUT")
  if (timeout !== undefined)
    return new KafkaRequestError({
      reason: reasonOf(timeout),
      code: "REQUEST_TIMED_OUT",
      retriable: true,
      cause,
    })
  const top = nodes[0]
  return new KafkaRequestError({
    reason: reasonOf(leaf),
    code: top?.code ?? "",
    // The client's own verdict where it gives one; a usage error (PLT_KFK_USER) is not retried.
    retriable: top?.code !== "PLT_KFK_USER" && nodes.every((n) => n.canRetry !== false),
    cause,
  })
}

/**
 * The partitions of `topic` a failed send still wrote: a produce answer with an error for one
 * partition fails the whole send, yet the other partitions of that answer were appended.
 */
export const writtenDespite = (
  cause: unknown,
  topic: string,
): Array<{ partition: number; offset: bigint }> => {
  const written: Array<{ partition: number; offset: bigint }> = []
  for (const node of flatten(cause))
    for (const answer of node.response?.responses ?? [])
      if (answer.name === topic)
        for (const partition of answer.partitionResponses ?? [])
          if (partition.errorCode === 0)
            written.push({ partition: partition.index, offset: partition.baseOffset })
  return written
}
