/**
 * The producer's --help: it teaches by example; the flags' lines come from their specs (ProducerFlags.ts, the
 * Kafka settings table).
 */
import { FlagSpec } from "@customer-events/cli"
import { KafkaSettings } from "@customer-events/kafka"
import { kafkaFlags } from "./Cli.js"
import { producerFlags } from "./ProducerFlags.js"

const section = (name: string) => FlagSpec.helpLines(producerFlags, name)

/** The settings table's registry flags: shown with --format, not with the Kafka ones. */
const registryFlags = ["schema-registry-url", "subject-strategy", "auto-register", "no-auto-register"]
const kafkaOnly = kafkaFlags.filter((name) => name !== "drain-timeout" && !registryFlags.includes(name))

export const help = `customer-events: stream realistic e-commerce customer events into Apache Kafka.

Usage:
  customer-events [options]          stream events (bun run apps/producer [options])
  customer-events schema [--entity event|product|customer|truth] [--format F] [--schema-version 2]
                                     print a schema: an event's (default), a reference entity's, a truth
                                     line's; JSON Schema, or with --format avro|protobuf Avro's or a .proto

Examples:
  customer-events --create-topic                      # local broker, default pace (100ms..1s), until Ctrl-C
  customer-events --rate 500 --duration 10m            # ~500 events/s (Poisson) for ten minutes
  customer-events --rate max --count 1000000           # a million events as fast as the broker takes them
  customer-events --config client.properties --topic orders   # Confluent Cloud
  customer-events --dry-run --seed 42 --count 5 --start-time 2026-11-30T00:00:00Z   # NDJSON on stdout
  customer-events --start-time 2026-11-01T00:00:00Z --duration 24h --rate 20 --create-topic
                                                      # backfill one day of event time at full speed
  customer-events --rate 200 --truth truth.ndjson --reference-topics --create-topic
                                                      # the exact answer per minute, and tables to join
  customer-events --format avro --schema-registry-url http://127.0.0.1:28081/apis/ccompat/v7
                                                      # Avro in Confluent's wire format (registry:up)

Kafka (each flag wins over its environment variable and the --config file):
${KafkaSettings.flagHelp(kafkaOnly)}
${section("kafka")}

Values and the Schema Registry (its settings also come from --config: schema.registry.url,
basic.auth.credentials.source, basic.auth.user.info, as Confluent Cloud's client.properties has them):
${section("registry")}
${KafkaSettings.flagHelp(registryFlags)}

Pace and stop:
${section("pace")}
  Without --count or --duration the stream runs until Ctrl-C (SIGINT) or SIGTERM.
  Ctrl-C stops generating at once and waits for in-flight batches; Ctrl-C again forces the exit.
${KafkaSettings.flagHelp(["drain-timeout"])}

Content:
${section("content")}

Scale:
${section("scale")}

Output:
${section("output")}

Durations: 500ms, 10s, 5m, 1h, 1d.
Exit codes: 0 all generated events delivered (also after Ctrl-C); 1 some could not be delivered;
            2 bad usage or configuration, or the cluster refused us at start-up; 130 forced stop.
`
