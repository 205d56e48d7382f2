/**
 * A Confluent-compatible Schema Registry (Confluent's, Confluent Cloud's, Apicurio's ccompat API),
 * through @kafkajs/confluent-schema-registry: the schema id a run's records carry, resolved once, and
 * the schema of an id a reader meets, fetched once. Nothing per record goes over HTTP.
 */
import { readFileSync } from "node:fs"
import { Agent } from "node:https"
import { SchemaRegistry as Client, SchemaType } from "@kafkajs/confluent-schema-registry"
import { Data, Duration, Effect, Option, Redacted } from "effect"
import type { SchemaRegistryConfig } from "./internal/registryConfig.js"
import type { SubjectStrategy } from "./internal/settingsTypes.js"

export type { SchemaRegistryConfig } from "./internal/registryConfig.js"

/** The registry failed us or refused a schema: always a start-up error (exit 2), never a secret in it. */
export class SchemaRegistryError extends Data.TaggedError("SchemaRegistryError")<{
  readonly url: string
  readonly subject?: string
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message() {
    const subject = this.subject === undefined ? "" : `, subject ${this.subject}`
    return `Schema Registry ${this.url}${subject}: ${this.reason}`
  }
}

export type SchemaTypeName = "AVRO" | "PROTOBUF" | "JSON"

export interface SchemaText {
  readonly type: SchemaTypeName
  readonly text: string
}

export interface SchemaRegistry {
  readonly url: string
  /**
   * The id of `schema` under `subject`: registered when missing (auto-register; a new subject gets
   * BACKWARD compatibility), else the subject's latest version, which must be this schema.
   */
  readonly idFor: (
    subject: string,
    schema: SchemaText,
    autoRegister: boolean,
  ) => Effect.Effect<number, SchemaRegistryError>
  /** The id of the subject's latest version; none when the subject has no version yet. */
  readonly latestId: (subject: string) => Effect.Effect<Option.Option<number>, SchemaRegistryError>
  /** The subject's versions by schema id (1, 2, ...): for a report, asked once. */
  readonly versions: (subject: string) => Effect.Effect<ReadonlyMap<number, number>, SchemaRegistryError>
  /** The type of the schema an id names, fetched once per id; for Avro, the writer's schema too. */
  readonly schemaOf: (
    id: number,
  ) => Effect.Effect<{ readonly type: SchemaTypeName; readonly avro?: object }, SchemaRegistryError>
}

/** A topic's value subject: TopicNameStrategy (default), RecordNameStrategy or TopicRecordNameStrategy. */
export const subjectOf = (strategy: SubjectStrategy, topic: string, recordName: string): string =>
  strategy === "topic" ? `${topic}-value` : strategy === "record" ? recordName : `${topic}-${recordName}`

const answerTimeout = Duration.seconds(30)

/** What went wrong, in words a user can act on. */
export const reasonOf = (error: unknown): string => {
  const e = error as { status?: number; message?: string; name?: string }
  const text = (e.message ?? String(error)).replace(/^Confluent_Schema_Registry - /u, "")
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|socket hang up/u.test(text))
    return `unreachable (${text.replace(/^Error, status \d+: /u, "")})`
  if (/certificate|self[- ]signed|CERT_/iu.test(text))
    return `TLS failed (${text}): set schema.registry.ssl.ca.location to the registry's CA (PEM)`
  if (e.status === 401 || e.status === 403)
    return `refused our credentials (HTTP ${e.status}): check basic.auth.user.info`
  if (e.status === 409) return `refused the schema as incompatible: ${text}`
  return e.status === undefined ? text : `HTTP ${e.status}: ${text}`
}

const caAgent = (config: SchemaRegistryConfig) =>
  Effect.try({
    try: () =>
      Option.map(config.caLocation, (file) => {
        const pem = readFileSync(file, "utf8")
        if (!pem.includes("-----BEGIN CERTIFICATE-----"))
          throw new Error(`${file} is not a PEM certificate (a Java truststore? export its CA as PEM)`)
        return new Agent({ ca: pem })
      }),
    catch: (cause) =>
      new SchemaRegistryError({
        url: config.url,
        reason: `schema.registry.ssl.ca.location: ${cause instanceof Error ? cause.message : String(cause)}`,
      }),
  })

type Call = <A>(subject: string | undefined, f: () => Promise<A>) => Effect.Effect<A, SchemaRegistryError>

const failure = (url: string, subject: string | undefined, reason: string, cause?: unknown) =>
  new SchemaRegistryError({
    url,
    ...(subject === undefined ? {} : { subject }),
    reason,
    ...(cause === undefined ? {} : { cause }),
  })

/** Each call: its failure in words, and an answer within the timeout. */
const caller =
  (url: string): Call =>
  (subject, f) =>
    Effect.tryPromise({ try: f, catch: (cause) => failure(url, subject, reasonOf(cause), cause) }).pipe(
      Effect.timeoutOrElse({
        duration: answerTimeout,
        orElse: () =>
          Effect.fail(failure(url, subject, `no answer within ${Duration.format(answerTimeout)}`)),
      }),
    )

const isNotFound = (error: SchemaRegistryError) => /\b404\b|not found|No artifact/iu.test(error.reason)

/** --no-auto-register: the subject's latest version, which must be this very schema. */
const latestMustBe = (client: Client, call: Call, url: string, subject: string, schema: SchemaText) =>
  Effect.gen(function* () {
    const missing = (reason: string) => (e: SchemaRegistryError) =>
      isNotFound(e) ? Effect.fail(failure(url, subject, reason)) : Effect.fail(e)
    const latest = yield* call(subject, () => client.getLatestSchemaId(subject)).pipe(
      Effect.catch(missing("has no schema yet: register one, or leave out --no-auto-register")),
    )
    const ours = yield* call(subject, () =>
      client.getRegistryIdBySchema(subject, {
        type: schema.type as SchemaType,
        schema: schema.text,
      } as never),
    ).pipe(
      Effect.catch(
        missing(
          `does not hold this schema (its latest is id ${latest}): register it, or leave out ` +
            "--no-auto-register",
        ),
      ),
    )
    if (ours !== latest)
      return yield* Effect.fail(
        failure(url, subject, `its latest version is schema id ${latest}, not this schema (id ${ours})`),
      )
    return latest
  })

/** Versions 1, 2, ... until the first one the subject lacks (at most 100: a report, not an audit). */
const versionsOf = (client: Client, call: Call, subject: string) =>
  Effect.gen(function* () {
    const byId = new Map<number, number>()
    for (let version = 1; version <= 100; version++) {
      const id = yield* call(subject, () => client.getRegistryId(subject, version)).pipe(
        Effect.map(Option.some),
        Effect.catch((e) => (isNotFound(e) ? Effect.succeed(Option.none<number>()) : Effect.fail(e))),
      )
      if (Option.isNone(id)) break
      byId.set(id.value, version)
    }
    return byId as ReadonlyMap<number, number>
  })

const clientOf = (config: SchemaRegistryConfig, agent: Option.Option<Agent>) =>
  new Client(
    {
      host: config.url,
      ...Option.match(config.auth, {
        onNone: () => ({}),
        onSome: (auth) => ({ auth: { username: auth.username, password: Redacted.value(auth.password) } }),
      }),
      ...(Option.isSome(agent) ? { agent: agent.value } : {}),
      retry: { retries: 2 },
    },
    // Our JSON Schema names formats (uuid, date-time) that the client's validator does not know.
    { [SchemaType.JSON]: { validateFormats: false } },
  )

export const make = (config: SchemaRegistryConfig): Effect.Effect<SchemaRegistry, SchemaRegistryError> =>
  Effect.map(caAgent(config), (agent): SchemaRegistry => {
    const client = clientOf(config, agent)
    const call = caller(config.url)
    const register = (subject: string, schema: SchemaText) =>
      call(subject, () =>
        client.register({ type: schema.type as SchemaType, schema: schema.text } as never, { subject }),
      ).pipe(Effect.map((registered) => registered.id))
    return {
      url: config.url,
      latestId: (subject) =>
        call(subject, () => client.getLatestSchemaId(subject)).pipe(
          Effect.map(Option.some),
          Effect.catch((e) => (isNotFound(e) ? Effect.succeed(Option.none()) : Effect.fail(e))),
        ),
      versions: (subject) => versionsOf(client, call, subject),
      idFor: (subject, schema, autoRegister) =>
        autoRegister ? register(subject, schema) : latestMustBe(client, call, config.url, subject, schema),
      schemaOf: (id) =>
        call(undefined, async () => {
          const instance = await client.getSchema(id)
          const type = (client.cache.getSchema(id)?.type ?? SchemaType.AVRO) as SchemaTypeName
          return type === "AVRO"
            ? { type, avro: (instance as unknown as { schema(): object }).schema() }
            : { type }
        }),
    }
  })
