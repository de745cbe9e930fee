/**
 * `createMetricsHandler`: the `/metrics` endpoint as a web-standard
 * `(Request) => Response`, for a transport adapter to serve.
 *
 * @module
 */

import type { MetricsRegistry } from "./metrics.ts";

/** Options of `createMetricsHandler`. */
export interface MetricsHandlerOptions {
  /** Path served (default `/metrics`). */
  path?: string;
}

/** The content type of the Prometheus text format. */
export const PROMETHEUS_CONTENT_TYPE =
  "text/plain; version=0.0.4; charset=utf-8";

/**
 * Serves `GET`/`HEAD <path>` with the rendered metrics; 404 elsewhere, 405
 * for other methods.
 *
 * @example
 * ```ts
 * import { createMetrics } from "./metrics.ts";
 * import { createMetricsHandler } from "./metrics_handler.ts";
 * const metrics = createMetrics();
 * metrics.set("jetmq_connections", 3);
 * const handler = createMetricsHandler(metrics);
 * const res = handler(new Request("http://localhost/metrics"));
 * res.status; // 200
 * ```
 */
export function createMetricsHandler(
  metrics: MetricsRegistry,
  options: MetricsHandlerOptions = {},
): (req: Request) => Response {
  const path = options.path ?? "/metrics";
  return (req) => {
    if (new URL(req.url).pathname !== path) {
      return new Response("Not Found\n", { status: 404 });
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("Method Not Allowed\n", {
        status: 405,
        headers: { allow: "GET, HEAD" },
      });
    }
    const body = req.method === "HEAD" ? null : metrics.render();
    return new Response(body, {
      status: 200,
      headers: { "content-type": PROMETHEUS_CONTENT_TYPE },
    });
  };
}
