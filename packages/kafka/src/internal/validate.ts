/** The checks KafkaConfig.make applies to single values; each error names the setting. */
import { Either } from "effect"
import { KafkaConfigError } from "../KafkaError.js"

export const fail = (key: string, reason: string) => Either.left(new KafkaConfigError({ key, reason }))

const hostPort = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/

export const parseBrokers = (value: string): Either.Either<ReadonlyArray<string>, KafkaConfigError> => {
  const brokers = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => s.replace(/^[A-Za-z_]+:\/\//, ""))
  if (brokers.length === 0) return fail("bootstrap.servers", "expected host:port[,host:port...], got nothing")
  for (const broker of brokers) {
    const match = broker.match(hostPort)
    const port = Number(match?.[2])
    if (match === null || port < 1 || port > 65535)
      return fail(
        "bootstrap.servers",
        `expected host:port with a port from 1 to 65535, got ${JSON.stringify(broker)}`,
      )
  }
  return Either.right(brokers)
}

export const positiveInt = (key: string, value: number, min = 1): Either.Either<number, KafkaConfigError> =>
  Number.isInteger(value) && value >= min
    ? Either.right(value)
    : fail(key, `expected a whole number >= ${min}, got ${value}`)
