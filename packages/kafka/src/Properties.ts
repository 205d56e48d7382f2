/**
 * Java `.properties` files, as Confluent Cloud hands them out (`client.properties`): parsing with
 * the format's comments, continuation lines and escapes, and mapping the Java/librdkafka keys onto
 * KafkaConfig settings.
 */
import { Effect, Either, Redacted } from "effect"
import { compressions } from "./internal/choices.js"
import type { Settings } from "./KafkaConfig.js"
import { KafkaConfigError } from "./KafkaError.js"

/** Parses the text of a .properties file into its keys and values, in file order. */
export const parse = (text: string): Map<string, string> => {
  const result = new Map<string, string>()
  const lines = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, "")
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue
    // A line ending in an odd number of backslashes continues on the next one.
    while (endsWithOddBackslashes(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, "")
    }
    if (endsWithOddBackslashes(line)) line = line.slice(0, -1)
    const { key, value } = splitKeyValue(line)
    result.set(unescapeJava(key), unescapeJava(value))
  }
  return result
}

const endsWithOddBackslashes = (line: string): boolean => {
  let count = 0
  for (let i = line.length - 1; i >= 0 && line[i] === "\\"; i--) count++
  return count % 2 === 1
}

// The key ends at the first unescaped '=', ':' or white space; the separator may be padded.
const splitKeyValue = (line: string): { key: string; value: string } => {
  let i = 0
  while (i < line.length) {
    const c = line[i]!
    if (c === "\\") i += 2
    else if (c === "=" || c === ":" || c === " " || c === "\t" || c === "\f") break
    else i++
  }
  const key = line.slice(0, i)
  let rest = line.slice(i).replace(/^[ \t\f]+/, "")
  if (rest.startsWith("=") || rest.startsWith(":")) rest = rest.slice(1).replace(/^[ \t\f]+/, "")
  return { key, value: rest }
}

const unescapeJava = (s: string): string =>
  s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
    switch (escaped[0]) {
      case "t":
        return "\t"
      case "n":
        return "\n"
      case "r":
        return "\r"
      case "f":
        return "\f"
      case "u":
        return escaped.length === 5 ? String.fromCharCode(Number.parseInt(escaped.slice(1), 16)) : "u"
      default:
        return escaped
    }
  })

/** Keys a client.properties may hold that do not concern a producer: accepted without a warning. */
const ignoredKeys = new Set([
  "session.timeout.ms",
  "client.dns.lookup",
  "schema.registry.url",
  "basic.auth.credentials.source",
  "basic.auth.user.info",
  "schema.registry.basic.auth.user.info",
  "schema.registry.basic.auth.credentials.source",
  "ssl.endpoint.identification.algorithm",
  "group.id",
  "auto.offset.reset",
  "enable.auto.commit",
])

export interface FromProperties {
  readonly settings: Settings
  /** Keys this client does not know: the caller warns once, naming them. */
  readonly unknownKeys: ReadonlyArray<string>
}

const fail = (key: string, reason: string) => Either.left(new KafkaConfigError({ key, reason }))

const secretKeys = new Set(["sasl.password", "sasl.jaas.config", "ssl.key.password"])

/** Shows a value in an error, unless the key holds a secret. */
const shown = (key: string, value: string) => (secretKeys.has(key) ? "(value hidden)" : JSON.stringify(value))

const integerMs = (key: string, value: string): Either.Either<number, KafkaConfigError> => {
  const n = Number(value)
  return Number.isInteger(n) && n >= 0
    ? Either.right(n)
    : fail(key, `expected a whole number of milliseconds, got ${shown(key, value)}`)
}

const boolean = (key: string, value: string): Either.Either<boolean, KafkaConfigError> =>
  value === "true"
    ? Either.right(true)
    : value === "false"
      ? Either.right(false)
      : fail(key, `expected true or false, got ${shown(key, value)}`)

/** username='..' password="..": the Java JAAS line of PlainLoginModule or ScramLoginModule. */
const parseJaas = (
  value: string,
): Either.Either<{ module: "plain" | "scram"; username: string; password: string }, KafkaConfigError> => {
  const module = /PlainLoginModule/.test(value)
    ? "plain"
    : /ScramLoginModule/.test(value)
      ? "scram"
      : undefined
  if (module === undefined)
    return fail(
      "sasl.jaas.config",
      "expected org.apache.kafka.common.security.plain.PlainLoginModule or scram.ScramLoginModule",
    )
  const option = (name: string) =>
    value.match(new RegExp(`\\b${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|'((?:[^'\\\\]|\\\\.)*)')`))
  const username = option("username")
  const password = option("password")
  if (username === null || password === null)
    return fail("sasl.jaas.config", "expected username='...' and password='...' options")
  return Either.right({
    module,
    username: username[1] ?? username[2] ?? "",
    password: password[1] ?? password[2] ?? "",
  })
}

const placeholder = /\{\{.*\}\}|\*\*\*\*/

/** Maps the known keys onto settings; an invalid value is a KafkaConfigError naming the key. */
export const toSettings = (
  properties: ReadonlyMap<string, string>,
): Either.Either<FromProperties, KafkaConfigError> =>
  Either.gen(function* () {
    const settings: { -readonly [K in keyof Settings]: Settings[K] } = {}
    const unknownKeys: Array<string> = []
    for (const [key, value] of properties) {
      if (placeholder.test(value))
        return yield* fail(
          key,
          `still holds a placeholder (${secretKeys.has(key) ? "value hidden" : value}): fill in the real value`,
        )
      switch (key) {
        case "bootstrap.servers":
          settings.bootstrapServers = value
          break
        case "client.id":
          settings.clientId = value
          break
        case "security.protocol": {
          const protocol = value.toUpperCase()
          if (
            protocol !== "PLAINTEXT" &&
            protocol !== "SSL" &&
            protocol !== "SASL_PLAINTEXT" &&
            protocol !== "SASL_SSL"
          )
            return yield* fail(
              key,
              `expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got ${shown(key, value)}`,
            )
          settings.securityProtocol = protocol
          break
        }
        case "sasl.mechanism":
        case "sasl.mechanisms": {
          const mechanism = value.toLowerCase()
          if (mechanism !== "plain" && mechanism !== "scram-sha-256" && mechanism !== "scram-sha-512")
            return yield* fail(
              key,
              `expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got ${shown(key, value)}`,
            )
          settings.saslMechanism = mechanism
          break
        }
        case "sasl.username":
          settings.saslUsername = value
          break
        case "sasl.password":
          settings.saslPassword = Redacted.make(value)
          break
        case "sasl.jaas.config": {
          const jaas = yield* parseJaas(value)
          settings.saslUsername = jaas.username
          settings.saslPassword = Redacted.make(jaas.password)
          if (jaas.module === "plain") settings.saslMechanism ??= "plain"
          else settings.jaasScram = true
          break
        }
        case "acks": {
          const acks =
            value === "all" || value === "-1"
              ? "all"
              : value === "1"
                ? "leader"
                : value === "0"
                  ? "none"
                  : undefined
          if (acks === undefined)
            return yield* fail(key, `expected all, -1, 1 or 0, got ${shown(key, value)}`)
          settings.acks = acks
          break
        }
        case "enable.idempotence":
          settings.idempotent = yield* boolean(key, value)
          break
        case "compression.type":
        case "compression.codec": {
          const codec = compressions.find((c) => c === value)
          if (codec === undefined)
            return yield* fail(key, `expected one of ${compressions.join(", ")}, got ${shown(key, value)}`)
          settings.compression = codec
          break
        }
        case "linger.ms":
        case "queue.buffering.max.ms":
          settings.lingerMs = yield* integerMs(key, value)
          break
        case "request.timeout.ms":
          settings.requestTimeoutMs = yield* integerMs(key, value)
          break
        case "delivery.timeout.ms":
        case "message.timeout.ms":
          settings.deliveryTimeoutMs = yield* integerMs(key, value)
          break
        case "socket.connection.setup.timeout.ms":
          settings.connectionTimeoutMs = yield* integerMs(key, value)
          break
        case "batch.num.messages":
          settings.batchMaxRecords = yield* integerMs(key, value)
          break
        case "max.in.flight.requests.per.connection":
        case "max.in.flight":
          settings.maxInFlight = yield* integerMs(key, value)
          break
        case "ssl.ca.location":
          settings.sslCaLocation = value
          break
        case "ssl.certificate.location":
          settings.sslCertificateLocation = value
          break
        case "ssl.key.location":
          settings.sslKeyLocation = value
          break
        case "enable.ssl.certificate.verification":
          settings.sslInsecure = !(yield* boolean(key, value))
          break
        default:
          if (!ignoredKeys.has(key)) unknownKeys.push(key)
      }
    }
    return { settings, unknownKeys }
  })

/** Reads and maps a properties file; a missing or unreadable file is a config error naming it. */
export const load = (path: string): Effect.Effect<FromProperties, KafkaConfigError> =>
  Effect.tryPromise({
    try: () => Bun.file(path).text(),
    catch: (cause) =>
      new KafkaConfigError({
        key: "--config",
        reason: `cannot read ${path}: ${(cause as NodeJS.ErrnoException)?.code === "ENOENT" ? "no such file" : String(cause)}`,
      }),
  }).pipe(Effect.flatMap((text) => toSettings(parse(text))))
