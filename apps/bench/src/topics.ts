/** Fresh topics for the bench entries, and their record counts, through a kafkajs admin client. */
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
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
  })
  return topic
}

export const recordsIn = async (topic: string) =>
  (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0)
