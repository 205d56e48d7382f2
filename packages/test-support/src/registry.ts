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

const readerDeadlineMs = 90_000
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
  // The reader gives up after 60 idle seconds; this bound catches a reader stuck anywhere else, and
  // names it, where the test's own timeout would say only "timed out".
  const deadline = setTimeout(() => child.kill("SIGKILL"), readerDeadlineMs)
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]).finally(() => clearTimeout(deadline))
  if (child.signalCode === "SIGKILL")
    throw new Error(
      `the Python reader of ${topic} gave no answer in ${readerDeadlineMs / 1000} s: ${stderr.slice(-800)}`,
    )
  if (code !== 0) throw new Error(`the Python reader failed (${code}): ${stderr.slice(-800)}`)
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as PythonRecord)
}
