/**
 * The generated parts of the docs, between `<!-- generated: NAME -->` and `<!-- end: NAME -->`:
 * `bun scripts/docs.ts` rewrites them; `bun scripts/docs.ts --check` exits 1 naming any that is not
 * current (the tests run it).
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { inspectorFlags } from "../apps/inspector/src/InspectorFlags.js"
import { producerFlags } from "../apps/producer/src/ProducerFlags.js"
import { FlagSpec } from "../packages/cli/src/index.js"
import { KafkaSettings } from "../packages/kafka/src/index.js"

const root = join(import.meta.dir, "..")

/** Each generated block: the file it is in, and its text. */
const blocks: ReadonlyArray<{ readonly file: string; readonly name: string; readonly text: () => string }> = [
  { file: "docs/options.md", name: "producer-flags", text: () => FlagSpec.markdownTable(producerFlags) },
  { file: "docs/options.md", name: "kafka-settings", text: KafkaSettings.docsTable },
  { file: "docs/inspector.md", name: "inspector-flags", text: () => FlagSpec.markdownTable(inspectorFlags) },
]

/** A text with its tables' cells trimmed and their rules shortened to "---". */
const tableText = (text: string) =>
  text
    .split("\n")
    .map((line) =>
      line.startsWith("|")
        ? line
            .split(/(?<!\\)\|/)
            .map((cell) => cell.trim().replace(/^-{3,}$/, "---"))
            .join("|")
        : line,
    )
    .join("\n")

const stale: Array<string> = []
const written: Array<string> = []
for (const block of blocks) {
  const path = join(root, block.file)
  const before = readFileSync(path, "utf8")
  const open = `<!-- generated: ${block.name} -->\n`
  const close = `<!-- end: ${block.name} -->`
  const start = before.indexOf(open)
  const end = before.indexOf(close)
  if (start < 0 || end < start) throw new Error(`${block.file}: no "${open.trim()}" ... "${close}" block`)
  const after = `${before.slice(0, start + open.length)}${block.text()}\n${before.slice(end)}`
  // The formatter pads tables' cells: the same table however padded is current.
  if (tableText(after) === tableText(before)) continue
  if (Bun.argv.includes("--check")) stale.push(`${block.file}: ${block.name}`)
  else {
    writeFileSync(path, after)
    written.push(path)
  }
}
// Written tables are then padded as the formatter (and so the lint) wants them.
if (written.length > 0) Bun.spawnSync(["bunx", "biome", "format", "--write", ...written], { cwd: root })
if (stale.length > 0) {
  console.error(`not current (run bun scripts/docs.ts): ${stale.join(", ")}`)
  process.exit(1)
}
