/**
 * Java `.properties` files, as Confluent Cloud hands them out (`client.properties`): the format's
 * comments, continuation lines and escapes; the keys are mapped by the settings table.
 */
import { readFile } from "node:fs/promises"
import { Effect } from "effect"
import { KafkaConfigError } from "./KafkaError.js"
import * as KafkaSettings from "./KafkaSettings.js"

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

/** Why a file's bytes are not the text of a .properties file, if they are not. */
const notText = (bytes: Uint8Array): string | undefined => {
  if (bytes.includes(0)) return "it holds binary data (NUL bytes)"
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes)
    return undefined
  } catch {
    return "it is not UTF-8 text"
  }
}

/**
 * Reads a properties file and maps its keys through the settings table; a missing, unreadable or
 * binary file is a config error naming it, and an invalid value names the file and the key.
 */
export const load = (path: string): Effect.Effect<KafkaSettings.Sourced & FromFile, KafkaConfigError> =>
  Effect.gen(function* () {
    const bytes = yield* Effect.tryPromise({
      try: () => readFile(path),
      catch: (cause) =>
        new KafkaConfigError({
          key: "--config",
          reason:
            `cannot read ${path}: ` +
            `${(cause as NodeJS.ErrnoException)?.code === "ENOENT" ? "no such file" : String(cause)}`,
        }),
    })
    const problem = notText(bytes)
    if (problem !== undefined)
      return yield* new KafkaConfigError({
        key: "--config",
        reason: `${path} is not a .properties file: ${problem}`,
      })
    return yield* Effect.fromResult(
      KafkaSettings.fromProperties(parse(new TextDecoder().decode(bytes)), path, KafkaSettings.ignoredKeys),
    )
  })

export interface FromFile {
  /** Keys this client does not know: the caller warns once, naming them. */
  readonly unknownKeys: ReadonlyArray<string>
}
