/**
 * The `listeners` section. Private to `config/`.
 *
 * @module
 */

import type { ConfigIssue } from "./errors.ts";
import {
  DEFAULT_CONFIG as D,
  DEFAULT_PORTS,
  LISTENER_DEFAULTS,
} from "./defaults.ts";
import type { ListenerConfig, ListenerKind, TlsFiles } from "./schema.ts";
import {
  join,
  readEnum,
  readInt,
  readObject,
  readString,
  requireKeys,
} from "./_reader.ts";

const KINDS: readonly ListenerKind[] = ["tcp", "tls", "ws", "wss"];

/** `listeners`: a non-empty array; TLS files only (and always) for tls/wss. */
export function parseListeners(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): ListenerConfig[] {
  if (value === undefined) return D.listeners.map((l) => ({ ...l }));
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ path, message: "must be a non-empty array" });
    return [];
  }
  return value.map((item, i) => parseListener(item, join(path, i), issues));
}

function parseListener(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): ListenerConfig {
  const f = readObject(
    value,
    path,
    ["kind", "host", "port", "tls", "path"],
    issues,
  );
  const kind = readEnum(f, "kind", path, KINDS, "tcp", issues);
  const listener: ListenerConfig = {
    kind,
    host: readString(f, "host", path, {
      fallback: LISTENER_DEFAULTS.host,
      nonEmpty: true,
    }, issues),
    port: readInt(f, "port", path, {
      min: 0,
      max: 65535,
      fallback: DEFAULT_PORTS[kind],
    }, issues),
  };
  const secure = kind === "tls" || kind === "wss";
  if (f.tls !== undefined && !secure) {
    issues.push({
      path: join(path, "tls"),
      message: `not allowed for kind "${kind}"`,
    });
  } else if (secure) {
    if (f.tls === undefined) {
      issues.push({
        path: join(path, "tls"),
        message: `required for kind "${kind}"`,
      });
    } else {
      listener.tls = parseTlsFiles(f.tls, join(path, "tls"), issues);
    }
  }
  if (kind === "ws" || kind === "wss") {
    const p = readString(f, "path", path, {
      fallback: LISTENER_DEFAULTS.wsPath,
    }, issues);
    if (!p.startsWith("/")) {
      issues.push({ path: join(path, "path"), message: 'must start with "/"' });
    }
    listener.path = p;
  } else if (f.path !== undefined) {
    issues.push({
      path: join(path, "path"),
      message: `not allowed for kind "${kind}"`,
    });
  }
  return listener;
}

/** `tls` of a tls/wss listener: `certFile` and `keyFile` required. */
function parseTlsFiles(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): TlsFiles {
  const t = readObject(
    value,
    path,
    ["certFile", "keyFile", "caFile"],
    issues,
  );
  const certFile = readString(t, "certFile", path, {
    fallback: undefined,
    nonEmpty: true,
  }, issues);
  const keyFile = readString(t, "keyFile", path, {
    fallback: undefined,
    nonEmpty: true,
  }, issues);
  const caFile = readString(t, "caFile", path, {
    fallback: undefined,
    nonEmpty: true,
  }, issues);
  requireKeys(t, ["certFile", "keyFile"], path, issues);
  const tls: TlsFiles = { certFile: certFile ?? "", keyFile: keyFile ?? "" };
  if (caFile !== undefined) {
    // Neither runtime adapter asks clients for certificates yet; accepting
    // the key would promise a verification that does not happen.
    issues.push({
      path: join(path, "caFile"),
      message: "client certificate verification is not supported yet",
    });
    tls.caFile = caFile;
  }
  return tls;
}
