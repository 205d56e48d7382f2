/** The README's "Reuse the packages in your own app" example, exactly as printed: it type-checks and runs. */
import { afterAll, expect, test } from "bun:test"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { bootstrap, createTopic, recordCount, repoRoot, uniqueTopic } from "@customer-events/test-support"

const readme = readFileSync(join(repoRoot, "README.md"), "utf8")
const section = readme.slice(readme.indexOf("## Reuse the packages in your own app"))
const example = section.match(/```ts\n([\s\S]*?)```/)?.[1]
// Placed in this workspace, whose dependencies are the ones the README asks for.
const file = join(repoRoot, "apps/inspector/src/readme-example.generated.ts")
const tsconfig = join(repoRoot, "apps/inspector/tsconfig.readme-example.generated.json")

afterAll(() => {
  rmSync(file, { force: true })
  rmSync(tsconfig, { force: true })
})

test("the README example type-checks and sends 1,000 events", async () => {
  expect(example).toBeDefined()
  writeFileSync(file, example!)
  writeFileSync(
    tsconfig,
    JSON.stringify({ extends: "./tsconfig.json", include: ["src/readme-example.generated.ts"] }),
  )
  const typecheck = Bun.spawnSync(["bunx", "tsc", "--noEmit", "-p", tsconfig], {
    cwd: join(repoRoot, "apps/inspector"),
  })
  expect(`${typecheck.stdout}${typecheck.stderr}`).toBe("")
  expect(typecheck.exitCode).toBe(0)

  const topic = uniqueTopic("readme")
  await createTopic(topic)
  const child = Bun.spawn(["bun", file], {
    cwd: repoRoot,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: bootstrap, KAFKA_TOPIC: topic },
  })
  const [stdout, stderr] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ])
  expect(await child.exited, stderr).toBe(0)
  expect(stdout + stderr).toContain(`sent 1000 events to ${topic}`)
  expect(await recordCount(topic)).toBe(1000)
}, 60_000)
