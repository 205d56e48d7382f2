import { Kafka, type LogEntry, logLevel } from "kafkajs"

/** The broker the tests use: KAFKA_BOOTSTRAP_SERVERS (set by `bun run test`) or the default local one. */
export const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? "127.0.0.1:9092"

/** A plain kafkajs client of the tests' own (independent of the code under test). */
export const kafkaFor = (brokers: string, log?: (entry: LogEntry) => void) =>
  new Kafka({
    clientId: "test-reader",
    brokers: brokers.split(","),
    logLevel: log === undefined ? logLevel.NOTHING : logLevel.WARN,
    ...(log === undefined ? {} : { logCreator: () => log }),
  })

/** Retries a call that a freshly started broker may refuse for a moment (retriable errors), for 30 s. */
export const untilAnswered = async <A>(call: () => Promise<A>): Promise<A> => {
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      return await call()
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true || Date.now() > deadline) throw error
      await Bun.sleep(200)
    }
  }
}
