/**
 * The connections being served: each accepted `Conn` runs through
 * `serveConnection`; a rejection is logged, never thrown, and the transport
 * is always closed afterwards. Private to `server/`.
 *
 * @module
 */

import { MqttError } from "../codec/errors.ts";
import type { ConnectionOptions } from "../connection/types.ts";
import type { Logger, Metrics } from "../observability/types.ts";
import { rateLimited } from "../observability/rate_limited.ts";
import type { Conn } from "../transport/types.ts";
import { settleWithin } from "./_settle.ts";

/** Options of `createConnectionSet`. */
export interface ConnectionSetOptions {
  serveConnection(conn: Conn, options: ConnectionOptions): Promise<void>;
  connectionOptions: ConnectionOptions;
  logger: Logger;
  metrics: Metrics;
  /**
   * Connections served at once (`limits.maxConnections`; 0/absent = no
   * bound). Beyond it a new one is closed before anything is read.
   */
  maxConnections?: number;
}

/** Live connections. */
export interface ConnectionSet {
  readonly size: number;
  /** Start serving `conn`. */
  serve(conn: Conn): void;
  /** Wait for every connection to end; false if `ms` passed first. */
  drain(ms: number): Promise<boolean>;
  /** Close every transport now. */
  closeAll(): void;
}

/** Create the set of served connections. */
export function createConnectionSet(
  options: ConnectionSetOptions,
): ConnectionSet {
  const { logger, metrics } = options;
  const live = new Set<{ conn: Conn; done: Promise<void> }>();
  const max = options.maxConnections || Infinity;
  const warn = rateLimited((m, f) => logger.warn(m, f));
  return {
    get size() {
      return live.size;
    },
    serve(conn) {
      metrics.inc("jetmq_sockets_accepted_total");
      if (live.size >= max) {
        // As mosquitto's max_connections: closed before reading CONNECT.
        conn.close();
        metrics.inc("jetmq_connections_refused_total");
        warn("connection refused: limits.maxConnections reached", {
          remote: `${conn.remote.address}:${conn.remote.port}`,
          maxConnections: max,
        });
        return;
      }
      const entry = { conn, done: Promise.resolve() };
      entry.done = options.serveConnection(conn, options.connectionOptions)
        .catch((err: unknown) => logConnectionError(logger, conn, err))
        .finally(() => {
          conn.close();
          live.delete(entry);
          metrics.set("jetmq_sockets_open", live.size);
        });
      live.add(entry);
      metrics.set("jetmq_sockets_open", live.size);
    },
    drain(ms) {
      return settleWithin(Promise.all([...live].map((e) => e.done)), ms);
    },
    closeAll() {
      for (const e of live) e.conn.close();
    },
  };
}

function logConnectionError(logger: Logger, conn: Conn, err: unknown): void {
  const fields = {
    remote: `${conn.remote.address}:${conn.remote.port}`,
    error: err instanceof Error ? err.message : String(err),
  };
  if (err instanceof MqttError) {
    logger.debug("connection closed", {
      ...fields,
      reasonCode: err.reasonCode,
    });
  } else {
    logger.warn("connection failed", fields);
  }
}
