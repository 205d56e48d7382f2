/**
 * The project's Schema Registry script (Apicurio Registry, Confluent-compatible): a private registry
 * (its own port and state dir), asked through the Confluent REST API that the registry formats use.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { repoRoot } from "@customer-events/test-support"

const port = 27081 + (process.pid % 400) * 2
const stateDir = mkdtempSync(join(tmpdir(), "customer-events-registry-"))
const url = `http://127.0.0.1:${port}/apis/ccompat/v7`

const script = (...args: Array<string>) => {
  const env: Record<string, string | undefined> = {
    ...process.env,
    SCHEMA_REGISTRY_PORT: String(port),
    SCHEMA_REGISTRY_STATE_DIR: stateDir,
  }
  delete env.SCHEMA_REGISTRY_URL
  const result = Bun.spawnSync(["bash", `${repoRoot}scripts/schema-registry.sh`, ...args], { env })
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() }
}

const avro = (fields: ReadonlyArray<object>) =>
  JSON.stringify({ type: "record", name: "Event", namespace: "test", fields })

/** A call of the Confluent API: its status and JSON body. */
const call = async (method: string, path: string, body?: object) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

afterAll(() => {
  script("down")
  rmSync(stateDir, { recursive: true, force: true })
})

describe("scripts/schema-registry.sh", () => {
  test("status reports down, up starts the registry and prints its URL, a second up reuses it", () => {
    const down = script("status")
    expect(down.code).toBe(1)
    expect(down.stdout.trim()).toBe("down")
    const first = script("up")
    expect(first.code).toBe(0)
    expect(first.stdout.trim()).toBe(url)
    const second = script("up")
    expect(second.stderr).toContain("already running")
    expect(second.stdout.trim()).toBe(url)
    expect(script("url").stdout.trim()).toBe(url)
    expect(script("status").stdout).toMatch(new RegExp(`^up ${url} \\(pid \\d+\\)\\n$`))
  }, 180_000)

  test("registers Avro, JSON Schema and Protobuf, serves a schema by id, and refuses a BACKWARD-incompatible version", async () => {
    const subject = `events-${process.pid}-value`
    const v1 = await call("POST", `/subjects/${subject}/versions`, {
      schema: avro([{ name: "a", type: "string" }]),
    })
    expect(v1.status).toBe(200)
    const id = v1.body.id as number
    const byId = await call("GET", `/schemas/ids/${id}`)
    expect(JSON.parse(byId.body.schema as string).fields).toEqual([{ name: "a", type: "string" }])
    expect((await call("PUT", `/config/${subject}`, { compatibility: "BACKWARD" })).status).toBe(200)
    // A new optional field with a default is a compatible change; a new required one is not.
    const v2 = await call("POST", `/subjects/${subject}/versions`, {
      schema: avro([
        { name: "a", type: "string" },
        { name: "device", type: ["null", "string"], default: null },
      ]),
    })
    expect(v2.status).toBe(200)
    expect(v2.body.id).not.toBe(id)
    const broken = await call("POST", `/subjects/${subject}/versions`, {
      schema: avro([
        { name: "a", type: "string" },
        { name: "b", type: "int" },
      ]),
    })
    expect(broken.status).toBe(409)
    expect((await call("GET", `/subjects/${subject}/versions`)).body).toEqual([1, 2] as never)
    const json = await call("POST", `/subjects/json-${subject}/versions`, {
      schemaType: "JSON",
      schema: JSON.stringify({ type: "object", properties: { a: { type: "string" } } }),
    })
    expect(json.status).toBe(200)
    const proto = await call("POST", `/subjects/proto-${subject}/versions`, {
      schemaType: "PROTOBUF",
      schema: 'syntax = "proto3";\nmessage Event { string a = 1; }\n',
    })
    expect(proto.status).toBe(200)
    expect((await call("GET", `/schemas/ids/${proto.body.id}`)).body.schemaType).toBe("PROTOBUF")
  }, 60_000)

  test("down stops it", () => {
    expect(script("down").code).toBe(0)
    expect(script("status").stdout.trim()).toBe("down")
  }, 60_000)
})
