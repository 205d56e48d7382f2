/**
 * The inspector on registry formats, against the real broker and the local Schema Registry: each
 * format's output is sound and its schema ids are reported with counts; a registry-format record
 * read without a registry, or with an id the registry does not know, is a finding naming its offset.
 */
import { describe, expect, test } from "bun:test"
import { produceRaw, registryUrl, runCommand, uniqueTopic } from "@customer-events/test-support"
import type { Report } from "../src/Inspection.js"

const produce = (topic: string, format: string) =>
  runCommand(
    [
      "bun",
      "run",
      "apps/producer",
      "--topic",
      topic,
      "--create-topic",
      "--format",
      format,
      "--rate",
      "max",
    ].concat(["--count", "3000", "--seed", "8"]),
    { SCHEMA_REGISTRY_URL: registryUrl },
  )

const inspect = async (topic: string, env: Record<string, string | undefined>) => {
  const result = await runCommand(
    ["bun", "run", "apps/inspector", "--topic", topic, "--json", "--no-progress"],
    env,
  )
  return { ...result, report: JSON.parse(result.stdout) as Report }
}

describe("the inspector on registry formats", () => {
  for (const format of ["avro", "protobuf", "json-schema"] as const)
    test(`${format}: sound, with the schema id and its record count`, async () => {
      const topic = uniqueTopic(`inspect-${format}`)
      expect((await produce(topic, format)).code).toBe(0)
      const { code, report } = await inspect(topic, { SCHEMA_REGISTRY_URL: registryUrl })
      expect(report).toMatchObject({ records: 3000, valid: 3000, invalid: 0, duplicates: 0, sound: true })
      expect(report.schemas).toHaveLength(1)
      expect(report.schemas![0]).toMatchObject({ format, records: 3000 })
      expect(code).toBe(0)
    }, 120_000)

  test("without a registry, or with an unknown schema id, a record is a finding, not a crash", async () => {
    const topic = uniqueTopic("inspect-unknown-id")
    expect((await produce(topic, "avro")).code).toBe(0)
    const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 2, 4])
    await produceRaw(topic, [{ key: "cust-1", value: unknownId, partition: 0 }])
    const withRegistry = await inspect(topic, { SCHEMA_REGISTRY_URL: registryUrl })
    expect(withRegistry.code).toBe(1)
    expect(withRegistry.report).toMatchObject({ records: 3001, valid: 3000, invalid: 1 })
    expect(withRegistry.report.invalidRecords[0]).toMatchObject({ partition: 0, path: "value" })
    expect(withRegistry.report.invalidRecords[0]!.reason).toContain(`schema id ${0x7fffff00}`)

    const without = await inspect(topic, { SCHEMA_REGISTRY_URL: undefined })
    expect(without.code).toBe(1)
    expect(without.report.invalid).toBe(3001)
    expect(without.report.invalidRecords[0]!.reason).toBe(
      "in the Confluent wire format: pass --schema-registry-url to read it",
    )
  }, 120_000)
})
