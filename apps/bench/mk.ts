import { Kafka, logLevel } from "kafkajs"

const [topic, partitions = "3"] = Bun.argv.slice(2)
const admin = new Kafka({ clientId: "mk", brokers: ["127.0.0.1:9092"], logLevel: logLevel.NOTHING }).admin()
await admin.connect()
await admin.createTopics({
  waitForLeaders: true,
  topics: [{ topic: topic!, numPartitions: Number(partitions), replicationFactor: 1 }],
})
await admin.disconnect()
