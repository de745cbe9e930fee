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
  const live = new Set<{ conn: Conn; done: Promise<void> }>();
  const bound: Listener[] = [];
  try {
    for (const spec of options.listeners) {
      bound.push(await options.runtime.listen(spec));
    }
  } catch (err) {
    for (const l of bound) l.close();
    await options.backend.close();
    throw err;
  }
  const router = options.createRouter({
    backend: options.backend,
    logger,
    metrics,
    now: options.now,
  });
  const connectionOptions: ConnectionOptions = {
    router,
    limits: options.limits,
    logger,
    metrics,
    authenticator: options.authenticator,
    signal: root.signal,
    now: options.now,
  };

  function serve(conn: Conn): void {
    metrics.inc("jetmq_sockets_accepted_total");
    const entry = { conn, done: Promise.resolve() };
    entry.done = options.serveConnection(conn, connectionOptions)
      .catch((err: unknown) => logConnectionError(logger, conn, err))
      .finally(() => {
        conn.close();
        live.delete(entry);
        metrics.set("jetmq_sockets_open", live.size);
      });
    live.add(entry);
    metrics.set("jetmq_sockets_open", live.size);
  }

  const loops = bound.map((listener, i) =>
    acceptLoop(listener, serve, logger, options.listeners[i].kind)
  );
  const listeners = bound.map((l, i) => ({
    kind: options.listeners[i].kind,
    hostname: l.addr.hostname,
    port: l.addr.port,
  }));
  for (const l of listeners) {
    logger.info("listening", { kind: l.kind, host: l.hostname, port: l.port });
  }

  /** Close a part, logging (not throwing) failure or a hang. */
  async function closeBounded(
    part: string,
    close: () => Promise<void>,
  ): Promise<void> {
    const timeout = options.closeTimeoutMs ?? 10_000;
    const done = close().catch((err) =>
      logger.error(`cannot close ${part}`, { error: err })
    );
    if (!await settleWithin(done, timeout)) {
      logger.warn(`${part} did not close in time`, { timeoutMs: timeout });
    }
  }

  let closing: Promise<void> | undefined;
  async function shutdown(reason: MqttError): Promise<void> {
    for (const l of bound) l.close();
    await Promise.all(loops);
    root.abort(reason);
    const timeout = options.shutdownTimeoutMs ?? 5000;
    const drained = await settleWithin(
      Promise.all([...live].map((e) => e.done)),
      timeout,
    );
    if (!drained) {
      logger.warn("closing connections that outlived shutdown", {
        count: live.size,
        timeoutMs: timeout,
      });
      for (const e of live) e.conn.close();
      await settleWithin(Promise.all([...live].map((e) => e.done)), 1000);
    }
    await closeBounded("router", () => router.close());
    await closeBounded("backend", () => options.backend.close());
    logger.info("stopped");
  }

  const server: Server = {
    listeners,
    get connections() {
      return live.size;
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

/** True if `p` settled within `ms`; the timer never outlives the wait. */
async function settleWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true, () => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
