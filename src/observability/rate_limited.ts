/**
 * `rateLimited`: a log call that writes at most once per interval, so a
 * misbehaving client cannot flood the log with one repeated warning.
 *
 * @module
 */

import type { LogFields } from "./types.ts";

/** Options of `rateLimited`. */
export interface RateLimitedOptions {
  /** Shortest time between two written lines, ms (default 10 000). */
  intervalMs?: number;
  /** Injected clock (ms since epoch). */
  now?: () => number;
}

/**
 * Wraps `log` (e.g. `logger.warn`) so it writes at most once per
 * `intervalMs`; the next written line carries `suppressed`, the number of
 * calls dropped since the last one.
 *
 * @example
 * ```ts
 * import { rateLimited } from "./rate_limited.ts";
 * const lines: unknown[] = [];
 * let t = 0;
 * const warn = rateLimited((m, f) => lines.push([m, f]), {
 *   intervalMs: 1000,
 *   now: () => t,
 * });
 * warn("full"); warn("full"); t = 1000; warn("full");
 * lines.length; // 2
 * ```
 */
export function rateLimited(
  log: (message: string, fields?: LogFields) => void,
  options: RateLimitedOptions = {},
): (message: string, fields?: LogFields) => void {
  const interval = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  let last = -Infinity;
  let suppressed = 0;
  return (message, fields) => {
    const t = now();
    if (t - last < interval) {
      suppressed++;
      return;
    }
    last = t;
    log(message, suppressed > 0 ? { ...fields, suppressed } : fields);
    suppressed = 0;
  };
}
