/**
 * The seam between the composition root (`server/`) and the per-connection
 * pipeline. `serveConnection(conn, options)` in `mod.ts` runs one connection
 * from its first byte to its close.
 *
 * @module
 */

import type { Logger, Metrics } from "../observability/types.ts";
import type { Router, SetTimer } from "../router/types.ts";
import type { Authenticator } from "../auth/types.ts";
import type { ShutdownGroup } from "./shutdown_group.ts";

/** Protocol limits announced to and enforced on clients. */
export interface Limits {
  /** Largest packet accepted, in bytes (v5 Maximum Packet Size). */
  maxPacketSize: number;
  /** Our Receive Maximum: inbound QoS ≥ 1 publishes in flight. */
  receiveMaximum: number;
  /** Outbound QoS ≥ 1 in flight per session (capped by the client's). */
  maxInflight: number;
  /** Topic aliases the client may use (0 disables). */
  topicAliasMaximum: number;
  /** Upper bound on the keep-alive a client may ask for (0 = none). */
  maxKeepAlive: number;
  /** Seconds allowed between TCP accept and CONNECT. */
  connectTimeout: number;
  /** Bytes of encoded output buffered for a slow reader before QoS 0 is dropped. */
  maxWriteBuffer: number;
  /**
   * Subscriptions one session may hold (default: no limit); filters beyond
   * it get SUBACK 0x97 (v5) or 0x80 (3.1.1), counted.
   */
  maxSubscriptions?: number;
}

/** Options of `serveConnection`. */
export interface ConnectionOptions {
  router: Router;
  limits: Limits;
  logger: Logger;
  metrics: Metrics;
  authenticator?: Authenticator;
  /** Server shutdown: aborted with an MqttError (0x8B) to close gracefully. */
  signal: AbortSignal;
  /**
   * One listener on `signal` shared by all connections (added for speed
   * with many connections); without it each connection listens itself.
   */
  shutdown?: ShutdownGroup;
  /** Injected clock (ms since epoch), for keep-alive and expiry tests. */
  now?: () => number;
  /** Injected timer for connect and keep-alive timeouts (default: the router's). */
  setTimer?: SetTimer;
}
