/**
 * The producer's own flags, one row each (the Kafka ones are the settings table's): parsing,
 * --help's lines, the docs' options table and the --workers parent's own flags all come from here.
 * What each value means is Cli.ts's.
 */
import { type FlagSpec, LogFlags } from "@customer-events/cli"

export const producerFlags = {
  topic: { value: "NAME", section: "kafka", help: "topic", env: "KAFKA_TOPIC", default: "customer-events" },
  format: {
    value: "json|avro|protobuf|json-schema",
    section: "registry",
    help:
      "record values: JSON, or Avro, Protobuf or JSON Schema in the Confluent\nwire format, " +
      "their schema in --schema-registry-url (schema --format prints it)",
    env: "EVENT_FORMAT",
    default: "json",
  },
  "schema-version": {
    value: "1|2|broken",
    section: "registry",
    help:
      "the event schema: 2 adds the session's deviceType (optional, a BACKWARD\ncompatible change); " +
      "broken: a change the registry must refuse (exit 2,\nnothing produced), to rehearse it",
    default: "1",
  },
  config: {
    value: "FILE",
    section: "kafka",
    help:
      "Java/librdkafka .properties file, e.g. Confluent Cloud's " +
      "client.properties\n(bootstrap.servers, security.protocol, sasl.*, ssl.ca.location, acks, " +
      "...)\nPrecedence: flags > environment > file > defaults.",
  },
  "create-topic": {
    section: "kafka",
    help: "create the topic if it is missing, then wait for its leaders",
    parentOnly: true,
  },
  partitions: {
    value: "N",
    section: "kafka",
    help: "partitions of a created topic",
    default: "3",
    parentOnly: true,
  },
  "replication-factor": {
    value: "N",
    section: "kafka",
    help: "replication factor of a created topic",
    default: "1",
    parentOnly: true,
  },
  "transaction-size": {
    value: "N",
    section: "kafka",
    help: "with --transactional-id: events per transaction at most",
    default: "1000",
  },
  "transaction-interval": {
    value: "D",
    section: "kafka",
    help: "with --transactional-id: a transaction open this long is committed",
    default: "1s",
  },
  "abort-rate": {
    value: "P",
    section: "kafka",
    help:
      "with --transactional-id: that fraction of transactions is written in full,\nthen aborted " +
      "(its records carry the header txn-fate: abort)",
  },
  interval: {
    value: "MIN..MAX",
    section: "pace",
    help: "uniform random pause between events, the original script's",
    default: "100ms..1s",
  },
  rate: {
    value: "N|max",
    section: "pace",
    help: "Poisson arrivals averaging N events/s, or no pause at all",
  },
  profile: {
    value: "flat|diurnal|FILE",
    section: "pace",
    help:
      "the rate's shape over event time, with --rate N as the mean over a week;\ndiurnal: " +
      'quiet nights, an evening peak, busier weekends; FILE:\n{"hourly": [24 weights], "weekday": [7, ' +
      'Monday first],\n "bursts": {"every": "1h", "duration": "2m", "multiplier": 5}}',
    default: "flat",
  },
  timezone: {
    value: "TZ",
    section: "pace",
    help: "the profile's clock: UTC, +02:00, Europe/Paris",
    default: "UTC",
  },
  "late-rate": {
    value: "P",
    section: "pace",
    help: "that fraction of events carry an event time earlier than their emission",
  },
  "late-by": { value: "MIN..MAX", section: "pace", help: "by how much, uniformly", default: "30s..10m" },
  "duplicate-rate": {
    value: "P",
    section: "pace",
    help: "that fraction of events are sent again later (same event and eventId)",
  },
  anomaly: {
    value: "KIND@START+DURATION",
    multiple: true,
    section: "pace",
    help:
      "a labelled episode (repeatable), START from the first event time:\nbot-surge (one " +
      "customer views at 20x the rate), price-glitch (purchases\nat 1/100 of the price), checkout-outage " +
      "(no purchases), orphan-events\n(an extra view per ten events by a deleted customer or of a " +
      "deleted product);\n" +
      "e.g. checkout-outage@30m+10m",
  },
  count: { value: "N", section: "pace", help: "stop after N events" },
  duration: {
    value: "D",
    section: "pace",
    help: "stop after D (event time when --start-time is given, else wall time)",
  },
  seed: {
    value: "S",
    section: "content",
    help: "make the stream reproducible (event ids included); printed when omitted",
    parentOnly: true,
  },
  mode: {
    value: "sessions|independent",
    section: "content",
    help:
      "sessions: customer visits with views, recommendation clicks, carts and\npurchases in " +
      "order; independent: each event drawn on its own",
    default: "sessions",
  },
  customers: {
    value: "N",
    section: "content",
    help: "customer pool size, up to 1,000,000,000 (it costs no memory)",
    default: "5000",
  },
  products: { value: "N", section: "content", help: "catalog size, up to 100,000,000", default: "500" },
  "start-time": {
    value: "ISO",
    section: "content",
    help: "simulated event time from ISO, advancing by the drawn pauses; runs at full speed",
  },
  instance: {
    value: "I/N",
    section: "scale",
    help:
      "one of N instances (on one machine or many): its own share of the customers,\n1/N of the " +
      "rate and of --count, events drawn from (seed, I), header instance",
    parentOnly: true,
  },
  workers: {
    value: "N",
    section: "scale",
    help:
      "N instances in Bun workers, each with its own Kafka producer, behind one\nprogress line " +
      "and one summary (topics and reference data set up once)",
    parentOnly: true,
  },
  "dry-run": {
    section: "output",
    help: "write NDJSON events to stdout instead of Kafka (logs stay on stderr)",
  },
  "summary-file": {
    value: "PATH",
    section: "output",
    help: "write the summary as JSON: {generated, delivered, failed, deadLettered, ...}",
    parentOnly: true,
  },
  "dead-letter-file": {
    value: "PATH",
    section: "output",
    help: "write events that could not be delivered as NDJSON",
  },
  ...LogFlags.logFlags,
  print: {
    value: "[text|json]",
    section: "output",
    help:
      "each event on stdout once Kafka has it: a readable line (time, type,\ncustomer, product, " +
      "figures, partition@offset), or NDJSON with json",
  },
  truth: {
    value: "FILE",
    section: "output",
    help:
      "the ground truth, one NDJSON line per window of event time once it is\ncomplete: events " +
      "by type, purchases and revenue by category, distinct\ncustomers, duplicates; from delivered events " +
      "only (schema --entity truth)",
  },
  "truth-window": {
    value: "D",
    section: "output",
    help: "the windows' length, aligned on the epoch",
    default: "1m",
  },
  "reference-topics": {
    section: "output",
    help:
      "first write the catalog and the customer pool to compacted topics\nTOPIC-products and " +
      "TOPIC-customers (key = id, value = JSON)",
    parentOnly: true,
  },
  "entity-changes": {
    value: "realistic",
    section: "output",
    help:
      "with --reference-topics: the reference data changes while events stream\n(rates below: " +
      "0.1 price changes, 0.01 customer updates, 0.002 product\nand 0.001 customer deletes " +
      "per entity per day)",
    parentOnly: true,
  },
  "price-changes": {
    value: "R",
    section: "output",
    help: "price changes per product per day",
    parentOnly: true,
  },
  "customer-updates": {
    value: "R",
    section: "output",
    help: "tier or region changes per customer per day",
    parentOnly: true,
  },
  "product-deletes": { value: "R", section: "output", help: "deletes per product per day", parentOnly: true },
  "customer-deletes": {
    value: "R",
    section: "output",
    help: "deletes per customer per day",
    parentOnly: true,
  },
  "products-topic": {
    value: "NAME",
    section: "output",
    help: "another name for the products topic",
    parentOnly: true,
  },
  "customers-topic": {
    value: "NAME",
    section: "output",
    help: "another name for the customers topic",
    parentOnly: true,
  },
  "metrics-port": {
    value: "N",
    section: "output",
    help:
      "serve /metrics (Prometheus text format) while the run goes, on --metrics-host\n(default " +
      "127.0.0.1); --metrics-linger D keeps it up for D after the summary",
    parentOnly: true,
  },
  "metrics-host": {
    value: "HOST",
    section: "output",
    help: "where /metrics is served",
    default: "127.0.0.1",
    parentOnly: true,
    helpWith: "metrics-port",
  },
  "metrics-linger": {
    value: "D",
    section: "output",
    help: "how long /metrics stays up after the summary",
    default: "0",
    parentOnly: true,
    helpWith: "metrics-port",
  },
  "no-progress": { section: "output", help: "no live progress line", parentOnly: true },
  entity: {
    value: "event|product|customer|truth",
    section: "schema",
    help: "what `schema` prints: an event's schema, a reference entity's or a truth line's",
    default: "event",
  },
  help: { short: "h", section: "output", help: "this help" },
  version: { short: "V", section: "output", help: "the version" },
} as const satisfies Readonly<Record<string, FlagSpec.FlagSpec>>
