/**
 * An app's flags, one row each: from the rows come parseArgs' options (typed), --help's lines, the
 * docs' options table, and the flags a --workers parent keeps to itself. What a value means is the
 * app's parser's; the row says how it is written and shown.
 */

export interface FlagSpec {
  /** The value's shape in help ("N", "D", "PATH"); absent for a switch such as --dry-run. */
  readonly value?: string
  readonly short?: string
  readonly multiple?: boolean
  /** The --help section it is listed in. */
  readonly section: string
  /** What it does; each "\n" starts a continuation line in --help. */
  readonly help: string
  /** The default as users write it, shown after the help. */
  readonly default?: string
  readonly env?: string
  /** Handled by a --workers parent itself: a worker never gets it. */
  readonly parentOnly?: boolean
  /** Listed in --help with another flag's line (e.g. --metrics-host under --metrics-port). */
  readonly helpWith?: string
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>

type OptionOf<S extends FlagSpec> = (S extends { readonly value: string }
  ? { readonly type: "string" }
  : { readonly type: "boolean" }) &
  (S extends { readonly multiple: true } ? { readonly multiple: true } : unknown) &
  (S extends { readonly short: infer C extends string } ? { readonly short: C } : unknown)

/** node:util parseArgs' options for the flags, typed after them. */
export const parseOptions = <const T extends FlagSpecs>(
  specs: T,
): { readonly [K in keyof T]: OptionOf<T[K]> } =>
  Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      {
        type: spec.value === undefined ? "boolean" : "string",
        ...(spec.multiple === true ? { multiple: true } : {}),
        ...(spec.short === undefined ? {} : { short: spec.short }),
      },
    ]),
  ) as never

/** Whether the flag takes a value (--topic NAME) or stands alone (--dry-run). */
export const takesValue = (specs: FlagSpecs, name: string): boolean => specs[name]?.value !== undefined

/** The flags a --workers parent handles itself. */
export const parentOnly = (specs: FlagSpecs): ReadonlyArray<string> =>
  Object.entries(specs).flatMap(([name, spec]) => (spec.parentOnly === true ? [name] : []))

const left = (name: string, spec: FlagSpec) => {
  const short = spec.short === undefined ? "" : `-${spec.short}, `
  return `${short}--${name}${spec.value === undefined ? "" : ` ${spec.value}`}`
}

const notes = (spec: FlagSpec) =>
  [
    ...(spec.env === undefined ? [] : [`env ${spec.env}`]),
    ...(spec.default === undefined ? [] : [`default ${spec.default}`]),
  ].join("; ")

/** --help lines of one section, aligned at column 31 (a long flag puts its text on the next line). */
export const helpLines = (specs: FlagSpecs, section: string): string =>
  Object.entries(specs)
    .filter(([, spec]) => spec.section === section && spec.helpWith === undefined)
    .map(([name, spec]) => {
      const lines = spec.help.split("\n")
      const shown = notes(spec)
      // The default and the variable close the last line.
      if (shown !== "") lines.push(`${lines.pop()} (${shown})`)
      const text = lines.join(`\n${" ".repeat(31)}`)
      const flag = `  ${left(name, spec)}`
      return flag.length < 31 ? `${flag.padEnd(31)}${text}` : `${flag}\n${" ".repeat(31)}${text}`
    })
    .join("\n")

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ")

/** The docs' table of the flags: flag, meaning, default (and variable). */
export const markdownTable = (specs: FlagSpecs): string => {
  const rows = Object.entries(specs).map(([name, spec]) => [
    `\`${cell(left(name, spec))}\``,
    cell(spec.help),
    cell(notes(spec)),
  ])
  const header = ["flag", "meaning", "default, variable"]
  return [header, header.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n")
}
