import { test } from "node:test";
import assert from "node:assert/strict";
import { MqttError } from "../codec/errors.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import type { Backend } from "../backend/types.ts";
import type { ConnectionOptions, Limits } from "../connection/types.ts";
import type { LogFields, Logger } from "../observability/types.ts";
import { nullMetrics } from "../observability/types.ts";
import {
  createMemoryListener,
  type MemoryListener,
} from "../transport/memory/mod.ts";
import type { Conn, Runtime } from "../transport/types.ts";
import type { Router } from "../router/types.ts";
import { startServer, type StartServerOptions } from "./start_server.ts";

const limits: Limits = {
  maxPacketSize: 1 << 20,
  receiveMaximum: 64,
  maxInflight: 64,
  topicAliasMaximum: 0,
  maxKeepAlive: 0,
  connectTimeout: 10,
  maxWriteBuffer: 1 << 20,
};

function harness(
  serveConnection: StartServerOptions["serveConnection"],
  extra: Partial<StartServerOptions> = {},
) {
  const events: string[] = [];
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  const log = (level: string) => (msg: string, fields?: LogFields) =>
    lines.push({ level, msg, fields });
  const logger: Logger = {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
  };
  const listeners: MemoryListener[] = [];
  const runtime: Runtime = {
    name: "deno",
    listen() {
      const l = createMemoryListener();
      listeners.push(l);
      return Promise.resolve(l);
    },
  };
  const backend = {
    name: "embedded",
    close: () => {
      events.push("backend.close");
      return Promise.resolve();
    },
  } as unknown as Backend;
  const options: StartServerOptions = {
    runtime,
    listeners: [{ kind: "tcp", hostname: "127.0.0.1", port: 0 }],
    backend,
    limits,
    logger,
    metrics: nullMetrics,
    createRouter: (o) =>
      ({
        backend: o.backend,
        close: () => {
          events.push("router.close");
          return Promise.resolve();
        },
      }) as unknown as Router,
    serveConnection,
    ...extra,
  };
  return { options, events, lines, listeners };
}

/** Serve by echoing until the server signal aborts. */
function echoUntilAborted(conn: Conn, o: ConnectionOptions): Promise<void> {
  return new Promise<void>((resolve) => {
    o.signal.addEventListener("abort", () => resolve(), { once: true });
    conn.readable.pipeTo(conn.writable).catch(() => {});
  });
}

test("startServer() logs one listening line per listener", async () => {
  const h = harness(echoUntilAborted);
  await using server = await startServer(h.options);
  assert.deepEqual(server.listeners, [
    { kind: "tcp", hostname: "memory", port: 0 },
  ]);
  const listening = h.lines.filter((l) => l.msg === "listening");
  assert.deepEqual(listening[0].fields, {
    kind: "tcp",
    host: "memory",
    port: 0,
  });
});

test("startServer() keeps serving when one connection fails", async () => {
  let n = 0;
  const h = harness((conn, o) => {
    if (n++ === 0) return Promise.reject(new Error("boom"));
    return echoUntilAborted(conn, o);
  });
  await using server = await startServer(h.options);
  const bad = h.listeners[0].connect();
  assert.equal((await bad.readable.getReader().read()).done, true);
  const good = h.listeners[0].connect();
  await good.writable.getWriter().write(Uint8Array.of(42));
  assert.deepEqual(
    (await good.readable.getReader().read()).value,
    Uint8Array.of(42),
  );
  assert.equal(server.connections, 1);
  assert.ok(h.lines.some((l) => l.msg === "connection failed"));
});

test("Server.close() aborts connections with 0x8B, then closes router and backend", async () => {
  let reason: unknown;
  const h = harness((conn, o) => {
    o.signal.addEventListener("abort", () => {
      reason = o.signal.reason;
    });
    return echoUntilAborted(conn, o);
  });
  const server = await startServer(h.options);
  const client = h.listeners[0].connect();
  await client.writable.getWriter().write(Uint8Array.of(1));
  await client.readable.getReader().read();
  await server.close();
  await server.close();
  assert.ok(reason instanceof MqttError);
  assert.equal(reason.reasonCode, ReasonCode.ServerShuttingDown);
  assert.deepEqual(h.events, ["router.close", "backend.close"]);
  assert.equal(server.connections, 0);
});

test("Server.close() force-closes connections that outlive the timeout", async () => {
  const h = harness(
    (conn) => conn.readable.pipeTo(new WritableStream()).catch(() => {}), // ignores abort
    { shutdownTimeoutMs: 10 },
  );
  const server = await startServer(h.options);
  h.listeners[0].connect();
  await server.close();
  assert.ok(h.lines.some((l) => l.level === "warn"));
  assert.equal(server.connections, 0);
});

test("Server.close() does not hang on a backend that never closes", async () => {
  const h = harness(echoUntilAborted, { closeTimeoutMs: 10 });
  h.options.backend = {
    name: "embedded",
    close: () => new Promise<void>(() => {}),
  } as unknown as Backend;
  const server = await startServer(h.options);
  await server.close();
  assert.ok(
    h.lines.some((l) => l.msg === "backend did not close in time"),
  );
  assert.equal(h.lines.at(-1)?.msg, "stopped");
});
