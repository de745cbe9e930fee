/**
 * `JETMQ_*` environment variables as overrides. The environment is passed
 * in; nothing here reads the process.
 *
 * @module
 */

import { type Overrides, parsePort, splitList } from "./overrides.ts";

/** Environment variables as a plain record. */
export type Env = Record<string, string | undefined>;

/** The overrides found in `env`, plus `JETMQ_CONFIG` if set. */
export function readEnv(
  env: Env,
): { configFile?: string; overrides: Overrides } {
  const o: Overrides = {};
  const str = (name: string) => {
    const v = env[name];
    return v === undefined || v === "" ? undefined : v;
  };
  const port = (name: string) => {
    const v = str(name);
    return v === undefined ? undefined : parsePort(v, name);
  };
  const set = <K extends keyof Overrides>(key: K, value: Overrides[K]) => {
    if (value !== undefined) o[key] = value;
  };
  set("host", str("JETMQ_HOST"));
  set("port", port("JETMQ_PORT"));
  set("data", str("JETMQ_DATA"));
  const nats = str("JETMQ_NATS");
  set("nats", nats === undefined ? undefined : splitList([nats]));
  set("natsToken", str("JETMQ_NATS_TOKEN"));
  set("natsUser", str("JETMQ_NATS_USER"));
  set("natsPass", str("JETMQ_NATS_PASS"));
  set("natsCreds", str("JETMQ_NATS_CREDS"));
  set("logLevel", str("JETMQ_LOG_LEVEL"));
  set("metricsPort", port("JETMQ_METRICS_PORT"));
  set("tlsCert", str("JETMQ_TLS_CERT"));
  set("tlsKey", str("JETMQ_TLS_KEY"));
  set("tlsPort", port("JETMQ_TLS_PORT"));
  set("wsPort", port("JETMQ_WS_PORT"));
  return { configFile: str("JETMQ_CONFIG"), overrides: o };
}
