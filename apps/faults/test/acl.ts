/**
 * Authorization failures, as a cloud API key without the right ACLs meets them: the cluster's
 * StandardAuthorizer refuses everything to the SASL_SSL user carol but what a scenario grants her
 * (scripts/kafka-cluster.sh). The app must name the topic and the missing ACL; Java's own text is
 * kept in the notes beside ours.
 */
import { expect, test } from "bun:test"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { uniqueTopic } from "@customer-events/test-support"
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
} from "kafkajs"
import { cluster, createTopic, plainBootstrap, saslBootstrap } from "./harness.js"
import {
  type Client,
  finishSound,
  javaRefusal,
  type ProduceOptions,
  type Result,
  type Run,
  reach,
  summaryOf,
  work,
} from "./scenario.js"

const user = "User:carol"

/** carol's --config file (PLAIN over SASL_SSL, the cluster's CA). */
const carol = () => {
  const file = join(work, `carol-${Date.now()}.properties`)
  writeFileSync(
    file,
    `bootstrap.servers=${saslBootstrap()}\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n` +
      `sasl.username=carol\nsasl.password=carol-secret\nssl.ca.location=${cluster("ca")}\n`,
  )
  return file
}

const aclOf = (topic: string, operation: AclOperationTypes) => ({
  resourceType: AclResourceTypes.TOPIC,
  resourceName: topic,
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal: user,
  host: "*",
  operation,
  permissionType: AclPermissionTypes.ALLOW,
})

/** ACLs granted (or, with `revoke`, taken back) by a super user on the PLAINTEXT listener. */
const acls = async (topic: string, operations: ReadonlyArray<AclOperationTypes>, revoke = false) => {
  const admin = new Kafka({
    clientId: "faults-acl",
    brokers: plainBootstrap().split(","),
    logLevel: logLevel.NOTHING,
  }).admin()
  await admin.connect()
  try {
    const entries = operations.map((operation) => aclOf(topic, operation))
    if (revoke) await admin.deleteAcls({ filters: entries })
    else await admin.createAcls({ acl: entries })
  } finally {
    await admin.disconnect()
  }
}

/** A topic of the scenario's, with carol's ACLs on it. */
const topicFor = async (operations: ReadonlyArray<AclOperationTypes>) => {
  const topic = uniqueTopic("acl")
  await createTopic(topic)
  if (operations.length > 0) await acls(topic, operations)
  return topic
}

type Produce = (args: ReadonlyArray<string>, options?: ProduceOptions) => Promise<Run>

/** The app's one error line, exit 2, within seconds. */
const refusedWith = async (run: Run, expected: string) => {
  const finished = await run.producer.finished
  expect(finished.code).toBe(2)
  const errors = finished.stderr.split("\n").filter((line) => line.startsWith("error:"))
  expect(errors).toHaveLength(1)
  expect(errors[0]).toContain(expected)
  return `exit 2 in ${(finished.ms / 1000).toFixed(1)} s: "${errors[0]!.replace(run.topic, "T").slice(7, 80)}..."`
}

export const aclScenarios = (
  client: Client,
  produce: Produce,
  record: (result: Omit<Result, "client">) => void,
) => {
  const asCarol = (topic: string, more: ReadonlyArray<string> = []) =>
    produce(["--config", carol(), "--rate", "max", "--count", "10", ...more], {
      topic,
      bootstrap: saslBootstrap(),
    })

  test("20. no DESCRIBE ACL on the topic: told so, not that it is missing; --create-topic says CREATE is lacking", async () => {
    const topic = await topicFor([])
    if (client === "java") {
      record({
        scenario: "20 no DESCRIBE ACL on the topic",
        figures: {},
        note: await javaRefusal(await asCarol(topic)),
      })
      return
    }
    const plain = await refusedWith(await asCarol(topic), `not authorized to describe topic "${topic}"`)
    const create = await refusedWith(
      await asCarol(topic, ["--create-topic"]),
      `not authorized to create topic "${topic}"`,
    )
    record({
      scenario: "20 no DESCRIBE ACL on the topic",
      figures: {},
      note: `${plain}; --create-topic: ${create}`,
    })
  }, 180_000)

  test("21. DESCRIBE but no WRITE: the idempotent producer refused, the topic and WRITE named", async () => {
    const topic = await topicFor([AclOperationTypes.DESCRIBE])
    const run = await asCarol(topic)
    const note =
      client === "java"
        ? await javaRefusal(run)
        : await refusedWith(run, `not authorized to produce to topic "${topic}" as an idempotent producer`)
    record({ scenario: "21 DESCRIBE but no WRITE ACL", figures: {}, note })
  }, 180_000)

  test("22. WRITE revoked mid-run: failures accounted for and dead-lettered, the topic holds the delivered", async () => {
    const topic = await topicFor([AclOperationTypes.DESCRIBE, AclOperationTypes.WRITE])
    const run = await produce(["--config", carol(), "--rate", "500", "--count", "10000"], {
      topic,
      bootstrap: saslBootstrap(),
    })
    await reach(run, 2000)
    await acls(topic, [AclOperationTypes.WRITE], true)
    const { figures } = await finishSound(run, 1)
    expect(figures.deadLettered).toBeGreaterThan(0)
    const summary = await summaryOf(run)
    const note =
      client === "java"
        ? "every later batch failed (TopicAuthorizationException); it went on to its count"
        : `exit 1, stopped by: "${summary.error?.replace(topic, "T").slice(0, 90)}..."`
    record({ scenario: "22 WRITE revoked mid-run", figures, note })
  }, 240_000)
}
