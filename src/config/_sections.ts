/**
 * One reader per configuration section but `listeners` (`_listeners.ts`).
 * Private to `config/`.
 *
 * @module
 */

import type { ConfigIssue } from "./errors.ts";
import { DEFAULT_CONFIG as D, METRICS_DEFAULTS } from "./defaults.ts";
import type {
  AuthConfig,
  AuthMethodConfig,
  LimitsConfig,
  LogConfig,
  MetricsConfig,
  NatsConfig,
  UserConfig,
} from "./schema.ts";
import {
  type Fields,
  isObject,
  join,
  readArray,
  readBool,
  readEnum,
  readInt,
  readObject,
  readString,
  requireKeys,
} from "./_reader.ts";
import { parsePermissions } from "./_permissions.ts";

const MAX = Number.MAX_SAFE_INTEGER;

/** `nats`: servers (array, or comma-separated string), credentials, prefix. */
export function parseNats(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): NatsConfig {
  const keys = ["servers", "token", "user", "pass", "credsFile", "prefix"];
  const f = readObject(value, path, keys, issues);
  const nats: NatsConfig = {
    servers: parseServers(f, path, issues),
    prefix: readString(f, "prefix", path, {
      fallback: D.nats.prefix,
      nonEmpty: true,
    }, issues),
  };
  // `$` first, so reserved subscriptions (`#`, `+/…`) never see our traffic;
  // one subject token, so stream and subject names derive from it.
  if (!/^\$[A-Za-z0-9_-]+$/.test(nats.prefix)) {
    issues.push({
      path: join(path, "prefix"),
      message: "must be '$' followed by letters, digits, '_' or '-'",
    });
  }
  for (const key of ["token", "user", "pass", "credsFile"] as const) {
    const v = readString(
      f,
      key,
      path,
      { fallback: undefined, nonEmpty: true },
      issues,
    );
    if (v !== undefined) nats[key] = v;
  }
  if (nats.user !== undefined && nats.pass === undefined) {
    issues.push({ path: join(path, "pass"), message: "required with user" });
  }
  if (nats.pass !== undefined && nats.user === undefined) {
    issues.push({ path: join(path, "user"), message: "required with pass" });
  }
  if (nats.token !== undefined && nats.user !== undefined) {
    issues.push({
      path: join(path, "token"),
      message: "cannot be combined with user",
    });
  }
  return nats;
}

function parseServers(
  f: Fields,
  path: string,
  issues: ConfigIssue[],
): string[] {
  const raw = typeof f.servers === "string"
    ? f.servers.split(",").map((s) => s.trim())
    : f.servers;
  const list = readArray({ servers: raw }, "servers", path, issues);
  if (list === undefined) return [...D.nats.servers];
  const servers: string[] = [];
  list.forEach((s, i) => {
    if (typeof s !== "string" || s === "" || /\s/.test(s)) {
      issues.push({
        path: join(join(path, "servers"), i),
        message: "must be a server URL",
      });
    } else servers.push(s);
  });
  if (list.length === 0) {
    issues.push({ path: join(path, "servers"), message: "must not be empty" });
  }
  return servers;
}

/** `limits`: protocol limits, the offline queue bound, server-wide bounds. */
export function parseLimits(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): LimitsConfig {
  const ranges: Record<keyof LimitsConfig, [number, number]> = {
    maxPacketSize: [16, 268_435_455],
    receiveMaximum: [1, 65535],
    maxInflight: [1, 65535],
    topicAliasMaximum: [0, 65535],
    maxKeepAlive: [0, 65535],
    connectTimeout: [1, 3600],
    maxWriteBuffer: [0, MAX],
    maxQueuedMessages: [0, MAX],
    maxQueuedBytes: [0, MAX],
    maxSubscriptions: [1, MAX],
    maxRetained: [0, MAX],
    maxRetainedBytes: [0, MAX],
    maxSessions: [0, MAX],
    maxConnections: [0, MAX],
  };
  const f = readObject(value, path, Object.keys(ranges), issues);
  const limits = { ...D.limits };
  for (const key of Object.keys(ranges) as (keyof LimitsConfig)[]) {
    const [min, max] = ranges[key];
    limits[key] = readInt(
      f,
      key,
      path,
      { min, max, fallback: D.limits[key] },
      issues,
    );
  }
  return limits;
}

/** `auth`: anonymous access, password users (unique names), permissions. */
export function parseAuth(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): AuthConfig {
  const f = readObject(
    value,
    path,
    ["allowAnonymous", "users", "methods", "anonymousPermissions"],
    issues,
  );
  const list = readArray(f, "users", path, issues) ?? [];
  const users: UserConfig[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const userPath = join(join(path, "users"), i);
    const u = readObject(
      item,
      userPath,
      ["username", "password", "permissions"],
      issues,
    );
    const username = readString(u, "username", userPath, {
      fallback: undefined,
      nonEmpty: true,
    }, issues);
    const password = readString(u, "password", userPath, {
      fallback: undefined,
    }, issues);
    requireKeys(u, ["username", "password"], userPath, issues);
    if (username !== undefined && seen.has(username)) {
      issues.push({
        path: join(userPath, "username"),
        message: `duplicate user "${username}"`,
      });
    }
    if (username !== undefined) seen.add(username);
    const permissions = u.permissions === undefined
      ? undefined
      : parsePermissions(u.permissions, join(userPath, "permissions"), issues);
    if (username !== undefined && password !== undefined) {
      users.push(
        permissions
          ? { username, password, permissions }
          : { username, password },
      );
    }
  });
  const auth: AuthConfig = {
    allowAnonymous: readBool(
      f,
      "allowAnonymous",
      path,
      D.auth.allowAnonymous,
      issues,
    ),
    users,
    methods: parseAuthMethods(f, path, issues),
  };
  if (f.anonymousPermissions !== undefined) {
    auth.anonymousPermissions = parsePermissions(
      f.anonymousPermissions,
      join(path, "anonymousPermissions"),
      issues,
    );
  }
  return auth;
}

/** `auth.methods`: `{ module, options? }` entries. */
function parseAuthMethods(
  f: Fields,
  path: string,
  issues: ConfigIssue[],
): AuthMethodConfig[] {
  const list = readArray(f, "methods", path, issues) ?? [];
  const methods: AuthMethodConfig[] = [];
  list.forEach((item, i) => {
    const itemPath = join(join(path, "methods"), i);
    const m = readObject(item, itemPath, ["module", "options"], issues);
    const module = readString(m, "module", itemPath, {
      fallback: undefined,
      nonEmpty: true,
    }, issues);
    requireKeys(m, ["module"], itemPath, issues);
    const options = m.options;
    if (options !== undefined && !isObject(options)) {
      issues.push({
        path: join(itemPath, "options"),
        message: "must be an object",
      });
    }
    if (module === undefined) return;
    methods.push(
      isObject(options) ? { module, options: { ...options } } : { module },
    );
  });
  return methods;
}

/** `log`: level and format. */
export function parseLog(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): LogConfig {
  const f = readObject(value, path, ["level", "format"], issues);
  return {
    level: readEnum(
      f,
      "level",
      path,
      ["debug", "info", "warn", "error"],
      D.log.level,
      issues,
    ),
    format: readEnum(
      f,
      "format",
      path,
      ["json", "pretty"],
      D.log.format,
      issues,
    ),
  };
}

/** `metrics`: `false`/`"off"`/`null` (off), `true`/`"on"` (defaults), or `{ host, port }`. */
export function parseMetrics(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): MetricsConfig {
  if (value === undefined) return D.metrics;
  if (
    value === false || value === null || value === "off" || value === "false"
  ) return false;
  if (value === true || value === "on" || value === "true") {
    return { ...METRICS_DEFAULTS };
  }
  if (typeof value !== "object") {
    issues.push({ path, message: "must be false, true or { host, port }" });
    return false;
  }
  const f = readObject(value, path, ["host", "port"], issues);
  return {
    host: readString(f, "host", path, {
      fallback: METRICS_DEFAULTS.host,
      nonEmpty: true,
    }, issues),
    port: readInt(f, "port", path, {
      min: 0,
      max: 65535,
      fallback: METRICS_DEFAULTS.port,
    }, issues),
  };
}
