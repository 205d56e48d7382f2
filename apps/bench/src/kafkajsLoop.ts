/**
 * Bench child: the raw-kafkajs ceiling. Sends N records built from the payload file (key =
 * customerId, the same headers as the app) with sendBatch, acks=all and the idempotent producer,
 * as the app does, cycling over the payloads; prints {events, bytes, ms} as JSON on stdout.
 */
import { Kafka, logLevel, Partitioners } from "kafkajs"
import { readPayloads } from "./payloads.js"

const [
  brokers = "127.0.0.1:9092",
  topic = "bench",
  countText = "1000000",
  payloadFile = "",
  batchText = "2000",
] = Bun.argv.slice(2)
const count = Number(countText)
const batchSize = Number(batchText)
const records = await readPayloads(payloadFile)
const kafka = new Kafka({
  clientId: "bench-kafkajs",
  brokers: brokers.split(","),
  logLevel: logLevel.NOTHING,
})
const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner })
await producer.connect()
let bytes = 0
const started = performance.now()
for (let sent = 0; sent < count; ) {
  const n = Math.min(batchSize, count - sent)
  const messages = new Array(n)
  for (let i = 0; i < n; i++) {
    const record = records[(sent + i) % records.length]!
    messages[i] = { ...record }
    bytes += record.value.length
  }
  await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] })
  sent += n
}
const ms = performance.now() - started
await producer.disconnect()
console.log(JSON.stringify({ events: count, bytes, ms }))
process.exit(0)
