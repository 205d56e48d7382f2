/**
 * Decode errors in our words: one line per issue, `expected <what>, got <value>`, where <what> is the
 * `expected` annotation of the schema or check that refused the value. Effect's default formatter
 * says "Expected ..., got ..." with its own rendering of the value; ours keeps the messages users
 * and tests already read (the inspector's findings, the dead-letter reasons).
 */
import type { SchemaAST, SchemaIssue } from "effect"

export interface IssueLine {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/** A value as a short JSON snippet ("nothing" for a missing one). */
export const showActual = (actual: unknown): string => {
  if (actual === undefined) return "nothing"
  const json = JSON.stringify(actual)
  return json === undefined ? String(actual) : json.length > 60 ? `${json.slice(0, 57)}...` : json
}

const expectedText = (annotations: { readonly expected?: unknown } | undefined) =>
  typeof annotations?.expected === "string" ? annotations.expected : undefined

/** What a schema expects: its own annotation, else its last check's (annotate() puts it there). */
const expectedOf = (ast: SchemaAST.AST): string =>
  expectedText(ast.annotations) ??
  expectedText(ast.checks?.[ast.checks.length - 1]?.annotations) ??
  (typeof ast.annotations?.identifier === "string" ? ast.annotations.identifier : ast._tag)

const inputOf = (issue: SchemaIssue.Issue) => ("input" in issue ? issue.input : undefined)

const saying = (what: string, issue: SchemaIssue.Issue) =>
  `expected ${what}, got ${showActual(inputOf(issue))}`

/** Every issue with its path; decode with `reportInput: true` so that the values can be shown. */
export const issueLines = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<PropertyKey> = [],
): Array<IssueLine> => {
  switch (issue._tag) {
    case "Pointer":
      return issueLines(issue.issue, [...path, ...issue.path])
    case "Composite":
      return issue.issues.flatMap((inner) => issueLines(inner, path))
    case "AnyOf":
      return issue.issues.length > 0
        ? issue.issues.flatMap((inner) => issueLines(inner, path))
        : [{ path, message: saying(expectedOf(issue.ast), issue) }]
    case "Encoding":
      return issueLines(issue.issue, path)
    case "Filter": {
      const inner = issue.issue
      if (inner._tag !== "InvalidValue") return issueLines(inner, path)
      const custom = inner.annotations?.message
      if (typeof custom === "string") return [{ path, message: custom }]
      const what =
        expectedText(issue.filter.annotations) ?? expectedText(inner.annotations) ?? "a valid value"
      return [{ path, message: saying(what, inner) }]
    }
    case "InvalidType":
      return [{ path, message: saying(expectedOf(issue.ast), issue) }]
    case "InvalidValue": {
      const custom = issue.annotations?.message
      if (typeof custom === "string") return [{ path, message: custom }]
      return [{ path, message: saying(expectedText(issue.annotations) ?? "a valid value", issue) }]
    }
    case "MissingKey":
      return [{ path, message: "is missing" }]
    case "UnexpectedKey":
      return [{ path, message: "is unexpected" }]
    default:
      return [{ path, message: "is not allowed" }]
  }
}

/** Issues as `path: message` joined by "; " (the path left out at the root). */
export const issueText = (issue: SchemaIssue.Issue): string =>
  issueLines(issue)
    .map((line) => (line.path.length === 0 ? line.message : `${line.path.join(".")}: ${line.message}`))
    .join("; ")
