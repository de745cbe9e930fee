/**
 * `parseConfig`: from any input (merged file, env and flag layers) to a
 * frozen, complete `Config`, or a `ConfigError` naming every bad path.
 *
 * @module
 */

import { ConfigError, type ConfigIssue } from "./errors.ts";
import { DEFAULT_CONFIG } from "./defaults.ts";
import type { Config } from "./schema.ts";
import { deepFreeze, readEnum, readObject, readString } from "./_reader.ts";
import { parseListeners } from "./_listeners.ts";
import {
  parseAuth,
  parseLimits,
  parseLog,
  parseMetrics,
  parseNats,
} from "./_sections.ts";

const KEYS = [
  "listeners",
  "backend",
  "data",
  "nats",
  "limits",
  "auth",
  "log",
  "metrics",
] as const;

/**
 * Validates `input` and fills in defaults. Throws `ConfigError` listing every
 * problem (`listeners[1].port: must be an integer 0..65535`). Unknown keys
 * are problems too. Integers and booleans may be given as strings (env).
 *
 * @example
 * ```ts
 * import { parseConfig } from "./parse_config.ts";
 * const config = parseConfig({ listeners: [{ kind: "tcp", port: 1884 }] });
 * config.listeners[0].host; // "0.0.0.0"
 * config.backend; // "embedded"
 * Object.isFrozen(config.limits); // true
 * ```
 */
export function parseConfig(input: unknown): Config {
  const issues: ConfigIssue[] = [];
  const f = readObject(input ?? {}, "", KEYS, issues);
  const config: Config = {
    listeners: parseListeners(f.listeners, "listeners", issues),
    backend: readEnum(
      f,
      "backend",
      "",
      ["embedded", "jetstream"],
      DEFAULT_CONFIG.backend,
      issues,
    ),
    data: readString(f, "data", "", {
      fallback: DEFAULT_CONFIG.data,
      nonEmpty: true,
    }, issues),
    nats: parseNats(f.nats, "nats", issues),
    limits: parseLimits(f.limits, "limits", issues),
    auth: parseAuth(f.auth, "auth", issues),
    log: parseLog(f.log, "log", issues),
    metrics: parseMetrics(f.metrics, "metrics", issues),
  };
  // Fallbacks stand in for bad values: only a clean config is clash-checked.
  if (issues.length === 0) checkListenerClashes(config, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return deepFreeze(config);
}

/** Two listeners (or metrics) on one fixed host:port cannot both bind. */
function checkListenerClashes(config: Config, issues: ConfigIssue[]): void {
  const seen = new Map<string, string>();
  const claim = (host: string, port: number, path: string) => {
    if (port === 0) return;
    const key = `${host}:${port}`;
    const other = seen.get(key);
    if (other !== undefined) {
      issues.push({ path, message: `${key} is already used by ${other}` });
    } else seen.set(key, path);
  };
  config.listeners.forEach((l, i) => claim(l.host, l.port, `listeners[${i}]`));
  if (config.metrics) {
    claim(config.metrics.host, config.metrics.port, "metrics");
  }
}
