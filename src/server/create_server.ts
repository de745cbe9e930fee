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
import { createJetStreamBackend } from "../backend/jetstream/mod.ts";
import { openNats } from "../transport/nats.ts";
import type { NatsConnection } from "@nats-io/transport-node";
import { type ListenerSpec, type Server, startServer } from "./start_server.ts";
import { loadAuthMethods } from "./load_auth_methods.ts";

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
  // Before the backend opens: a bad module is a configuration error.
  const methods = await loadAuthMethods(config.auth.methods);
  const backend = await openBackend(config, options);
  return await startServer({
    runtime: options.runtime,
    listeners,
    backend,
    limits: config.limits,
    maxConnections: config.limits.maxConnections,
    logger: options.logger,
    metrics: options.metrics,
    authenticator: createAuthenticator({
      users: config.auth.users,
      allowAnonymous: config.auth.allowAnonymous,
      anonymousPermissions: config.auth.anonymousPermissions,
      methods,
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

async function openBackend(
  config: Config,
  options: CreateServerOptions,
): Promise<Backend> {
  const { logger, metrics } = options;
  if (config.backend === "embedded") {
    return await createEmbeddedBackend({
      dir: config.data,
      logger,
      metrics,
      maxQueuedMessages: config.limits.maxQueuedMessages,
      maxQueuedBytes: config.limits.maxQueuedBytes,
      maxRetained: config.limits.maxRetained,
      maxRetainedBytes: config.limits.maxRetainedBytes,
      maxSessions: config.limits.maxSessions,
    });
  }
  const nc = await openNats({
    ...config.nats,
    servers: [...config.nats.servers],
  });
  logger.info("connected to NATS", { server: nc.getServer() });
  try {
    const backend = await createJetStreamBackend({
      nc,
      logger,
      metrics,
      prefix: config.nats.prefix,
      maxQueuedMessages: config.limits.maxQueuedMessages,
      maxQueuedBytes: config.limits.maxQueuedBytes,
      maxRetained: config.limits.maxRetained,
      maxRetainedBytes: config.limits.maxRetainedBytes,
      maxSessions: config.limits.maxSessions,
    });
    return closingNats(backend, nc);
  } catch (err) {
    await nc.close();
    throw err;
  }
}

/** `backend`, whose `close()` also closes the NATS connection it was given. */
function closingNats(backend: Backend, nc: NatsConnection): Backend {
  return {
    name: backend.name,
    publish: (message) => backend.publish(message),
    openSession: (o) => backend.openSession(o),
    retained: (filter) => backend.retained(filter),
    stats: () => backend.stats(),
    async close() {
      try {
        await backend.close();
      } finally {
        await nc.drain();
      }
    },
  };
}
