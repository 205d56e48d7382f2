/** Sums the JUnit reports that `bun test` wrote in each workspace and prints "N passed, N failed". */
import { Glob } from "bun"

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
}
console.log(
  `${tests - failed - skipped} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`,
)
