/**
 * Resolves the configuration layers, lowest precedence first: defaults
 * (applied by `parseConfig`), the config file, `JETMQ_*` env, then flags.
 * Flag and env overrides act on listeners by kind: `--port` sets the TCP
 * listener, `--tls-*` the TLS one, `--ws-port` the WebSocket one (each is
 * added when missing), `--host` every listener.
 *
 * @module
 */

import {
  type Config,
  type ConfigInput,
  DEFAULT_CONFIG,
  type ListenerConfig,
  mergeConfig,
  parseConfig,
} from "../config/mod.ts";
import { type Overrides, UsageError } from "./overrides.ts";

/** The layers of `buildConfig`. */
export interface ConfigLayers {
  /** Parsed JSON of the config file, if one was given. */
  file?: unknown;
  env: Overrides;
  flags: Overrides;
}

/** Merge and validate; throws `ConfigError` (bad values) or `UsageError`. */
export function buildConfig(layers: ConfigLayers): Config {
  const file = layers.file ?? {};
  if (typeof file !== "object" || file === null || Array.isArray(file)) {
    throw new UsageError("Invalid config file: must hold a JSON object");
  }
  const withEnv = applyOverrides(file as ConfigInput, layers.env);
  return parseConfig(applyOverrides(withEnv, layers.flags));
}

type ListenerInput = Partial<ListenerConfig> & Record<string, unknown>;

/** Lay `o` over `input` (a partial config); pure. */
export function applyOverrides(input: ConfigInput, o: Overrides): ConfigInput {
  const layer: Record<string, unknown> = {};
  if (o.data !== undefined) layer.data = o.data;
  if (o.logLevel !== undefined) layer.log = { level: o.logLevel };
  if (o.metricsPort !== undefined) layer.metrics = { port: o.metricsPort };
  const nats: Record<string, unknown> = {};
  if (o.nats !== undefined) {
    nats.servers = o.nats;
    layer.backend = "jetstream";
  }
  if (o.natsToken !== undefined) nats.token = o.natsToken;
  if (o.natsUser !== undefined) nats.user = o.natsUser;
  if (o.natsPass !== undefined) nats.pass = o.natsPass;
  if (o.natsCreds !== undefined) nats.credsFile = o.natsCreds;
  if (Object.keys(nats).length > 0) layer.nats = nats;
  const listeners = overrideListeners(input.listeners, o);
  if (listeners) layer.listeners = listeners;
  return mergeConfig([input, layer]) as ConfigInput;
}

function overrideListeners(
  given: unknown,
  o: Overrides,
): ListenerInput[] | undefined {
  const touches = o.host ?? o.port ?? o.tlsPort ?? o.tlsCert ?? o.tlsKey ??
    o.wsPort;
  if (touches === undefined) return undefined;
  const base: ListenerInput[] = Array.isArray(given)
    ? given.map((l) => ({ ...l }))
    : DEFAULT_CONFIG.listeners.map((l) => ({ ...l }));
  const of = (kind: ListenerConfig["kind"]): ListenerInput => {
    let l = base.find((x) => x.kind === kind);
    if (!l) base.push(l = { kind });
    return l;
  };
  if (o.port !== undefined) of("tcp").port = o.port;
  if (
    o.tlsPort !== undefined || o.tlsCert !== undefined || o.tlsKey !== undefined
  ) {
    const tls = of("tls");
    if (o.tlsPort !== undefined) tls.port = o.tlsPort;
    const files = { ...(tls.tls as Record<string, unknown> | undefined) };
    if (o.tlsCert !== undefined) files.certFile = o.tlsCert;
    if (o.tlsKey !== undefined) files.keyFile = o.tlsKey;
    tls.tls = files as unknown as ListenerConfig["tls"];
  }
  if (o.wsPort !== undefined) of("ws").port = o.wsPort;
  if (o.host !== undefined) { for (const l of base) l.host = o.host; }
  return base;
}
