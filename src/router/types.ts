/**
 * The router: cross-connection state (sessions, takeover, wills, fan-out)
 * over a `Backend`. Built by `createRouter(options)` in `mod.ts`.
 *
 * @module
 */

import type { Backend } from "../backend/types.ts";
import type { Logger, Metrics } from "../observability/types.ts";

/** Options of `createRouter`. */
export interface RouterOptions {
  backend: Backend;
  logger: Logger;
  metrics: Metrics;
  /** Injected clock (ms since epoch). */
  now?: () => number;
}

/**
 * What connections use. The router helper owns the full shape; `close` is
 * what the composition root needs.
 */
export interface Router {
  readonly backend: Backend;
  /** Publish pending wills whose delay elapsed, stop timers. */
  close(): Promise<void>;
}
