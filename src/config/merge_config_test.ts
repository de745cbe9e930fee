import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeConfig } from "./merge_config.ts";
import { parseConfig } from "./parse_config.ts";

test("mergeConfig() gives later layers precedence (flags > env > file)", () => {
  const file = {
    data: "/var/lib/jetmq",
    log: { level: "warn", format: "json" },
    limits: { maxInflight: 10 },
  };
  const env = { log: { level: "info" }, limits: { maxInflight: "20" } };
  const flags = { log: { level: "debug" }, data: undefined };
  assert.deepEqual(mergeConfig([file, env, flags]), {
    data: "/var/lib/jetmq",
    log: { level: "debug", format: "json" },
    limits: { maxInflight: "20" },
  });
});

test("mergeConfig() replaces arrays and scalars wholesale", () => {
  const merged = mergeConfig([
    { listeners: [{ port: 1 }, { port: 2 }], metrics: { port: 9 } },
    { listeners: [{ port: 3 }], metrics: false },
  ]);
  assert.deepEqual(merged, { listeners: [{ port: 3 }], metrics: false });
});

test("mergeConfig() leaves its inputs untouched", () => {
  const a = { log: { level: "warn" } };
  const b = { log: { format: "json" } };
  mergeConfig([a, b]);
  assert.deepEqual(a, { log: { level: "warn" } });
  assert.deepEqual(b, { log: { format: "json" } });
});

test("mergeConfig() of no or undefined layers is undefined", () => {
  assert.equal(mergeConfig([]), undefined);
  assert.equal(mergeConfig([undefined, undefined]), undefined);
});

test("mergeConfig() output feeds parseConfig()", () => {
  const config = parseConfig(
    mergeConfig([{ backend: "jetstream" }, {
      nats: { servers: "nats://x:1" },
    }]),
  );
  assert.equal(config.backend, "jetstream");
  assert.deepEqual(config.nats.servers, ["nats://x:1"]);
});
