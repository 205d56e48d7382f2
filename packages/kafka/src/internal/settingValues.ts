/** How the settings table reads text into settings: one reader per kind of value. */
import { Values } from "@customer-events/values"
import { Redacted, Result } from "effect"
import type { Acks, Settings } from "./settingsTypes.js"

export type Read = (text: string) => Result.Result<Settings, string>

export const into =
  <A>(read: Values.Read<A>, set: (value: A) => Settings): Read =>
  (text) =>
    Result.map(read(text), set)

const hostPort = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/

/** host:port[,host:port...]; a scheme prefix (SASL_SSL://) is dropped, as Java clients do. */
export const brokersOf = (text: string): Result.Result<ReadonlyArray<string>, string> => {
  const brokers = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => s.replace(/^[A-Za-z_]+:\/\//, ""))
  if (brokers.length === 0) return Result.fail("expected host:port[,host:port...], got nothing")
  for (const broker of brokers) {
    const port = Number(broker.match(hostPort)?.[2] ?? Number.NaN)
    if (!(port >= 1 && port <= 65535))
      return Result.fail(`expected host:port with a port from 1 to 65535, got ${JSON.stringify(broker)}`)
  }
  return Result.succeed(brokers)
}

const acksOf: Record<string, Acks> = {
  all: "all",
  "-1": "all",
  leader: "leader",
  "1": "leader",
  none: "none",
  "0": "none",
}
export const acks: Values.Read<Acks> = (text) =>
  Result.fromNullishOr(
    acksOf[text],
    () => `expected all, leader, none (or -1, 1, 0), got ${JSON.stringify(text)}`,
  )

export const bool: Values.Read<boolean> = (text) =>
  text === "true" || text === "false"
    ? Result.succeed(text === "true")
    : Result.fail(`expected true or false, got ${JSON.stringify(text)}`)

export const caseless =
  <T extends string>(values: ReadonlyArray<T>, fold: (s: string) => string): Values.Read<T> =>
  (text) =>
    Values.oneOf(values)(fold(text))

export const ms = (min: number) => Values.whole(min)
export const flagMs =
  (min: number): Values.Read<number> =>
  (text) =>
    Result.map(Values.durationMs(text), (n) => Math.max(min, Math.round(n)))

/** username='..' password="..": the Java JAAS line of PlainLoginModule or ScramLoginModule. */
export const jaas: Read = (text) => {
  const module = /PlainLoginModule/.test(text) ? "plain" : /ScramLoginModule/.test(text) ? "scram" : undefined
  if (module === undefined)
    return Result.fail(
      "expected org.apache.kafka.common.security.plain.PlainLoginModule or scram.ScramLoginModule",
    )
  const option = (name: string) => {
    const m = text.match(new RegExp(`\\b${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|'((?:[^'\\\\]|\\\\.)*)')`))
    return m === null ? undefined : (m[1] ?? m[2] ?? "")
  }
  const username = option("username")
  const password = option("password")
  if (username === undefined || password === undefined)
    return Result.fail("expected username='...' and password='...' options")
  return Result.succeed({
    saslUsername: username,
    saslPassword: Redacted.make(password),
    ...(module === "plain" ? {} : { jaasScram: true }),
  })
}
