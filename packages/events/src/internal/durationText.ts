/** "250ms", "90s", "1.5h", "7d": a duration as profile files and --anomaly write it, in ms; undefined when it is not one. */
const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export const durationMs = (text: string): number | undefined => {
  const match = text.trim().match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/)
  return match === null ? undefined : Number(match[1]) * units[match[2]!]!
}
