/**
 * What a long or paced run shows, with the app's default client: memory over a sustained run, the
 * achieved rate against the target, the time to the first event, and the time to exit on SIGINT.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { producerCommand } from "./entries.js"
import { bootstrap, log, measure, memoryMb, root } from "./measure.js"
import { newTopic, recordsIn } from "./topics.js"

const spawnApp = (args: ReadonlyArray<string>) =>
  Bun.spawn([...producerCommand, ...args], {
    cwd: root,
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: bootstrap },
  })

const summaryOf = (path: string) =>
  JSON.parse(readFileSync(path, "utf8")) as { generated: number; delivered: number; failed: number }

/** Max rate for a while, RSS sampled every second: it must stay flat. */
export const sustained = async (seconds: number, maxEvents: number) => {
  log(`sustained: ${seconds}s or ${maxEvents} events at max rate`)
  const topic = await newTopic("sustained")
  const rss: Array<number> = []
  const child = spawnApp([
    "--rate",
    "max",
    "--count",
    String(maxEvents),
    "--duration",
    `${seconds}s`,
    "--topic",
    topic,
  ])
  const sampler = setInterval(() => {
    const mb = memoryMb(child.pid, "VmRSS")
    if (mb > 0) rss.push(mb)
  }, 1000)
  await child.exited
  clearInterval(sampler)
  return {
    events: await recordsIn(topic),
    rssStart: rss[Math.min(2, rss.length - 1)] ?? Number.NaN,
    rssPeak: Math.max(...rss),
    rssEnd: rss.at(-1) ?? Number.NaN,
  }
}

/** Achieved against target rate over a fixed duration. */
export const rateAccuracy = async (target: number, seconds: number, work: string) => {
  log(`rate accuracy at ${target}/s for ${seconds}s`)
  const topic = await newTopic(`rate${target}`)
  const file = join(work, `rate${target}.json`)
  await measure([
    ...producerCommand,
    ...["--rate", String(target), "--duration", `${seconds}s`, "--topic", topic, "--summary-file", file],
  ])
  const achieved = summaryOf(file).generated / seconds
  return { target, achieved, errorPercent: (Math.abs(achieved - target) / target) * 100 }
}

/** From spawning the process to the first record in the topic. */
export const timeToFirstEvent = async () => {
  log("time to first event")
  const topic = await newTopic("first")
  const started = performance.now()
  const child = spawnApp(["--rate", "max", "--count", "1", "--topic", topic])
  while ((await recordsIn(topic)) < 1) await Bun.sleep(5)
  const ms = performance.now() - started
  await child.exited
  return ms
}

/** SIGINT at max rate after some records: how long until the process is gone, and nothing lost. */
export const timeToExit = async (afterEvents: number, work: string) => {
  log("time to exit after SIGINT at max rate")
  const topic = await newTopic("exit")
  const file = join(work, "exit.json")
  const child = spawnApp(["--rate", "max", "--topic", topic, "--summary-file", file])
  while ((await recordsIn(topic)) < afterEvents) await Bun.sleep(20)
  const signalledAt = performance.now()
  child.kill("SIGINT")
  const code = await child.exited
  const ms = performance.now() - signalledAt
  const lost = summaryOf(file).generated - (await recordsIn(topic))
  return { ms, code, lost }
}
