/** The closed sets of choices that config sources (file, env, flags) and the clients share. */

export type Compression = "none" | "gzip" | "snappy" | "lz4" | "zstd"
export const compressions: ReadonlyArray<Compression> = ["none", "gzip", "snappy", "lz4", "zstd"]
/** The Kafka client library under the producer: both are pure TypeScript and tested alike. */
export type Client = "kafkajs" | "platformatic"
export const clients: ReadonlyArray<Client> = ["kafkajs", "platformatic"]
/** What each client can compress with (kafkajs ships gzip only; its other codecs are plug-ins). */
export const compressionsOf: Record<Client, ReadonlyArray<Compression>> = {
  kafkajs: ["none", "gzip"],
  platformatic: compressions,
}
