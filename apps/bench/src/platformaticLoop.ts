/**
 * Bench child: the raw @platformatic/kafka ceiling, as a hand-written script would use it. Sends N
 * records built from the payload file (key = customerId, the same headers as the app, the event
 * time as timestamp) as strings through the client's string serializers, one `send` of a batch at
 * a time, acks=all and the idempotent producer, partitioned as Java's producer does (the client's
 * compatibility partitioner), cycling over the payloads; prints {events, bytes, ms} as JSON.
 */
import { compatibilityPartitioner, Producer, stringSerializers } from "@platformatic/kafka"
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
const records = (await readPayloads(payloadFile)).map((r) => ({
  topic,
  key: r.key,
  value: r.value,
  headers: r.headers,
  timestamp: BigInt(r.timestamp),
  bytes: r.value.length,
}))
const producer = new Producer({
  clientId: "bench-platformatic",
  bootstrapBrokers: brokers.split(","),
  idempotent: true,
  partitioner: compatibilityPartitioner,
  serializers: stringSerializers,
})
let bytes = 0
const started = performance.now()
for (let sent = 0; sent < count; ) {
  const n = Math.min(batchSize, count - sent)
  const messages = new Array(n)
  for (let i = 0; i < n; i++) {
    const { bytes: size, ...record } = records[(sent + i) % records.length]!
    messages[i] = record
    bytes += size
  }
  await producer.send({ messages })
  sent += n
}
const ms = performance.now() - started
await producer.close()
console.log(JSON.stringify({ events: count, bytes, ms }))
process.exit(0)
