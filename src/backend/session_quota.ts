/**
 * `createSessionQuota`: the server-wide bound on stored persistent sessions
 * (`limits.maxSessions`), shared by both backends. Each backend counts its
 * own sessions and asks `allows` before storing a new one.
 *
 * @module
 */

import type { Logger, Metrics } from "../observability/types.ts";
import { rateLimited } from "../observability/rate_limited.ts";
import { QuotaExceededError } from "./types.ts";

/** Options of `createSessionQuota`. */
export interface SessionQuotaOptions {
  /** Persistent sessions stored (0 or absent = no bound). */
  maxSessions?: number;
  logger: Logger;
  metrics: Metrics;
  /** Injected clock (ms since epoch), for the log rate limit. */
  now?: () => number;
}

/** What a backend asks before storing a new persistent session. */
export interface SessionQuota {
  /** Whether the bound is finite and `stored` sessions have reached it. */
  full(stored: number): boolean;
  /**
   * The refusal of `clientId`'s new session: counted in
   * `jetmq_sessions_refused_total`, logged at warn (rate-limited).
   */
  refuse(clientId: string): QuotaExceededError;
}

/**
 * Creates the bound.
 *
 * @example
 * ```ts
 * import { createSessionQuota } from "./session_quota.ts";
 * import { nullLogger, nullMetrics } from "../observability/types.ts";
 * const quota = createSessionQuota({
 *   maxSessions: 2,
 *   logger: nullLogger,
 *   metrics: nullMetrics,
 * });
 * quota.full(2); // true
 * quota.refuse("c").reasonCode; // 0x97
 * ```
 */
export function createSessionQuota(options: SessionQuotaOptions): SessionQuota {
  const max = options.maxSessions || Infinity;
  const warn = rateLimited(
    (m, f) => options.logger.warn(m, f),
    { now: options.now },
  );
  return {
    full: (stored) => stored >= max,
    refuse(clientId) {
      options.metrics.inc("jetmq_sessions_refused_total");
      warn("new persistent session refused: server-wide limit reached", {
        clientId: clientId.slice(0, 200),
        maxSessions: max,
      });
      return new QuotaExceededError(
        "maxSessions",
        `Cannot open session ${clientId}: limits.maxSessions reached`,
      );
    },
  };
}
