/**
 * The sources of Kafka settings, each read through the one table (internal/settingsTable.ts):
 * flags, environment variables and a properties file. An error names where the bad value came
 * from: the flag, the variable, or the file and key. Precedence: flags > env > file > defaults.
 */
import { Result } from "effect"
import { helpLine, markdownTable } from "./internal/settingsDocs.js"
import { type SettingSpec, table } from "./internal/settingsTable.js"
import type { Origins, Settings, Sourced } from "./internal/settingsTypes.js"
import { KafkaConfigError } from "./KafkaError.js"

export type { Flag, SettingSpec } from "./internal/settingsTable.js"
export { brokersOf, ignoredKeys, table } from "./internal/settingsTable.js"
export type { Origins, Settings, Sourced } from "./internal/settingsTypes.js"

export const empty: Sourced = { settings: {}, origins: {} }

/** Reads one value into a source's settings, recording where each setting came from. */
const readInto = (
  out: { settings: Record<string, unknown>; origins: Record<string, string> },
  spec: SettingSpec,
  text: string,
  origin: string,
  viaFlag: boolean,
): Result.Result<void, KafkaConfigError> =>
  Result.match((viaFlag ? (spec.readFlag ?? spec.read) : spec.read)(text), {
    onFailure: (reason) =>
      Result.fail(
        new KafkaConfigError({ key: origin, reason: spec.secret ? "invalid (value hidden)" : reason }),
      ),
    onSuccess: (settings) => {
      for (const [key, value] of Object.entries(settings)) {
        out.settings[key] = value
        out.origins[key] = origin
      }
      return Result.succeed(undefined)
    },
  })

const collect = (
  entries: ReadonlyArray<{ spec: SettingSpec; text: string; origin: string }>,
  viaFlag: boolean,
): Result.Result<Sourced, KafkaConfigError> =>
  Result.gen(function* () {
    const out = { settings: {}, origins: {} }
    for (const { spec, text, origin } of entries) yield* readInto(out, spec, text, origin, viaFlag)
    return out as Sourced
  })

/** The Kafka flags given, by name without dashes (`{ "bootstrap-servers": "..." }`). */
export const fromFlags = (
  values: Readonly<Record<string, unknown>>,
): Result.Result<Sourced, KafkaConfigError> =>
  collect(
    table.flatMap((spec) => {
      const given = spec.flag === undefined ? undefined : values[spec.flag.name]
      // A flag that stands alone reads as "true" when given.
      const text = given === true ? "true" : given
      return typeof text === "string" ? [{ spec, text, origin: `--${spec.flag!.name}` }] : []
    }),
    true,
  )

/** The KAFKA_* variables; an empty one counts as unset, as in the broker script. */
export const fromEnv = (
  env: Readonly<Record<string, string | undefined>>,
): Result.Result<Sourced, KafkaConfigError> =>
  collect(
    table.flatMap((spec) => {
      const text = spec.env === undefined ? undefined : env[spec.env]
      return text === undefined || text === "" ? [] : [{ spec, text, origin: spec.env! }]
    }),
    false,
  )

const placeholder = /\{\{.*\}\}|\*\*\*\*/
const looksSecret = (key: string) => /password|jaas|secret/.test(key)

/** A properties file's keys (Java names or librdkafka aliases); keys this client does not know are listed. */
export const fromProperties = (
  properties: ReadonlyMap<string, string>,
  file: string,
  ignored: ReadonlySet<string>,
): Result.Result<Sourced & { readonly unknownKeys: ReadonlyArray<string> }, KafkaConfigError> =>
  Result.gen(function* () {
    const entries: Array<{ spec: SettingSpec; text: string; origin: string }> = []
    const unknownKeys: Array<string> = []
    for (const [key, text] of properties) {
      const origin = `${file}: ${key}`
      if (placeholder.test(text))
        return yield* Result.fail(
          new KafkaConfigError({
            key: origin,
            reason:
              `still holds a placeholder (${looksSecret(key) ? "value hidden" : text}): fill ` +
              `in the real value`,
          }),
        )
      const spec = table.find((s) => s.properties.includes(key))
      if (spec !== undefined) entries.push({ spec, text, origin })
      else if (!ignored.has(key)) unknownKeys.push(key)
    }
    return { ...(yield* collect(entries, false)), unknownKeys }
  })

/** Sources merged, later ones winning: `merge(file, env, flags)`. */
export const merge = (...sources: ReadonlyArray<Sourced>): Sourced => {
  const settings: Record<string, unknown> = {}
  const origins: Record<string, string> = {}
  for (const source of sources)
    for (const [key, value] of Object.entries(source.settings))
      if (value !== undefined) {
        settings[key] = value
        const origin = (source.origins as Record<string, string | undefined>)[key]
        if (origin === undefined) delete origins[key]
        else origins[key] = origin
      }
  return { settings: settings as Settings, origins: origins as Origins }
}

/** Every Kafka flag of the table, in its order: what the producer offers. */
export const flagNames: ReadonlyArray<string> = table.flatMap((spec) =>
  spec.flag === undefined ? [] : [spec.flag.name],
)

/** The specs of the flags an app offers, in the order given: `flags(["bootstrap-servers", "linger"])`. */
export const flags = (names: ReadonlyArray<string>): ReadonlyArray<SettingSpec> =>
  names.map((name) => {
    const spec = table.find((s) => s.flag?.name === name)
    if (spec === undefined) throw new Error(`no Kafka flag --${name}`)
    return spec
  })

/** The values parseArgs gave for those flags, by name: what `fromFlags` (and `KafkaConfig.load`) reads. */
export const givenFlags = (
  names: ReadonlyArray<string>,
  values: Readonly<Record<string, unknown>>,
): Record<string, string | true> =>
  Object.fromEntries(
    names.flatMap((name) =>
      typeof values[name] === "string" || values[name] === true ? [[name, values[name]]] : [],
    ),
  )

/** parseArgs options for those flags. */
export const flagOptions = (names: ReadonlyArray<string>): Record<string, { type: "string" | "boolean" }> =>
  Object.fromEntries(
    flags(names).map((spec) => [
      spec.flag!.name,
      { type: spec.flag!.value === undefined ? ("boolean" as const) : ("string" as const) },
    ]),
  )

/** --help lines for those flags, aligned at column 31 as the apps' help is. */
export const flagHelp = (names: ReadonlyArray<string>): string => flags(names).map(helpLine).join("\n")

/** The options reference's table of every Kafka setting (docs/options.md), generated from the table. */
export const docsTable = (): string => markdownTable(table)
