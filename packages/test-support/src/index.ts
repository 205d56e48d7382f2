/**
 * Test helpers shared by the workspaces' tests (never by production code): an `it.effect`-style
 * runner with a scope and a hard Effect timeout, the test broker's address, unique topic names, a
 * reader that drains a topic with a plain kafkajs consumer, and the local broker script.
 */
import { test } from "bun:test"
import { spawn } from "node:child_process"
import { Duration, Effect, References, type Scope } from "effect"
import { ConfigResourceTypes } from "kafkajs"
import { bootstrap, kafkaFor, untilAnswered } from "./client.js"

export { bootstrap, untilAnswered } from "./client.js"

export const repoRoot = new URL("../../../", import.meta.url).pathname

let counter = 0
/** A fresh topic name per test, so tests never see each other's records. */
export const uniqueTopic = (prefix: string) =>
  `test-${prefix}-${Date.now().toString(36)}-${process.pid}-${(counter++).toString(36)}`

/**
 * Runs a scoped Effect as a Bun test. Bun's per-test timeout does not interrupt a fiber, so the
 * effect gets its own timeout, which interrupts it (running finalizers) before Bun gives up.
 */
export const itEffect = <A, E>(
  name: string,
  effect: () => Effect.Effect<A, E, Scope.Scope>,
  timeout: Duration.Input = "60 seconds",
) =>
  test(
    name,
    () =>
      Effect.runPromise(
        effect().pipe(
          Effect.scoped,
          Effect.timeoutOrElse({
            duration: timeout,
            orElse: () =>
              Effect.fail(
                new Error(
                  `test "${name}" timed out after ${Duration.format(Duration.fromInputUnsafe(timeout))}`,
                ),
              ),
          }),
          Effect.provideService(
            References.MinimumLogLevel,
            process.env.TEST_LOG_LEVEL === "debug" ? "Debug" : "None",
          ),
        ),
      ).then(() => undefined),
    Duration.toMillis(Duration.fromInputUnsafe(timeout)) + 10_000,
  )

/** Creates a topic with a plain kafkajs admin (for tests that must not depend on the code under test). */
export const createTopic = async (
  topic: string,
  options: { partitions?: number; configs?: Record<string, string>; brokers?: string } = {},
) => {
  const admin = kafkaFor(options.brokers ?? bootstrap).admin()
  await admin.connect()
  // Right after a broker starts, a new topic's partitions may be known to the controller before the
  // broker serves them: waiting for their leaders may then fail (UNKNOWN_TOPIC_OR_PARTITION), and a
  // second try finds the topic made (kafkajs answers false); then wait until its offsets can be read.
  await untilAnswered(() =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: options.partitions ?? 3,
          replicationFactor: 1,
          configEntries: Object.entries(options.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    }),
  )
  await untilAnswered(() => admin.fetchTopicOffsets(topic))
  await admin.disconnect()
}

/** Runs scripts/kafka.sh with a private port and state dir, for tests that stop and start a broker. */
export const brokerScript = (args: ReadonlyArray<string>, env: Record<string, string>) => {
  const environment: Record<string, string | undefined> = { ...process.env, ...env }
  delete environment.KAFKA_BOOTSTRAP_SERVERS
  const result = Bun.spawnSync(["bash", `${repoRoot}scripts/kafka.sh`, ...args], { env: environment })
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() }
}

/** The number of records in a topic: the sum of its partitions' high watermarks (0 if it is missing). */
export const recordCount = async (topic: string, brokers = bootstrap): Promise<number> => {
  const admin = kafkaFor(brokers).admin()
  await admin.connect()
  try {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => [])
    return offsets.reduce((n, o) => n + Number(o.high), 0)
  } finally {
    await admin.disconnect()
  }
}

/** Whether the broker has the topic (read with a plain kafkajs admin): "nothing produced" at all. */
export const topicExists = async (topic: string, brokers = bootstrap): Promise<boolean> => {
  const admin = kafkaFor(brokers).admin()
  await admin.connect()
  try {
    return (await admin.listTopics()).includes(topic)
  } finally {
    await admin.disconnect()
  }
}

/** A topic's configs as the broker reports them, read with a plain kafkajs admin. */
export const topicConfig = async (topic: string, brokers = bootstrap): Promise<Record<string, string>> => {
  const admin = kafkaFor(brokers).admin()
  await admin.connect()
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    })
    return Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]))
  } finally {
    await admin.disconnect()
  }
}

/** Writes records exactly as given, with a plain kafkajs producer: for hand-crafted (also bad) records. */
export const produceRaw = async (
  topic: string,
  messages: ReadonlyArray<{
    key?: string | null
    value: string | Buffer | null
    headers?: Record<string, string>
    timestamp?: string
    partition?: number
  }>,
  brokers = bootstrap,
) => {
  const producer = kafkaFor(brokers).producer()
  await producer.connect()
  try {
    await producer.send({ topic, messages: messages.map((m) => ({ ...m })) as never })
  } finally {
    await producer.disconnect()
  }
}

export interface Finished {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/**
 * Starts a command in its own process group, as a terminal does, collecting its output: `interrupt`
 * sends SIGINT to the whole group, like Ctrl-C.
 */
export const startInGroup = (
  command: ReadonlyArray<string>,
  env: Record<string, string | undefined> = {},
) => {
  const started = Date.now()
  const child = spawn(command[0]!, command.slice(1), {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  })
  let stdout = ""
  let stderr = ""
  child.stdout!.on("data", (d) => {
    stdout += d
  })
  child.stderr!.on("data", (d) => {
    stderr += d
  })
  const finished = new Promise<Finished>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  )
  return {
    child,
    finished,
    stdout: () => stdout,
    stderr: () => stderr,
    interrupt: () => process.kill(-child.pid!, "SIGINT"),
  }
}

/** Waits until the condition holds (checked every 100 ms), or fails naming what it waited for. */
export const until = async (
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(100)
  }
}

/** Runs a command from the repo root to completion and collects its output. */
export const runCommand = (command: ReadonlyArray<string>, env: Record<string, string | undefined> = {}) =>
  startInGroup(command, env).finished

/**
 * The values of a topic's first `count` records, read by Java's console consumer (kafka-tools, from
 * the broker's jars): the independent reader for what kafkajs cannot decode (snappy, lz4, zstd).
 */
export const readValuesWithJava = async (
  topic: string,
  count: number,
  brokers = bootstrap,
): Promise<Array<string>> => {
  const libs = (await runCommand(["bash", "scripts/kafka.sh", "libs"])).stdout.trim()
  const read = await runCommand([
    "java",
    "-cp",
    `${libs}/*`,
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
    "org.apache.kafka.tools.consumer.ConsoleConsumer",
    "--bootstrap-server",
    brokers,
    "--topic",
    topic,
    "--from-beginning",
    "--max-messages",
    String(count),
    "--timeout-ms",
    "60000",
  ])
  if (read.code !== 0) throw new Error(`Java's console consumer failed: ${read.stderr.slice(-500)}`)
  return read.stdout.split("\n").filter((line) => line !== "")
}

/** A record as Java's console consumer prints it with its headers: "k:v,k:v" then the value. */
export interface JavaRecord {
  readonly headers: Record<string, string>
  readonly value: string
}

/**
 * Every record of a topic as Java's console consumer reads it with this isolation level, until it has
 * waited `idleMs` for more: the independent reader of transactions (control records skipped, aborted
 * ones hidden under read_committed).
 */
export const readAllWithJava = async (
  topic: string,
  isolation: "read_committed" | "read_uncommitted",
  { brokers = bootstrap, idleMs = 5_000 } = {},
): Promise<Array<JavaRecord>> => {
  const libs = (await runCommand(["bash", "scripts/kafka.sh", "libs"])).stdout.trim()
  const read = await runCommand([
    ...["java", "-cp", `${libs}/*`, "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"],
    ...["org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server", brokers, "--topic", topic],
    ...["--from-beginning", "--isolation-level", isolation, "--timeout-ms", String(idleMs)],
    ...["--property", "print.headers=true", "--property", "headers.separator=,"],
  ])
  if (read.code !== 0) throw new Error(`Java's console consumer failed: ${read.stderr.slice(-500)}`)
  return read.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const tab = line.indexOf("\t")
      const headers: Record<string, string> = {}
      for (const pair of line.slice(0, tab).split(",")) {
        const colon = pair.indexOf(":")
        if (colon > 0) headers[pair.slice(0, colon)] = pair.slice(colon + 1)
      }
      return { headers, value: line.slice(tab + 1) }
    })
}
export * from "./readTopic.js"
export * from "./referenceReplay.js"
export * from "./registry.js"
export * from "./truth.js"
