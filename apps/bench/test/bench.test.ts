/** The benchmark is not a test; this only checks that `bun run bench --quick` completes and writes its table. */
import { expect, test } from "bun:test"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { bootstrap, runCommand } from "@customer-events/test-support"

test("bun run bench --quick completes and writes its table", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-quick-"))
  const out = join(dir, "BENCHMARKS.md")
  const { code, stdout, stderr } = await runCommand(["bun", "run", "bench", "--quick", "--out", out], {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
  })
  expect(code, stderr).toBe(0)
  const report = readFileSync(out, "utf8")
  for (const entry of [
    "generator, sessions",
    "producer app, kafkajs",
    "producer app, platformatic",
    "hand-written kafkajs loop",
    "hand-written platformatic loop",
    "Java ProducerPerformance",
    "producer app, --workers 1",
    "producer app, --workers 2",
    "producer app, --metrics-port",
    "producer app under Deno",
    "producer app, no transactions",
    "producer app, --transactional-id, 1,000 events a transaction",
  ])
    expect(report).toContain(`| ${entry}`)
  for (const client of ["kafkajs", "platformatic"])
    expect(report).toMatch(
      new RegExp(`\\| app / hand-written loop, ${client} \\(3 partitions\\) +\\| \\d+\\.\\d\\d \\|`),
    )
  expect(report).toMatch(/\| 48 +\| /)
  expect(report).toContain("SIGINT to exit at max rate")
  expect(report).toMatch(/\| app --workers 2 \/ --workers 1 .*\| \d+\.\d\d \|/)
  expect(report).toContain("big pools (100M customers, 10M products): extra peak RSS")
  expect(report).toMatch(/\| cost of --metrics-port scraped every second.*\| -?\d+\.\d% \|/)
  expect(stdout).toContain("| entry | partitions | events |")
  rmSync(dir, { recursive: true, force: true })
}, 300_000)
