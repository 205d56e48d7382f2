/**
 * The published JSON Schema (`customer-events schema`) against two independent validators, ajv 8
 * and python-jsonschema (Draft 7), and against the decoder: 100,000 generated events of both modes
 * and several seeds, and every hand-written bad event.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Ajv from "ajv"
import addFormats from "ajv-formats"
import { Effect, Result } from "effect"
import { CustomerEvent, EventClock, EventGenerator } from "../src/index.js"
import { badCases, withField } from "./fixtures.js"

const repoRoot = new URL("../../../", import.meta.url).pathname
const schema = CustomerEvent.jsonSchema()
const ajv = new Ajv({ allErrors: true, strict: true })
addFormats(ajv)
const validate = ajv.compile(schema)

const generated = [1, 2, 3, 4].flatMap((seed) =>
  (["sessions", "independent"] as const).flatMap((mode) =>
    Effect.runSync(
      EventGenerator.makeSeeded(seed, {
        mode,
        clock: EventClock.simulated(Date.parse("2026-11-30T00:00:00.000Z")),
      }),
    )
      .next(12_500)
      .events.map((event) => JSON.parse(CustomerEvent.encodeJson(event)) as unknown),
  ),
)
const bad = badCases.map(([name, base, path, value]) => ({ name, event: withField(base, path, value) }))

const here = join(repoRoot, "packages/events/test")
afterAll(() => {
  rmSync(join(here, "customer-event.schema.generated.json"), { force: true })
  rmSync(join(here, "validate.generated.ts"), { force: true })
})

/** python-jsonschema's verdict on each value: true when valid. */
const pythonVerdicts = async (values: ReadonlyArray<unknown>): Promise<Array<boolean>> => {
  const dir = mkdtempSync(join(tmpdir(), "json-schema-"))
  writeFileSync(join(dir, "schema.json"), JSON.stringify(schema))
  writeFileSync(join(dir, "values.ndjson"), values.map((v) => JSON.stringify(v)).join("\n"))
  const script = `
import json, sys
from jsonschema import Draft7Validator
schema = json.load(open(sys.argv[1]))
Draft7Validator.check_schema(schema)
validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
print(json.dumps([validator.is_valid(json.loads(line)) for line in open(sys.argv[2])]))
`
  const run = Bun.spawn(["python3", "-c", script, join(dir, "schema.json"), join(dir, "values.ndjson")], {
    stdout: "pipe",
    stderr: "pipe",
  })
  const [stdout, stderr] = await Promise.all([
    new Response(run.stdout).text(),
    new Response(run.stderr).text(),
  ])
  if ((await run.exited) !== 0) throw new Error(`python-jsonschema failed: ${stderr}`)
  return JSON.parse(stdout)
}

describe("the published JSON Schema", () => {
  test("is Draft 7 with an $id naming its version, and no $ref beside other keywords", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#")
    expect(schema.$id).toBe(`urn:customer-events:schema:customer-event:${CustomerEvent.schemaVersion}`)
    const refsWithSiblings: Array<string> = []
    const walk = (node: unknown, path: string) => {
      if (typeof node !== "object" || node === null) return
      if ("$ref" in node && Object.keys(node).length > 1) refsWithSiblings.push(path)
      for (const [key, child] of Object.entries(node)) walk(child, `${path}/${key}`)
    }
    walk(schema, "")
    expect(refsWithSiblings).toEqual([])
  })

  test("the decoder and ajv accept all 100,000 generated events (both modes, 4 seeds)", () => {
    expect(generated).toHaveLength(100_000)
    const rejected = generated.filter((event) => !validate(event))
    expect(rejected.slice(0, 3)).toEqual([])
    expect(generated.filter((event) => Result.isFailure(CustomerEvent.decode(event)))).toHaveLength(0)
  })

  test("python-jsonschema accepts all 100,000 generated events", async () => {
    const verdicts = await pythonVerdicts(generated)
    expect(verdicts).toHaveLength(100_000)
    expect(verdicts.filter((ok) => !ok)).toHaveLength(0)
  }, 120_000)

  /**
   * Two rules no Draft 7 schema can check, for any validator: "at most two decimals" (validators
   * test multipleOf by dividing in binary floating point, which also rejects valid amounts such as
   * 17.97) and "recommendedProductId is not productId" (a schema cannot compare two fields). The
   * schema states both in its descriptions; the decoder (and the inspector) enforce them.
   */
  const beyondJsonSchema = ["amount with 3 decimals", "self recommendation"]

  test("every other hand-written bad event: the decoder, ajv and python-jsonschema all reject it", async () => {
    const verdicts = await pythonVerdicts(bad.map((b) => b.event))
    const byValidator = bad.map((b, i) => ({
      name: b.name,
      decoder: Result.isFailure(CustomerEvent.decode(b.event)),
      ajv: !validate(b.event),
      python: !verdicts[i],
    }))
    expect(byValidator.filter((v) => !v.decoder)).toEqual([])
    const acceptedBySome = byValidator.filter((v) => !(v.ajv && v.python)).map((v) => v.name)
    expect(acceptedBySome).toEqual(beyondJsonSchema)
  })

  test("the two rules beyond JSON Schema are stated in the schema's descriptions", () => {
    const text = JSON.stringify(schema)
    expect(text).toContain("at most two decimals")
    expect(text).toContain("recommendedProductId is never productId")
  })

  test("docs/events.md's ajv snippet, run as written, finds 1,000 events valid and a bad one invalid", async () => {
    const page = await Bun.file(join(repoRoot, "docs/events.md")).text()
    const section = page.slice(page.indexOf("## Validating with the JSON Schema"))
    const snippet = section.match(/```ts\n([\s\S]*?)```/)?.[1]
    expect(snippet).toBeDefined()
    // Beside this package's ajv, as the page's `bun add ajv ajv-formats` would have it.
    writeFileSync(join(here, "customer-event.schema.generated.json"), JSON.stringify(schema))
    writeFileSync(
      join(here, "validate.generated.ts"),
      snippet!.replace("./customer-event.schema.json", "./customer-event.schema.generated.json"),
    )
    const lines = generated.slice(0, 1000).map((event) => JSON.stringify(event))
    const run = async (input: string) => {
      const child = Bun.spawn(["bun", join(here, "validate.generated.ts")], {
        stdin: "pipe",
        stdout: "pipe",
        stderr: "pipe",
      })
      child.stdin.write(input)
      child.stdin.end()
      const stdout = await new Response(child.stdout).text()
      expect(await child.exited).toBe(0)
      return stdout.trim()
    }
    expect(await run(lines.join("\n"))).toBe("0 invalid")
    const quantityZero = JSON.stringify(withField(JSON.parse(lines[0]!), ["metadata"], { quantity: 0 }))
    expect(await run([...lines, quantityZero].join("\n"))).toBe("1 invalid")
  }, 60_000)
})
