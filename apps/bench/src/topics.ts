/** Fresh topics for the bench entries, and their record counts, through a kafkajs admin client. */
import { untilAnswered } from "@customer-events/test-support/client"
import { Kafka, logLevel } from "kafkajs"
import { bootstrap } from "./measure.js"

const admin = new Kafka({
  clientId: "bench",
  brokers: bootstrap.split(","),
  logLevel: logLevel.NOTHING,
}).admin()

export const connect = () => admin.connect()
export const disconnect = () => admin.disconnect()

export const newTopic = async (name: string, partitions = 3) => {
  const topic = `bench-${name}-${Date.now().toString(36)}`
  // On a broker started a moment ago, waiting for the new topic's leaders can fail once with a
  // retriable error (UNKNOWN_TOPIC_OR_PARTITION); a second try finds the topic made. Then wait until
  // its offsets can be read, so the first entry does not time its own topic's warm-up.
  await untilAnswered(() =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    }),
  )
  await untilAnswered(() => admin.fetchTopicOffsets(topic))
  return topic
}

export const recordsIn = async (topic: string) =>
  (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0)
