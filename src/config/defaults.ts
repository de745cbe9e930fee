/**
 * Every default of the configuration, in one place.
 *
 * @module
 */

import type { Config, ListenerKind } from "./schema.ts";

/** Port used when a listener names none. */
export const DEFAULT_PORTS: Readonly<Record<ListenerKind, number>> = Object
  .freeze({ tcp: 1883, tls: 8883, ws: 8080, wss: 8443 });

/** Defaults of the optional listener fields. */
export const LISTENER_DEFAULTS: Readonly<{ host: string; wsPath: string }> =
  Object.freeze({ host: "0.0.0.0", wsPath: "/mqtt" });

/** Defaults of an enabled metrics endpoint (`metrics: true`). */
export const METRICS_DEFAULTS: Readonly<{ host: string; port: number }> = Object
  .freeze({ host: "127.0.0.1", port: 9464 });

/**
 * The configuration used when nothing is given: MQTT on TCP 0.0.0.0:1883,
 * embedded backend in `./data`, anonymous clients allowed, metrics off.
 */
export const DEFAULT_CONFIG: Config = Object.freeze({
  listeners: Object.freeze([
    Object.freeze({ kind: "tcp" as const, host: "0.0.0.0", port: 1883 }),
  ]),
  backend: "embedded" as const,
  data: "./data",
  nats: Object.freeze({
    servers: Object.freeze(["nats://127.0.0.1:4222"]),
    prefix: "$MQTT",
  }),
  limits: Object.freeze({
    // NATS' default max_payload: what the jetstream backend can store.
    maxPacketSize: 1024 * 1024,
    receiveMaximum: 256,
    maxInflight: 256,
    topicAliasMaximum: 64,
    maxKeepAlive: 0,
    connectTimeout: 10,
    maxWriteBuffer: 1024 * 1024,
    maxQueuedMessages: 100_000,
    maxQueuedBytes: 64 * 1024 * 1024,
    maxSubscriptions: 10_000,
    maxRetained: 1_000_000,
    maxRetainedBytes: 1024 * 1024 * 1024,
    maxSessions: 1_000_000,
    maxConnections: 0,
  }),
  auth: Object.freeze({
    allowAnonymous: true,
    users: Object.freeze([]),
    methods: Object.freeze([]),
  }),
  log: Object.freeze({ level: "info" as const, format: "pretty" as const }),
  metrics: false as const,
});
