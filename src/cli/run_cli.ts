/**
 * `runCli(args, env, io)`: the whole command-line program. Parses flags and
 * env, reads the config file, and runs `serve` (until SIGINT/SIGTERM),
 * `check-config`, `version` or `help`. Returns the exit code: 0 ok, 1
 * runtime failure, 2 bad input.
 *
 * @module
 */

import process from "node:process";
import { readFile } from "node:fs/promises";
import { type Config, ConfigError } from "../config/mod.ts";
import { createServer } from "../server/mod.ts";
import {
  createLogger,
  createMetrics,
  createMetricsHandler,
  type Logger,
} from "../observability/mod.ts";
import type { HttpServer, Runtime } from "../transport/types.ts";
import { buildConfig } from "./build_config.ts";
import { type Overrides, UsageError } from "./overrides.ts";
import { Command, parseCliArgs, USAGE } from "./parse_args.ts";
import { type Env, readEnv } from "./read_env.ts";
import { pickRuntime, runtimeInfo } from "./runtime.ts";
import { VERSION } from "./version.ts";

/** Where the program writes; `main.ts` passes the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stdout is a terminal (pretty logs). */
  isTty?: boolean;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTty: process.stdout.isTTY === true,
};

/** Run the program; resolves with the exit code. */
export async function runCli(
  args: string[],
  env: Env,
  io: CliIo = processIo,
): Promise<number> {
  try {
    const cli = parseCliArgs(args);
    const fromEnv = readEnv(env);
    if (cli.command === Command.Help) return io.stdout(USAGE), 0;
    if (cli.command === Command.Version) {
      const rt = runtimeInfo();
      io.stdout(`jetmq ${VERSION} (${rt.name} ${rt.version})\n`);
      return 0;
    }
    const config = await loadConfig(
      cli.configFile ?? fromEnv.configFile,
      fromEnv.overrides,
      cli.overrides,
    );
    if (cli.command === Command.CheckConfig) {
      io.stdout(JSON.stringify(config, redactSecrets, 2) + "\n");
      return 0;
    }
    return await serve(config, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.stderr(`jetmq: ${err.message}\nRun "jetmq help" for usage.\n`);
      return 2;
    }
    io.stderr(`jetmq: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function loadConfig(
  path: string | undefined,
  env: Overrides,
  flags: Overrides,
): Promise<Config> {
  let file: unknown;
  if (path !== undefined) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      throw new UsageError(
        `Cannot read config file ${path}: ${(err as Error).message}`,
      );
    }
    try {
      file = JSON.parse(text);
    } catch (err) {
      throw new UsageError(
        `Cannot parse config file ${path}: ${(err as Error).message}`,
      );
    }
  }
  return buildConfig({ file, env, flags });
}

async function serve(config: Config, io: CliIo): Promise<number> {
  const logger = createLogger({
    level: config.log.level,
    // Pretty text only on a terminal; pipes and collectors get JSON lines.
    format: config.log.format === "pretty" && io.isTty ? "pretty" : "json",
    write: (line) => io.stdout(line + "\n"),
  });
  const runtime = pickRuntime();
  const metrics = createMetrics();
  let server;
  let http: HttpServer | undefined;
  try {
    server = await createServer(config, {
      runtime,
      logger,
      metrics,
      readTextFile: readNamedFile,
    });
    if (config.metrics !== false) {
      http = await serveMetrics(runtime, config.metrics, metrics, logger);
    }
  } catch (err) {
    logger.error("cannot start", { error: err });
    await server?.close();
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.stderr(`jetmq: ${err.message}\n`);
      return 2;
    }
    return 1;
  }
  logger.info("started", {
    version: VERSION,
    runtime: runtime.name,
    backend: config.backend,
  });
  const signal = await untilSignal();
  logger.info("shutting down", { signal });
  // A second signal during shutdown exits at once.
  const force = () => process.exit(130);
  for (const s of SIGNALS) process.on(s, force);
  try {
    await http?.close();
    await server.close();
  } finally {
    for (const s of SIGNALS) process.off(s, force);
  }
  return 0;
}

async function serveMetrics(
  runtime: Runtime,
  where: { host: string; port: number },
  metrics: ReturnType<typeof createMetrics>,
  logger: Logger,
): Promise<HttpServer> {
  if (!runtime.serveHttp) {
    throw new TypeError(`Cannot serve metrics on ${runtime.name}`);
  }
  const http = await runtime.serveHttp({
    hostname: where.host,
    port: where.port,
    handler: createMetricsHandler(metrics),
  });
  logger.info("listening", {
    kind: "metrics",
    host: http.addr.hostname,
    port: http.addr.port,
  });
  return http;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Resolves with the first SIGINT/SIGTERM, then stops listening for them. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (name: string) => {
      for (const s of SIGNALS) process.off(s, onSignal);
      resolve(name);
    };
    for (const s of SIGNALS) process.on(s, onSignal);
  });
}

/** Read a file the configuration names; a failure is bad input (exit 2). */
async function readNamedFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`Cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

const SECRET_KEYS = new Set(["pass", "password", "token", "secret"]);

/** JSON replacer hiding credentials in `check-config` output. */
function redactSecrets(key: string, value: unknown): unknown {
  return SECRET_KEYS.has(key) && typeof value === "string" ? "***" : value;
}
