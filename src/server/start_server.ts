/**
 * The running server: binds listeners through a `Runtime`, hands every
 * accepted connection to `serveConnection` under one root `AbortSignal`, and
 * shuts down in order (stop accepting, abort connections, wait bounded,
 * close router, close backend).
 *
 * @module
 */

import { MqttError } from "../codec/errors.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import type { Backend } from "../backend/types.ts";
import type { ConnectionOptions, Limits } from "../connection/types.ts";
import { createShutdownGroup } from "../connection/mod.ts";
import { createConnectionSet } from "./_connection_set.ts";
import { settleWithin } from "./_settle.ts";
import type { Authenticator } from "../auth/types.ts";
import type { Logger, Metrics } from "../observability/types.ts";
import type { Router, RouterOptions } from "../router/types.ts";
import type { Conn, Listener, Runtime } from "../transport/types.ts";

/** One listener to bind. */
export interface ListenerSpec {
  kind: "tcp" | "tls" | "ws" | "wss";
  hostname: string;
  port: number;
  /** PEM contents, required for `tls` and `wss`. */
  tls?: { cert: string; key: string; ca?: string };
  /** HTTP path, required for `ws` and `wss`. */
  websocket?: { path: string };
}

/** Options of `startServer`; every collaborator is injected. */
export interface StartServerOptions {
  runtime: Runtime;
  listeners: ListenerSpec[];
  /** An open backend; the server closes it on shutdown. */
  backend: Backend;
  limits: Limits;
  /** Open connections across all listeners (0/absent = no bound). */
  maxConnections?: number;
  logger: Logger;
  metrics: Metrics;
  authenticator?: Authenticator;
  createRouter(options: RouterOptions): Router;
  serveConnection(conn: Conn, options: ConnectionOptions): Promise<void>;
  /** Longest wait for connections to close on shutdown (default 5000 ms). */
  shutdownTimeoutMs?: number;
  /** Longest wait for router and backend to close (default 10 000 ms). */
  closeTimeoutMs?: number;
  now?: () => number;
}

/** A bound listener as reported to users and tests. */
export interface BoundListener {
  kind: ListenerSpec["kind"];
  hostname: string;
  port: number;
}

/** A running server. */
export interface Server extends AsyncDisposable {
  readonly listeners: readonly BoundListener[];
  /** Connections currently being served. */
  readonly connections: number;
  /**
   * Stop accepting, abort every connection with `reason` (default 0x8B
   * Server shutting down), wait for them (bounded), close router and
   * backend. Safe to call more than once.
   */
  close(reason?: MqttError): Promise<void>;
}

/** Bind every listener and start serving; rejects if any bind fails. */
export async function startServer(
  options: StartServerOptions,
): Promise<Server> {
  const { logger, metrics } = options;
  const root = new AbortController();
  const bound = await bindAll(options);
  const router = options.createRouter({
    backend: options.backend,
    logger,
    metrics,
    now: options.now,
  });
  const connections = createConnectionSet({
    serveConnection: options.serveConnection,
    connectionOptions: {
      router,
      limits: options.limits,
      logger,
      metrics,
      authenticator: options.authenticator,
      signal: root.signal,
      shutdown: createShutdownGroup(root.signal),
      now: options.now,
    },
    logger,
    metrics,
    maxConnections: options.maxConnections,
  });
  const loops = bound.map((listener, i) =>
    acceptLoop(listener, connections.serve, logger, options.listeners[i].kind)
  );
  const listeners = bound.map((l, i) => ({
    kind: options.listeners[i].kind,
    hostname: l.addr.hostname,
    port: l.addr.port,
  }));
  for (const l of listeners) {
    logger.info("listening", { kind: l.kind, host: l.hostname, port: l.port });
  }

  const closeBounded = async (part: string, close: () => Promise<void>) => {
    const timeout = options.closeTimeoutMs ?? 10_000;
    const done = close().catch((err) =>
      logger.error(`cannot close ${part}`, { error: err })
    );
    if (!await settleWithin(done, timeout)) {
      logger.warn(`${part} did not close in time`, { timeoutMs: timeout });
    }
  };
  const shutdown = async (reason: MqttError): Promise<void> => {
    for (const l of bound) l.close();
    await Promise.all(loops);
    root.abort(reason);
    const timeout = options.shutdownTimeoutMs ?? 5000;
    if (!await connections.drain(timeout)) {
      logger.warn("closing connections that outlived shutdown", {
        count: connections.size,
        timeoutMs: timeout,
      });
      connections.closeAll();
      await connections.drain(1000);
    }
    await closeBounded("router", () => router.close());
    await closeBounded("backend", () => options.backend.close());
    logger.info("stopped");
  };

  let closing: Promise<void> | undefined;
  const server: Server = {
    listeners,
    get connections() {
      return connections.size;
    },
    close(
      reason = new MqttError(
        ReasonCode.ServerShuttingDown,
        "Server shutting down",
      ),
    ) {
      closing ??= shutdown(reason);
      return closing;
    },
    [Symbol.asyncDispose]() {
      return server.close();
    },
  };
  return server;
}

/** Bind every listener, or close those bound and the backend, and throw. */
async function bindAll(options: StartServerOptions): Promise<Listener[]> {
  const bound: Listener[] = [];
  try {
    for (const spec of options.listeners) {
      bound.push(await options.runtime.listen(spec));
    }
    return bound;
  } catch (err) {
    for (const l of bound) l.close();
    await options.backend.close();
    throw err;
  }
}

async function acceptLoop(
  listener: Listener,
  serve: (conn: Conn) => void,
  logger: Logger,
  kind: string,
): Promise<void> {
  try {
    for await (const conn of listener) serve(conn);
  } catch (err) {
    logger.error("listener failed", { kind, error: String(err) });
  }
}
