/** Customer events: the contract, the catalog, seeded generators and Kafka record encoding. */
export * as Anomaly from "./Anomaly.js"
export * as Catalog from "./Catalog.js"
export * as CustomerEvent from "./CustomerEvent.js"
export * as EventClock from "./EventClock.js"
export * as EventGenerator from "./EventGenerator.js"
export * as EventRecord from "./EventRecord.js"
export * as Pacing from "./Pacing.js"
export * as TrafficProfile from "./TrafficProfile.js"
