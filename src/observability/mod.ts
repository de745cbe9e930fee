/**
 * Observability: the `Logger`/`Metrics` seams, the structured logger writing
 * through an injected function, the Prometheus registry and its
 * `(Request) => Response` handler. Imports nothing of ours; never prints.
 *
 * @module
 */

export {
  type LogFields,
  type Logger,
  type Metrics,
  nullLogger,
  nullMetrics,
} from "./types.ts";
export {
  createLogger,
  type LoggerOptions,
  type LogLevel,
  type StructuredLogger,
} from "./logger.ts";
export { createMetrics, type MetricsRegistry } from "./metrics.ts";
export { rateLimited, type RateLimitedOptions } from "./rate_limited.ts";
export {
  createMetricsHandler,
  type MetricsHandlerOptions,
  PROMETHEUS_CONTENT_TYPE,
} from "./metrics_handler.ts";
