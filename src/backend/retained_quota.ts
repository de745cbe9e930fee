/**
 * `createRetainedQuota`: the server-wide bounds on retained messages
 * (`limits.maxRetained` topics, `limits.maxRetainedBytes` payload bytes),
 * shared by both backends. The backend reports every change of its retained
 * store through `update` and asks `check` before storing.
 *
 * @module
 */

import type { Logger, Metrics } from "../observability/types.ts";
import { rateLimited } from "../observability/rate_limited.ts";
import { type Message, QuotaExceededError } from "./types.ts";

/** Options of `createRetainedQuota`. */
export interface RetainedQuotaOptions {
  /** Retained topics kept (0 or absent = no bound). */
  maxRetained?: number;
  /** Retained payload bytes kept (0 or absent = no bound). */
  maxRetainedBytes?: number;
  logger: Logger;
  metrics: Metrics;
  /** Injected clock (ms since epoch), for the log rate limit. */
  now?: () => number;
}

/** What a backend's retained store asks and tells. */
export interface RetainedQuota {
  /**
   * Throws `QuotaExceededError` (counted in `jetmq_retained_refused_total`,
   * logged at warn, rate-limited) when storing `message` would create a new
   * topic beyond `maxRetained` or grow the bytes beyond `maxRetainedBytes`.
   * `previous` is the payload size of the topic's retained copy (undefined
   * when none). Deleting (empty payload) and replacing without growing past
   * the byte bound always pass.
   */
  check(message: Message, previous: number | undefined): void;
  /** A topic's copy went from `previous` to `next` bytes (undefined = none). */
  update(previous: number | undefined, next: number | undefined): void;
  /** Topics and bytes counted now. */
  readonly count: number;
  readonly bytes: number;
}

/**
 * Creates the counters at zero.
 *
 * @example
 * ```ts
 * import { createRetainedQuota } from "./retained_quota.ts";
 * import { nullLogger, nullMetrics } from "../observability/types.ts";
 * const quota = createRetainedQuota({
 *   maxRetained: 1,
 *   logger: nullLogger,
 *   metrics: nullMetrics,
 * });
 * const m = { topic: "a", payload: new Uint8Array(1), qos: 0, retain: true } as const;
 * quota.check(m, undefined);
 * quota.update(undefined, 1);
 * quota.count; // 1
 * ```
 */
export function createRetainedQuota(
  options: RetainedQuotaOptions,
): RetainedQuota {
  const maxCount = options.maxRetained || Infinity;
  const maxBytes = options.maxRetainedBytes || Infinity;
  const warn = rateLimited(
    (m, f) => options.logger.warn(m, f),
    { now: options.now },
  );
  let count = 0;
  let bytes = 0;

  const refuse = (
    limit: "maxRetained" | "maxRetainedBytes",
    topic: string,
  ): never => {
    options.metrics.inc("jetmq_retained_refused_total");
    warn("retained message refused: server-wide limit reached", {
      limit,
      topic: topic.slice(0, 200),
      retained: count,
      retainedBytes: bytes,
    });
    throw new QuotaExceededError(
      limit,
      `Cannot retain message: limits.${limit} reached`,
    );
  };

  return {
    check(message, previous) {
      const next = message.payload.length;
      if (next === 0) return;
      if (previous === undefined && count + 1 > maxCount) {
        refuse("maxRetained", message.topic);
      }
      const grow = next - (previous ?? 0);
      if (grow > 0 && bytes + grow > maxBytes) {
        refuse("maxRetainedBytes", message.topic);
      }
    },
    update(previous, next) {
      if (previous !== undefined) {
        count--;
        bytes -= previous;
      }
      if (next !== undefined) {
        count++;
        bytes += next;
      }
    },
    get count() {
      return count;
    },
    get bytes() {
      return bytes;
    },
  };
}
