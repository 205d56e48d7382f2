/**
 * --metrics-port: /metrics in the Prometheus text format, from the process's Effect metrics (the
 * producer's and the run's, packages/kafka ProducerMetrics and RunMetrics) through
 * @effect/opentelemetry's metric producer and OpenTelemetry's Prometheus exporter: no second
 * registry. Our own node:http server listens first, so a port in use is a usage error before
 * anything connects to Kafka; it stays up until the summary is written (and --metrics-linger).
 */
import { createServer, type Server } from "node:http"
import { Flags } from "@customer-events/cli"
import { Metrics, Resource } from "@effect/opentelemetry"
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus"
import { Effect, Exit, Layer, Scope } from "effect"

export interface MetricsServer {
  /** host:port it listens on. */
  readonly address: string
  readonly close: () => Promise<void>
}

const listen = (server: Server, host: string, port: number) =>
  new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => {
      server.off("error", reject)
      resolve()
    })
  })

/** Starts serving; a port that cannot be had is a UsageError naming --metrics-port. */
export const start = async (host: string, port: number, version: string): Promise<MetricsServer> => {
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true })
  const server = createServer((request, response) => {
    if (request.method === "GET" && (request.url ?? "").split("?")[0] === "/metrics")
      exporter.getMetricsRequestHandler(request, response)
    else {
      response.statusCode = 404
      response.end("not found: the metrics are at /metrics\n")
    }
  })
  try {
    await listen(server, host, port)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new Flags.UsageError({
      flag: "--metrics-port",
      reason:
        code === "EADDRINUSE"
          ? `${host}:${port} is already in use: choose another port`
          : `cannot listen on ${host}:${port}: ${(error as Error).message}`,
    })
  }
  const scope = Effect.runSync(Scope.make())
  const exporting = Metrics.layer(() => exporter).pipe(
    Layer.provide(Resource.layer({ serviceName: "customer-events", serviceVersion: version })),
  )
  await Effect.runPromise(Layer.buildWithScope(exporting, scope))
  return {
    address: `${host}:${port}`,
    close: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
