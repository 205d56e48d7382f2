/**
 * The retry backoff's rows of the one settings table (Java's retry.backoff.ms and
 * retry.backoff.max.ms, and the multiplier and jitter of our one retry Schedule).
 */
import { Values } from "@customer-events/values"
import type { SettingSpec } from "./settingsTable.js"
import { into, ms } from "./settingValues.js"

export const retryRows: ReadonlyArray<SettingSpec> = [
  {
    name: "retry.backoff.ms",
    about: "a failed batch's first backoff",
    setting: "retryInitialMs",
    properties: ["retry.backoff.ms"],
    read: into(ms(1), (retryInitialMs) => ({ retryInitialMs })),
  },
  {
    name: "retry.backoff.multiplier",
    setting: "retryMultiplier",
    properties: ["retry.backoff.multiplier"],
    env: "KAFKA_RETRY_BACKOFF_MULTIPLIER",
    flag: { name: "retry-multiplier", value: "X", help: "each retry's backoff is the previous one times X" },
    read: into(Values.decimal(1, 100), (retryMultiplier) => ({ retryMultiplier })),
  },
  {
    name: "retry.backoff.jitter",
    setting: "retryJitter",
    properties: ["retry.backoff.jitter"],
    env: "KAFKA_RETRY_BACKOFF_JITTER",
    flag: { name: "retry-jitter", value: "F", help: "each backoff scaled by a random factor in [1-F, 1+F]" },
    read: into(Values.decimal(0, 1, "below"), (retryJitter) => ({ retryJitter })),
  },
  {
    name: "retry.backoff.max.ms",
    about: "the longest backoff between retries",
    setting: "retryMaxMs",
    properties: ["retry.backoff.max.ms"],
    read: into(ms(1), (retryMaxMs) => ({ retryMaxMs })),
  },
]
