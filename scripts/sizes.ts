/**
 * The size rules of the house style, in packages/ and apps/ (tests aside): no source file over 300
 * lines, no function over 60, no class over 200, no line over 110 columns (Biome's width: what it
 * cannot wrap, a long string or comment, is ours to wrap). Prints each breach; exits 1 if there is
 * any, or if it found nothing to check. Usage: bun scripts/sizes.ts (from anywhere in the repository).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"

const limits = { fileLines: 300, functionLines: 60, classLines: 200, lineColumns: 110 }
const root = join(import.meta.dir, "..")

const files = [...new Bun.Glob("{packages,apps}/*/{src,scripts}/**/*.ts").scanSync(root)].filter(
  (f) => !f.includes("node_modules") && !f.endsWith(".generated.ts"),
)

/** Lines from a node's first to its last, both counted. */
const span = (source: ts.SourceFile, node: ts.Node) =>
  source.getLineAndCharacterOfPosition(node.getEnd()).line -
  source.getLineAndCharacterOfPosition(node.getStart()).line +
  1

const breachesOf = (file: string): Array<string> => {
  const text = readFileSync(join(root, file), "utf8")
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n")
  const out: Array<string> = []
  if (lines.length > limits.fileLines) out.push(`${file}: ${lines.length} lines (max ${limits.fileLines})`)
  lines.forEach((line, i) => {
    if (line.length > limits.lineColumns)
      out.push(`${file}:${i + 1}: a line of ${line.length} columns (max ${limits.lineColumns})`)
  })
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const visit = (node: ts.Node) => {
    const start = source.getLineAndCharacterOfPosition(node.getStart()).line + 1
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const n = span(source, node)
      if (n > limits.functionLines)
        out.push(`${file}:${start}: a function of ${n} lines (max ${limits.functionLines})`)
    }
    if (ts.isClassLike(node)) {
      const n = span(source, node)
      if (n > limits.classLines)
        out.push(`${file}:${start}: a class of ${n} lines (max ${limits.classLines})`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

const breaches = files.flatMap(breachesOf)
for (const breach of breaches) console.log(breach)
console.log(`${files.length} files checked, ${breaches.length} over the limits`)
if (files.length === 0)
  console.log(`no source files under ${root}/{packages,apps}/*/src: nothing was checked`)
process.exit(breaches.length === 0 && files.length > 0 ? 0 : 1)
