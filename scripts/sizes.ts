/**
 * The size rules of the house style: no source file over 300 lines and no function over 60 lines in
 * packages/ and apps/ (tests aside). Prints each breach; exits 1 if there is any.
 * Usage: bun scripts/sizes.ts
 */
import { readFileSync } from "node:fs"
import ts from "typescript"

const maxFileLines = 300
const maxFunctionLines = 60

const files = [...new Bun.Glob("{packages,apps}/*/{src,scripts}/**/*.ts").scanSync(".")].filter(
  (f) => !f.includes("node_modules") && !f.endsWith(".generated.ts"),
)

const breaches: Array<string> = []
for (const file of files) {
  const text = readFileSync(file, "utf8")
  const lines = text.split("\n").length
  if (lines > maxFileLines) breaches.push(`${file}: ${lines} lines (max ${maxFileLines})`)
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
      if (end - start + 1 > maxFunctionLines)
        breaches.push(
          `${file}:${start + 1}: a function of ${end - start + 1} lines (max ${maxFunctionLines})`,
        )
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}
for (const breach of breaches) console.log(breach)
console.log(`${files.length} files checked, ${breaches.length} over the limits`)
process.exit(breaches.length === 0 ? 0 : 1)
