/**
 * The inspector's own flags, one row each (the connection ones are the Kafka settings table's):
 * parsing, --help's lines and the docs' options table come from here; Cli.ts says what values mean.
 */
import { type FlagSpec, LogFlags } from "@customer-events/cli"

export const inspectorFlags = {
  topic: {
    value: "NAME",
    section: "connection",
    help: "topic",
    env: "KAFKA_TOPIC",
    default: "customer-events",
  },
  config: { value: "FILE", section: "connection", help: "Java/librdkafka .properties file" },
  "from-beginning": { section: "read", help: "every partition from its first record (the default)" },
  "from-time": {
    value: "ISO",
    section: "read",
    help: "every partition from the first record at or after ISO",
  },
  follow: {
    section: "read",
    help: "keep reading new records until Ctrl-C (otherwise stop at the high\nwatermarks seen at the start)",
  },
  max: { value: "N", section: "read", help: "stop after N records" },
  isolation: {
    value: "read_committed|read_uncommitted",
    section: "read",
    help:
      "read_committed skips the records of aborted transactions, as exactly-once\npipelines read; " +
      "read_uncommitted sees them (they carry txn-fate: abort)",
    default: "read_committed",
  },
  summary: {
    value: "FILE",
    section: "expect",
    help:
      "the producer's --summary-file of the run: its injected late events,\nduplicates and " +
      "price glitches (--late-rate, --duplicate-rate, --anomaly)\nare expected, not findings; the " +
      "duplicates found must equal duplicatesInjected\n" +
      "(up to duplicatesPossible more: records resent under a new producer id)",
  },
  truth: {
    value: "FILE",
    multiple: true,
    section: "expect",
    help:
      "the producer's --truth file (repeatable: the files of several instances are\nsummed): " +
      "the same aggregates are recomputed from the topic and compared\nwindow by window; the first window " +
      "and figure that differ are named",
  },
  "reference-topics": {
    section: "checks",
    help:
      "replay the producer's TOPIC-products and TOPIC-customers (each entity's\nversions by time): " +
      "every event's customer and product exist at its time,\na purchase is priced at the " +
      "unit price valid then",
  },
  "products-topic": { value: "NAME", section: "checks", help: "another name for the products topic" },
  "customers-topic": { value: "NAME", section: "checks", help: "another name for the customers topic" },
  mode: {
    value: "auto|sessions|independent",
    section: "checks",
    help: "which of the producer's modes wrote the topic (auto: detected)",
    default: "auto",
  },
  json: { section: "output", help: "the report as JSON on stdout" },
  ...LogFlags.logFlags,
  "no-progress": { section: "output", help: "no live progress line" },
  help: { short: "h", section: "output", help: "this help" },
} as const satisfies Readonly<Record<string, FlagSpec.FlagSpec>>
