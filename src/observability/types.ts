/**
 * Logging and metrics seams. Everything in `src/` logs through an injected
 * `Logger` and counts through an injected `Metrics`; nothing prints.
 *
 * @module
 */

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** A leveled, structured logger. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Counters and gauges, named in Prometheus style (`jetmq_…`). */
export interface Metrics {
  /** Add `by` (default 1) to a counter. */
  inc(name: string, by?: number): void;
  /** Set a gauge. */
  set(name: string, value: number): void;
}

/** A logger that drops everything (tests, benchmarks). */
export const nullLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Metrics that count nothing. */
export const nullMetrics: Metrics = {
  inc() {},
  set() {},
};
