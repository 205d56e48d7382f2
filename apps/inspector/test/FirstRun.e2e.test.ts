/**
 * The inspector's first run on a brand-new broker (its own port and an empty state dir), with both
 * cores kept busy: no consumer group has ever existed there, and the read needs none.
 */
import { afterAll, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { brokerScript, runCommand, startInGroup } from "@customer-events/test-support"
import type { Report } from "../src/Inspection.js"

const port = 24092 + (process.pid % 500) * 2
const bootstrap = `127.0.0.1:${port}`
const stateDir = mkdtempSync(join(tmpdir(), "inspector-broker-"))
const env = { KAFKA_PORT: String(port), KAFKA_STATE_DIR: stateDir }

afterAll(() => {
  brokerScript(["down"], env)
  rmSync(stateDir, { recursive: true, force: true })
})

test("on a brand-new broker, the first run after `--rate max --count 5000` reads and reports every record, with the cores busy", async () => {
  expect(brokerScript(["up"], env).code).toBe(0)
  const kafka = { KAFKA_BOOTSTRAP_SERVERS: bootstrap }
  const produced = await runCommand(
    ["bun", "run", "apps/producer", "--create-topic", "--rate", "max", "--count", "5000", "--seed", "7"],
    kafka,
  )
  expect(produced.code, produced.stderr).toBe(0)
  // Two busy loops, one per core, for as long as the inspector runs.
  const burners = [0, 1].map(() => startInGroup(["bun", "-e", "for (;;) {}"], {}))
  try {
    const inspected = await runCommand(["bun", "run", "apps/inspector", "--json", "--no-progress"], kafka)
    expect(inspected.code, inspected.stderr).toBe(0)
    const report = JSON.parse(inspected.stdout) as Report
    expect(report.records).toBe(5000)
    expect(report.valid).toBe(5000)
    expect(report.sound).toBe(true)
  } finally {
    for (const burner of burners) burner.child.kill("SIGKILL")
  }
}, 240_000)
