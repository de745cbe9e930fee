/**
 * Command-line parsing with `node:util` `parseArgs`: the subcommand, the
 * config file path and the flag overrides.
 *
 * @module
 */

import { parseArgs as parseNodeArgs } from "node:util";
import {
  type Overrides,
  parsePort,
  splitList,
  UsageError,
} from "./overrides.ts";

/** The subcommands. */
export const Command = {
  Serve: "serve",
  CheckConfig: "check-config",
  Version: "version",
  Help: "help",
} as const;
export type Command = typeof Command[keyof typeof Command];

/** What the command line asked for. */
export interface CliArgs {
  command: Command;
  configFile?: string;
  overrides: Overrides;
}

/** Usage text printed by `help` and on bad input. */
export const USAGE = `Usage: jetmq [serve|check-config|version|help] [flags]

Flags (precedence: flags > JETMQ_* env > --config file > defaults):
  --host <addr>          listen address (default 0.0.0.0)       JETMQ_HOST
  --port <n>             MQTT TCP port (default 1883, 0 = any)  JETMQ_PORT
  --data <dir>           embedded backend directory (./data)    JETMQ_DATA
  --nats <url>           NATS server(s), repeatable or comma-separated;
                         selects the jetstream backend          JETMQ_NATS
  --nats-token <t>       NATS token                             JETMQ_NATS_TOKEN
  --nats-user <u>        NATS user                              JETMQ_NATS_USER
  --nats-pass <p>        NATS password                          JETMQ_NATS_PASS
  --nats-creds <file>    NATS credentials file                  JETMQ_NATS_CREDS
  --config <file.json>   configuration file                     JETMQ_CONFIG
  --log-level <level>    debug|info|warn|error (default info)   JETMQ_LOG_LEVEL
  --metrics-port <n>     serve Prometheus metrics on this port  JETMQ_METRICS_PORT
  --tls-cert <file>      PEM certificate for the TLS listener   JETMQ_TLS_CERT
  --tls-key <file>       PEM private key for the TLS listener   JETMQ_TLS_KEY
  --tls-port <n>         MQTT over TLS port (default 8883)      JETMQ_TLS_PORT
  --ws-port <n>          MQTT over WebSocket port (path /mqtt)  JETMQ_WS_PORT
`;

const OPTIONS = {
  host: { type: "string" },
  port: { type: "string" },
  data: { type: "string" },
  nats: { type: "string", multiple: true },
  "nats-token": { type: "string" },
  "nats-user": { type: "string" },
  "nats-pass": { type: "string" },
  "nats-creds": { type: "string" },
  config: { type: "string" },
  "log-level": { type: "string" },
  "metrics-port": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-port": { type: "string" },
  "ws-port": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** Parse `args` (without the program name); throws `UsageError`. */
export function parseCliArgs(args: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  const { values: v, positionals } = parsed;
  if (positionals.length > 1) {
    throw new UsageError(`Unexpected argument "${positionals[1]}"`);
  }
  const command = v.help
    ? Command.Help
    : v.version
    ? Command.Version
    : toCommand(positionals[0] ?? Command.Serve);
  const o: Overrides = {};
  if (v.host !== undefined) o.host = v.host;
  if (v.port !== undefined) o.port = parsePort(v.port, "--port");
  if (v.data !== undefined) o.data = v.data;
  if (v.nats !== undefined) o.nats = splitList(v.nats);
  if (v["nats-token"] !== undefined) o.natsToken = v["nats-token"];
  if (v["nats-user"] !== undefined) o.natsUser = v["nats-user"];
  if (v["nats-pass"] !== undefined) o.natsPass = v["nats-pass"];
  if (v["nats-creds"] !== undefined) o.natsCreds = v["nats-creds"];
  if (v["log-level"] !== undefined) o.logLevel = v["log-level"];
  if (v["metrics-port"] !== undefined) {
    o.metricsPort = parsePort(v["metrics-port"], "--metrics-port");
  }
  if (v["tls-cert"] !== undefined) o.tlsCert = v["tls-cert"];
  if (v["tls-key"] !== undefined) o.tlsKey = v["tls-key"];
  if (v["tls-port"] !== undefined) {
    o.tlsPort = parsePort(v["tls-port"], "--tls-port");
  }
  if (v["ws-port"] !== undefined) {
    o.wsPort = parsePort(v["ws-port"], "--ws-port");
  }
  return { command, configFile: v.config, overrides: o };
}

function toCommand(word: string): Command {
  const all: string[] = Object.values(Command);
  if (!all.includes(word)) {
    throw new UsageError(
      `Unknown command "${word}" (expected serve, check-config, version or help)`,
    );
  }
  return word as Command;
}
