/**
 * The Schema Registry's rows of the one settings table: the keys Confluent Cloud's client.properties
 * carries for its registry (schema.registry.url, basic.auth.*), the CA of a private registry, the
 * subject strategy and auto-registration, as Confluent's serializers name them.
 */
import { Values } from "@customer-events/values"
import { Redacted, Result } from "effect"
import type { SettingSpec } from "./settingsTable.js"
import { subjectStrategies } from "./settingsTypes.js"
import { bool, caseless, into } from "./settingValues.js"

/** Java's strategy classes, as a properties file names them, and our short names. */
const strategyClasses: Record<string, (typeof subjectStrategies)[number]> = {
  "io.confluent.kafka.serializers.subject.TopicNameStrategy": "topic",
  "io.confluent.kafka.serializers.subject.RecordNameStrategy": "record",
  "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy": "topic-record",
}

const registryUrl: Values.Read<string> = (text) => {
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:"))
    return Result.fail("expected an http:// or https:// URL")
  return Result.succeed(text.replace(/\/+$/u, ""))
}

export const registryRows: ReadonlyArray<SettingSpec> = [
  {
    name: "schema.registry.url",
    setting: "schemaRegistryUrl",
    properties: ["schema.registry.url"],
    env: "SCHEMA_REGISTRY_URL",
    flag: {
      name: "schema-registry-url",
      value: "URL",
      help: "Schema Registry of --format avro|protobuf|json-schema (Confluent's API)",
    },
    read: into(registryUrl, (schemaRegistryUrl) => ({ schemaRegistryUrl })),
  },
  {
    name: "basic.auth.credentials.source",
    about: "USER_INFO (the registry's key and secret in basic.auth.user.info) or URL (user:secret@host)",
    properties: ["basic.auth.credentials.source", "schema.registry.basic.auth.credentials.source"],
    read: into(
      caseless(["USER_INFO", "URL"] as const, (s) => s.toUpperCase()),
      (schemaRegistryCredentialsSource) => ({ schemaRegistryCredentialsSource }),
    ),
  },
  {
    name: "basic.auth.user.info",
    about: "KEY:SECRET of the registry (Confluent Cloud: the registry's API key and secret); never shown",
    properties: ["basic.auth.user.info", "schema.registry.basic.auth.user.info"],
    env: "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
    secret: true,
    read: (text) =>
      text.includes(":")
        ? Result.succeed({ schemaRegistryUserInfo: Redacted.make(text) })
        : Result.fail("expected KEY:SECRET"),
  },
  {
    name: "schema.registry.ssl.ca.location",
    about: "a PEM file of the CA that signed the registry's certificate (default: the system CAs)",
    properties: ["schema.registry.ssl.ca.location", "schema.registry.ssl.truststore.location"],
    env: "SCHEMA_REGISTRY_CA_LOCATION",
    read: (schemaRegistryCaLocation) => Result.succeed({ schemaRegistryCaLocation }),
  },
  {
    name: "value.subject.name.strategy",
    setting: "subjectStrategy",
    properties: ["value.subject.name.strategy"],
    flag: {
      name: "subject-strategy",
      value: subjectStrategies.join("|"),
      help: "the value schema's subject: TOPIC-value, the record's name, or TOPIC-RECORD",
    },
    read: (text) =>
      Result.map(Values.oneOf(subjectStrategies)(strategyClasses[text] ?? text), (subjectStrategy) => ({
        subjectStrategy,
      })),
  },
  {
    name: "auto.register.schemas",
    setting: "autoRegister",
    properties: ["auto.register.schemas"],
    flag: {
      name: "auto-register",
      help: "register the schema when the subject lacks it (BACKWARD for a new subject)",
    },
    read: into(bool, (autoRegister) => ({ autoRegister })),
  },
  {
    name: "auto.register.schemas",
    properties: [],
    flag: {
      name: "no-auto-register",
      help: "use the subject's latest version, which must be this schema: else exit 2",
    },
    read: () => Result.succeed({ autoRegister: false }),
  },
]
