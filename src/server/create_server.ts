/**
 * `createServer(config, options)`: the composition root. Turns a `Config`
 * into an open backend, listeners (through the injected `Runtime`), the
 * router and `serveConnection` for each accepted connection.
 *
 * @module
 */

import type { Config, ListenerConfig } from "../config/mod.ts";
import type { Backend } from "../backend/types.ts";
import type { Logger, Metrics } from "../observability/types.ts";
import type { Runtime } from "../transport/types.ts";
import { createRouter } from "../router/mod.ts";
import { serveConnection } from "../connection/mod.ts";
import { createEmbeddedBackend } from "../backend/embedded/mod.ts";
import { createAuthenticator } from "../auth/mod.ts";
import { type ListenerSpec, type Server, startServer } from "./start_server.ts";

/** Options of `createServer`: what the CLI provides. */
export interface CreateServerOptions {
  runtime: Runtime;
  logger: Logger;
  metrics: Metrics;
  /** Reads a PEM file named by the config (the CLI passes node:fs). */
  readTextFile(path: string): Promise<string>;
  /** Longest wait for connections on shutdown (default 5000 ms). */
  shutdownTimeoutMs?: number;
}

/** Open the backend, bind every listener and start serving. */
export async function createServer(
  config: Config,
  options: CreateServerOptions,
): Promise<Server> {
  const listeners = await Promise.all(
    config.listeners.map((l) => toListenerSpec(l, options.readTextFile)),
  );
  const backend = await openBackend(config, options);
  return await startServer({
    runtime: options.runtime,
    listeners,
    backend,
    limits: config.limits,
    logger: options.logger,
    metrics: options.metrics,
    authenticator: createAuthenticator({
      users: config.auth.users,
      allowAnonymous: config.auth.allowAnonymous,
    }),
    createRouter,
    serveConnection,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
  });
}

async function toListenerSpec(
  l: ListenerConfig,
  readTextFile: (path: string) => Promise<string>,
): Promise<ListenerSpec> {
  const spec: ListenerSpec = { kind: l.kind, hostname: l.host, port: l.port };
  if (l.kind === "ws" || l.kind === "wss") {
    spec.websocket = { path: l.path ?? "/mqtt" };
  }
  if (l.kind === "tls" || l.kind === "wss") {
    if (!l.tls) {
      throw new RangeError(`Cannot listen on ${l.kind}: no certificate`);
    }
    const [cert, key, ca] = await Promise.all([
      readTextFile(l.tls.certFile),
      readTextFile(l.tls.keyFile),
      l.tls.caFile ? readTextFile(l.tls.caFile) : undefined,
    ]);
    spec.tls = { cert, key, ca };
  }
  return spec;
}

function openBackend(
  config: Config,
  options: CreateServerOptions,
): Promise<Backend> {
  if (config.backend === "jetstream") {
    // TODO(#4): open NATS with transport/nats.ts and build the JetStream backend.
    return Promise.reject(
      new RangeError(
        "Cannot start: the jetstream backend is not implemented yet",
      ),
    );
  }
  return createEmbeddedBackend({
    dir: config.data,
    logger: options.logger,
    metrics: options.metrics,
    maxQueuedMessages: config.limits.maxQueuedMessages,
    maxQueuedBytes: config.limits.maxQueuedBytes,
  });
}
