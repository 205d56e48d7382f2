/**
 * The test registry (scripts/schema-registry.sh, started by `bun run test`) and the independent
 * reader of its formats: Confluent's Python client with its Schema Registry deserializers.
 */
import { bootstrap } from "./client.js"

export const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? "http://127.0.0.1:28081/apis/ccompat/v7"

export interface PythonRecord {
  readonly partition: number
  readonly offset: number
  readonly schemaId: number
  /** As the deserializer gave it: Avro and JSON Schema the contract's fields, Protobuf its own. */
  readonly value: Record<string, unknown>
}

const script = new URL("../python/registry_reader.py", import.meta.url).pathname

/** The first `count` records of a topic, decoded by confluent-kafka's deserializers. */
export const readWithConfluentPython = async (
  topic: string,
  count: number,
  format: "avro" | "protobuf" | "json-schema",
  brokers = bootstrap,
): Promise<Array<PythonRecord>> => {
  const child = Bun.spawn(["python3", script, brokers, topic, String(count), format, registryUrl], {
    stdout: "pipe",
    stderr: "pipe",
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  if (code !== 0) throw new Error(`the Python reader failed (${code}): ${stderr.slice(-800)}`)
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as PythonRecord)
}
