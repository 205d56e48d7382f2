/**
 * docs/reuse.md, "Reuse the packages in your own app", followed word for word: in a copy of the
 * repository, each file the page names gets the code block that follows its name, then the page's
 * shell commands run in order (install, type-check, run, run the registry example) against the
 * local broker and Schema Registry.
 */
import { afterAll, expect, test } from "bun:test"
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, dirname, join } from "node:path"
import {
  bootstrap,
  createTopic,
  recordCount,
  registryUrl,
  repoRoot,
  runCommand,
  uniqueTopic,
} from "@customer-events/test-support"

const section = readFileSync(join(repoRoot, "docs/reuse.md"), "utf8")

/** Each code block with the last `apps/...` path named before it (none for shell blocks). */
const blocks = () => {
  const out: Array<{ lang: string; path: string | undefined; body: string }> = []
  let path: string | undefined
  for (const part of section.split(/(```\w*\n[\s\S]*?```)/)) {
    const block = part.match(/^```(\w*)\n([\s\S]*?)```$/)
    if (block === null) {
      path = [...part.matchAll(/`(apps\/[^`\s]+)`/g)].at(-1)?.[1] ?? path
      continue
    }
    out.push({ lang: block[1]!, path, body: block[2]! })
    path = undefined
  }
  return out
}

// What a user has after cloning: the tracked tree, without installed or built output.
const skipped = new Set(["node_modules", ".git", ".turbo", "dist", "test-results"])
const copy = mkdtempSync(join(tmpdir(), "readme-reuse-"))

afterAll(() => rmSync(copy, { recursive: true, force: true }))

test("docs/reuse.md's steps, followed literally in a copy of the repository, send 1,000 events", async () => {
  cpSync(repoRoot, copy, { recursive: true, filter: (source) => !skipped.has(basename(source)) })
  const found = blocks()
  const files = found.filter((b) => b.lang !== "sh")
  expect(files.map((b) => b.path)).toEqual([
    "apps/my-app/package.json",
    "apps/my-app/tsconfig.json",
    "apps/my-app/src/main.ts",
    "apps/my-app/src/registry.ts",
  ])
  for (const file of files) {
    mkdirSync(dirname(join(copy, file.path!)), { recursive: true })
    writeFileSync(join(copy, file.path!), file.body)
  }
  const commands = found
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.body.split("\n"))
    .filter((line) => line.trim() !== "")
  expect(commands).toEqual([
    "bun install",
    "bunx tsc --noEmit -p apps/my-app",
    "bun run apps/my-app",
    "bun run apps/my-app/src/registry.ts",
  ])

  const topic = uniqueTopic("readme")
  await createTopic(topic)
  const outputs: Array<string> = []
  for (const command of commands) {
    const result = await runCommand(["bash", "-c", `cd ${copy} && ${command}`], {
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      KAFKA_TOPIC: topic,
      SCHEMA_REGISTRY_URL: registryUrl,
    })
    expect(result.code, `${command}: ${result.stdout}${result.stderr}`).toBe(0)
    outputs.push(result.stdout + result.stderr)
  }
  expect(outputs[2]).toContain(`sent 1000 events to ${topic}`)
  expect(outputs[3]).toMatch(new RegExp(`sent 1000 Avro events to ${topic} \\(schema id \\d+\\)`))
  expect(await recordCount(topic)).toBe(2000)
}, 180_000)
