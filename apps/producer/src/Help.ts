/** The producer's --help: it teaches by example; the Kafka lines come from the settings table. */
import { KafkaSettings } from "@customer-events/kafka"
import { kafkaFlags } from "./Cli.js"

export const help = `customer-events: stream realistic e-commerce customer events into Apache Kafka.

Usage:
  customer-events [options]          stream events (bun run apps/producer [options])
  customer-events schema [--entity event|product|customer|truth]
                                     print a JSON Schema: an event (default), a reference entity, a truth line

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

Kafka (each flag wins over its environment variable and the --config file):
${KafkaSettings.flagHelp(kafkaFlags.filter((name) => name !== "drain-timeout"))}
  --topic NAME                 topic (env KAFKA_TOPIC; default customer-events)
  --config FILE                Java/librdkafka .properties file, e.g. Confluent Cloud's client.properties
                               (bootstrap.servers, security.protocol, sasl.*, ssl.ca.location, acks, ...)
                               Precedence: flags > environment > file > defaults.
  --create-topic               create the topic if it is missing, then wait for its leaders
  --partitions N               partitions of a created topic (default 3)
  --replication-factor N       replication factor of a created topic (default 1)

Pace and stop:
  --interval MIN..MAX          uniform random pause between events (default 100ms..1s, the original script's)
  --rate N|max                 Poisson arrivals averaging N events/s, or no pause at all
  --profile flat|diurnal|FILE  the rate's shape over event time, with --rate N as the mean over a week
                               (default flat). diurnal: quiet nights, an evening peak, busier weekends;
                               FILE: {"hourly": [24 weights], "weekday": [7, Monday first],
                               "bursts": {"every": "1h", "duration": "2m", "multiplier": 5}}
  --timezone TZ                the profile's clock: UTC (default), +02:00, Europe/Paris
  --late-rate P                that fraction of events carry an event time earlier than their emission
  --late-by MIN..MAX           by how much, uniformly (default 30s..10m)
  --duplicate-rate P           that fraction of events are sent again later (same event and eventId)
  --anomaly KIND@START+DURATION  a labelled episode (repeatable), START from the first event time:
                               bot-surge (one customer views at 20x the rate), price-glitch (purchases
                               at 1/100 of the price), checkout-outage (no purchases); e.g. checkout-outage@30m+10m
  --count N                    stop after N events
  --duration D                 stop after D (event time when --start-time is given, else wall time)
  Without --count or --duration the stream runs until Ctrl-C (SIGINT) or SIGTERM.
  Ctrl-C stops generating at once and waits for in-flight batches; Ctrl-C again forces the exit.
${KafkaSettings.flagHelp(["drain-timeout"])}

Content:
  --seed S                     make the stream reproducible (event ids included); printed when omitted
  --mode sessions|independent  sessions: customer visits with views, recommendation clicks, carts and
                               purchases in order (default); independent: each event drawn on its own
  --customers N                customer pool size (default 5000, up to 1,000,000,000: it costs no memory)
  --products N                 catalog size (default 500, up to 100,000,000)
  --start-time ISO             simulated event time from ISO, advancing by the drawn pauses; runs at full speed

Scale:
  --instance I/N               one of N instances (on one machine or many): its own share of the customers,
                               1/N of the rate and of --count, events drawn from (seed, I), header instance
  --workers N                  N instances in Bun workers, each with its own Kafka producer, behind one
                               progress line and one summary (topics and reference data set up once)

Output:
  --dry-run                    write NDJSON events to stdout instead of Kafka (logs stay on stderr)
  --summary-file PATH          write the summary as JSON: {generated, delivered, failed, deadLettered, ...}
  --dead-letter-file PATH      write events that could not be delivered as NDJSON
  --log-format pretty|json     default pretty
  --log-level debug|info|warn|error   default info
  --print [text|json]          each event on stdout once Kafka has it: a readable line (time, type,
                               customer, product, figures, partition@offset), or NDJSON with json
  --truth FILE                 the ground truth, one NDJSON line per window of event time once it is
                               complete: events by type, purchases and revenue by category, distinct
                               customers, duplicates; from delivered events only (schema --entity truth)
  --truth-window D             the windows' length, aligned on the epoch (default 1m)
  --reference-topics           first write the catalog and the customer pool to compacted topics
                               TOPIC-products and TOPIC-customers (key = id, value = JSON)
  --products-topic NAME        another name for the products topic
  --customers-topic NAME       another name for the customers topic
  --metrics-port N             serve /metrics (Prometheus text format) while the run goes, on --metrics-host
                               (default 127.0.0.1); --metrics-linger D keeps it up for D after the summary
  --no-progress                no live progress line
  -h, --help                   this help
  -V, --version                the version

Durations: 500ms, 10s, 5m, 1h, 1d.
Exit codes: 0 all generated events delivered (also after Ctrl-C); 1 some could not be delivered;
            2 bad usage or configuration, or the cluster refused us at start-up; 130 forced stop.
`
