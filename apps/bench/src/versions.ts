/** The machine's and the libraries' versions, for the report's last section. */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { root } from "./measure.js"

export const versions = () => {
  const first = (command: ReadonlyArray<string>) => {
    const r = Bun.spawnSync([...command])
    return `${r.stdout}${r.stderr}`.trim().split("\n")[0]
  }
  const catalog = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces.catalog
  const kafka = readFileSync(join(root, "scripts/kafka/pom.xml"), "utf8").match(
    /<kafka.version>(.*)<\/kafka.version>/,
  )?.[1]
  return [
    `Bun ${Bun.version}`,
    first(["java", "-version"]),
    `Apache Kafka ${kafka}`,
    `kafkajs ${catalog.kafkajs}`,
    `@platformatic/kafka ${catalog["@platformatic/kafka"]}`,
    `effect ${catalog.effect}`,
  ].join("; ")
}
