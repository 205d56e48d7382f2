/**
 * Sums the JUnit reports that `bun test` wrote in each workspace and prints "N passed, N failed",
 * after one line per failed test (workspace, test, and the start of its failure message), so that
 * the end of a CI log says what failed without the whole log.
 */
import { Glob } from "bun"

const xmlText = (text: string) =>
  text
    .replace(/&#10;/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")

/** Each failed test case of a report: its name and the first 300 characters of its message. */
const failuresOf = (xml: string) =>
  [
    ...xml.matchAll(/<testcase name="([^"]*)" classname="([^"]*)"[^>]*>\s*<failure[^>]*message="([^"]*)"/g),
  ].map(
    ([, name, group, message]) =>
      `${group ? `${xmlText(group)} > ` : ""}${xmlText(name ?? "")}: ${xmlText(message ?? "")
        .trim()
        .slice(0, 300)}`,
  )

let tests = 0
let failed = 0
let skipped = 0
for await (const path of new Glob("{packages,apps}/*/test-results/junit.xml").scan(".")) {
  const xml = await Bun.file(path).text()
  const root = xml.match(/<testsuites\b[^>]*>/)?.[0] ?? ""
  const attribute = (name: string) => Number(root.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0)
  tests += attribute("tests")
  failed += attribute("failures") + attribute("errors")
  skipped += attribute("skipped")
  const workspace = path.split("/").slice(0, 2).join("/")
  for (const failure of failuresOf(xml)) console.log(`failed: ${workspace}: ${failure}`)
}
console.log(
  `${tests - failed - skipped} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`,
)
