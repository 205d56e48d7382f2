/**
 * What help and the docs show of the settings table: each flag's help line, the options table, defaults as
 * text.
 */
import type { Flag, SettingSpec } from "./settingsTable.js"
import { defaults } from "./settingsTypes.js"

/** A setting's default as users write it ("5ms", "120s", "1000", "all"); undefined when it has none. */
export const defaultText = (spec: SettingSpec): string | undefined => {
  if (spec.setting === undefined || !(spec.setting in defaults)) return undefined
  const value = defaults[spec.setting as keyof typeof defaults]
  if (typeof value === "number" && spec.setting.endsWith("Ms"))
    return value % 1000 === 0 && value > 0 ? `${value / 1000}s` : `${value}ms`
  return String(value)
}

const flagText = (flag: Flag) => (flag.value === undefined ? flag.name : `${flag.name} ${flag.value}`)

/** A --help line, aligned at column 31 as the apps' help is. */
export const helpLine = (spec: SettingSpec): string => {
  const flag = spec.flag!
  const left = `  --${flagText(flag)}`
  const shown = defaultText(spec)
  const notes = [
    ...(spec.env === undefined ? [] : [`env ${spec.env}`]),
    ...(shown === undefined ? [] : [`default ${shown}`]),
  ]
  const text = notes.length === 0 ? flag.help : `${flag.help} (${notes.join("; ")})`
  return left.length < 31 ? `${left.padEnd(31)}${text}` : `${left}\n${" ".repeat(31)}${text}`
}

const cell = (text: string) => text.replaceAll("|", "\\|")
const code = (text: string | undefined) => (text === undefined ? "" : `\`${cell(text)}\``)

/** The docs' table of every Kafka setting: flag, environment variable, properties keys, default, meaning. */
export const markdownTable = (table: ReadonlyArray<SettingSpec>): string => {
  const rows = table.map((spec) => [
    spec.flag === undefined ? "" : code(`--${flagText(spec.flag)}`),
    code(spec.env),
    spec.properties.map((key) => code(key)).join(", "),
    code(defaultText(spec)),
    cell(spec.flag?.help ?? spec.about ?? ""),
  ])
  const header = ["flag", "environment", "properties keys", "default", "meaning"]
  return [header, header.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n")
}
