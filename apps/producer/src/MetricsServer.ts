/**
 * --metrics-port: /metrics in the Prometheus text format, from the process's Effect metrics (the
 * producer's and the run's, packages/kafka ProducerMetrics and RunMetrics) through Effect's own
 * Prometheus formatter: no second registry. Our own node:http server listens first, so a port in
 * use is a usage error before anything connects to Kafka; it stays up until the summary is written
 * (and --metrics-linger).
 */
import { createServer, type Server } from "node:http"
import { Flags } from "@customer-events/cli"
import { Context } from "effect"
import { PrometheusMetrics } from "effect/observability"

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
export const start = async (host: string, port: number): Promise<MetricsServer> => {
  const server = createServer((request, response) => {
    if (request.method === "GET" && (request.url ?? "").split("?")[0] === "/metrics") {
      response.setHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
      // The process's one registry: the default of every Effect run in this thread.
      response.end(PrometheusMetrics.formatUnsafe(Context.empty()))
    } else {
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
  return {
    address: `${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
