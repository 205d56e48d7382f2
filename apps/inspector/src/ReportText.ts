/** The inspector's report as text for a person: the verdict and figures, then the findings listed. */
import { Terminal } from "@customer-events/cli"
import type { Finding, Report } from "./Inspection.js"

const { formatCount } = Terminal

const counted = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .map(([name, n]) => `${name} ${formatCount(n)}`)
    .join(", ")

const verdict = (report: Report) =>
  `${report.sound ? "SOUND" : "NOT SOUND"}: ${formatCount(report.records)} records of ` +
  `${report.topic}, ${formatCount(report.valid)} valid, ${formatCount(report.invalid)} invalid, ` +
  `${formatCount(Object.values(report.violations).reduce((a, b) => a + b, 0))} violations, ` +
  `${formatCount(report.duplicates)} duplicates`

const eventTime = (report: Report) => {
  if (report.eventTime === null) return []
  const rate = report.eventsPerSecond === null ? "" : ` (${report.eventsPerSecond.toFixed(1)} events/s)`
  return [`event time: ${report.eventTime.first} .. ${report.eventTime.last}${rate}`]
}

const lateness = ({ lateness }: Report) =>
  `lateness: ${formatCount(lateness.records)} records older than the newest before them in their ` +
  "partition" +
  (lateness.records === 0
    ? ""
    : ` (by ${formatCount(lateness.meanMs)} ms on average, ${formatCount(lateness.maxMs)} ms at most)`)

/** What the run's summary and truth file told the inspector to expect, and how the topic compares. */
const expectations = (report: Report) => {
  const lines: Array<string> = []
  if (report.expected !== undefined)
    lines.push(
      `expected from the run's summary: ${formatCount(report.expected.late)} late, ` +
        `${formatCount(report.expected.duplicatesInjected)} duplicates ` +
        `(found ${formatCount(report.duplicates)})`,
    )
  const t = report.transactions
  if (t.aborted > 0 || t.expected !== undefined)
    lines.push(
      `transactions (${t.isolation}): ${formatCount(t.committed)} committed records, ` +
        `${formatCount(t.aborted)} of aborted transactions` +
        (t.expected === undefined
          ? ""
          : ` (the run: ${formatCount(t.expected.committed)} committed, ` +
            `${formatCount(t.expected.aborted)} aborted)`) +
        (t.difference === undefined ? "" : `: DIFFERS: ${t.difference}`),
    )
  if (report.truth !== undefined) {
    const { difference, windows, later } = report.truth
    const verdict =
      difference === undefined
        ? `matches the topic in all ${formatCount(windows)} windows`
        : `DIFFERS: ${difference}`
    const pending = later === 0 ? "" : ` (${later} later windows of the topic not in the truth yet)`
    lines.push(`truth: ${verdict}${pending}`)
  }
  return lines
}

const listing = (title: string, findings: ReadonlyArray<Finding>) =>
  findings.length === 0
    ? []
    : [
        `${title} (first ${findings.length}):`,
        ...findings.map((f) => `  partition ${f.partition} offset ${f.offset}: ${f.path}: ${f.reason}`),
      ]

const schemaText = (s: NonNullable<Report["schemas"]>[number]) =>
  `id ${s.id} (${s.format}${s.version === undefined ? "" : ` v${s.version}`}) ${formatCount(s.records)}`

const schemas = ({ schemas }: Report) =>
  schemas === undefined ? [] : [`schemas: ${schemas.map(schemaText).join(", ")}`]

const reference = ({ reference: r }: Report) =>
  r === undefined
    ? []
    : [
        `reference topics: ${formatCount(r.products)} product and ${formatCount(r.customers)} customer ` +
          `versions; changes: ${counted(r.changes)}` +
          (r.notJson > 0 ? ` (${formatCount(r.notJson)} not JSON: their prices are not checked)` : ""),
      ]

export const reportText = (report: Report): string => {
  const anomalies =
    Object.keys(report.anomalies).length === 0 ? [] : [`anomaly headers: ${counted(report.anomalies)}`]
  const lines = [
    verdict(report),
    `mode: ${report.mode}${report.modeDetected ? " (detected)" : ""}` +
      (report.note ? ` (${report.note})` : ""),
    `by type: ${counted(report.byType)}`,
    ...eventTime(report),
    lateness(report),
    ...anomalies,
    ...schemas(report),
    ...reference(report),
    ...expectations(report),
    `violations: ${counted(report.violations)}`,
    ...listing("invalid records", report.invalidRecords),
    ...listing("violations", report.violationExamples),
    ...listing("duplicates", report.duplicateExamples),
  ]
  return `${lines.join("\n")}\n`
}
