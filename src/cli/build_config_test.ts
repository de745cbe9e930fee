import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../config/mod.ts";
import { buildConfig } from "./build_config.ts";
import { UsageError } from "./overrides.ts";

test("buildConfig() gives the defaults with no input", () => {
  const config = buildConfig({ env: {}, flags: {} });
  assert.deepEqual(config.listeners, [
    { kind: "tcp", host: "0.0.0.0", port: 1883 },
  ]);
  assert.equal(config.backend, "embedded");
  assert.equal(config.data, "./data");
});

test("buildConfig() precedence is flags > env > file > defaults", () => {
  const config = buildConfig({
    file: { data: "/file", log: { level: "warn", format: "json" } },
    env: { data: "/env", logLevel: "error", port: 1000 },
    flags: { port: 0, host: "127.0.0.1" },
  });
  assert.equal(config.data, "/env");
  assert.deepEqual(config.log, { level: "error", format: "json" });
  assert.deepEqual(config.listeners, [
    { kind: "tcp", host: "127.0.0.1", port: 0 },
  ]);
});

test("buildConfig() --nats selects the jetstream backend", () => {
  const config = buildConfig({
    env: {},
    flags: { nats: ["nats://a:4222", "nats://b:4222"], natsToken: "t" },
  });
  assert.equal(config.backend, "jetstream");
  assert.deepEqual(config.nats.servers, ["nats://a:4222", "nats://b:4222"]);
  assert.equal(config.nats.token, "t");
});

test("buildConfig() --tls-* and --ws-port add listeners beside the file's", () => {
  const config = buildConfig({
    file: { listeners: [{ kind: "tcp", port: 1884 }] },
    env: {},
    flags: { tlsCert: "c.pem", tlsKey: "k.pem", tlsPort: 0, wsPort: 0 },
  });
  assert.deepEqual(config.listeners.map((l) => [l.kind, l.port]), [
    ["tcp", 1884],
    ["tls", 0],
    ["ws", 0],
  ]);
  assert.deepEqual(config.listeners[1].tls, {
    certFile: "c.pem",
    keyFile: "k.pem",
  });
});

test("buildConfig() names the bad field", () => {
  assert.throws(
    () => buildConfig({ env: {}, flags: { logLevel: "loud" } }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.issues.some((i) => i.path === "log.level"),
  );
  assert.throws(
    () => buildConfig({ env: {}, flags: { tlsPort: 8883 } }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.issues.some((i) => i.path.startsWith("listeners[1]")),
  );
  assert.throws(
    () => buildConfig({ file: [1], env: {}, flags: {} }),
    UsageError,
  );
});
