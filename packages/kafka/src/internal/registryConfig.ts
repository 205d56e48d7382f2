/**
 * The Schema Registry part of a client's configuration, validated once: where the registry is (its
 * URL without credentials, fit to show), basic auth from USER_INFO or from the URL, its CA, and how
 * subjects are named and registered.
 */
import { Option, Redacted, Result } from "effect"
import type { Setting, Settings, SubjectStrategy } from "./settingsTypes.js"

export interface SchemaRegistryConfig {
  /** Without user info: safe in messages. */
  readonly url: string
  readonly auth: Option.Option<{ readonly username: string; readonly password: Redacted.Redacted<string> }>
  readonly caLocation: Option.Option<string>
  readonly subjectStrategy: SubjectStrategy
  readonly autoRegister: boolean
}

const split = (userInfo: string) => {
  const colon = userInfo.indexOf(":")
  return { username: userInfo.slice(0, colon), password: Redacted.make(userInfo.slice(colon + 1)) }
}

/** None when no registry URL is set; errors name the setting, never a secret. */
export const registryOf = <E>(
  s: Settings,
  fail: (setting: Setting, name: string, reason: string) => Result.Result<never, E>,
): Result.Result<Option.Option<SchemaRegistryConfig>, E> =>
  Result.gen(function* () {
    if (s.schemaRegistryUrl === undefined) {
      if (s.schemaRegistryUserInfo !== undefined || s.schemaRegistryCaLocation !== undefined)
        return yield* fail(
          "schemaRegistryUrl",
          "schema.registry.url",
          "is needed with the registry's credentials or CA",
        )
      return Option.none()
    }
    const url = new URL(s.schemaRegistryUrl)
    const inUrl =
      url.username === ""
        ? undefined
        : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
    url.username = ""
    url.password = ""
    const source = s.schemaRegistryCredentialsSource ?? (inUrl === undefined ? "USER_INFO" : "URL")
    if (source === "URL" && inUrl === undefined)
      return yield* fail(
        "schemaRegistryCredentialsSource",
        "basic.auth.credentials.source",
        "is URL, but schema.registry.url has no user:secret@",
      )
    const userInfoMissing = source === "USER_INFO" && s.schemaRegistryUserInfo === undefined
    if (userInfoMissing && s.schemaRegistryCredentialsSource !== undefined)
      return yield* fail(
        "schemaRegistryUserInfo",
        "basic.auth.user.info",
        "is required with basic.auth.credentials.source=USER_INFO",
      )
    const userInfo =
      source === "URL"
        ? inUrl
        : s.schemaRegistryUserInfo === undefined
          ? undefined
          : Redacted.value(s.schemaRegistryUserInfo)
    return Option.some({
      url: url.toString().replace(/\/+$/u, ""),
      auth: userInfo === undefined ? Option.none() : Option.some(split(userInfo)),
      caLocation: Option.fromNullishOr(s.schemaRegistryCaLocation),
      subjectStrategy: s.subjectStrategy ?? "topic",
      autoRegister: s.autoRegister ?? true,
    })
  })
