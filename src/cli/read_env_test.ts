import { test } from "node:test";
import assert from "node:assert/strict";
import { readEnv } from "./read_env.ts";
import { UsageError } from "./overrides.ts";

test("readEnv() maps JETMQ_* variables and ignores empty ones", () => {
  assert.deepEqual(
    readEnv({
      JETMQ_HOST: "::",
      JETMQ_PORT: "1884",
      JETMQ_NATS: "nats://a:1, nats://b:2",
      JETMQ_LOG_LEVEL: "warn",
      JETMQ_CONFIG: "x.json",
      JETMQ_DATA: "",
      HOME: "/root",
    }),
    {
      configFile: "x.json",
      overrides: {
        host: "::",
        port: 1884,
        nats: ["nats://a:1", "nats://b:2"],
        logLevel: "warn",
      },
    },
  );
});

test("readEnv() rejects a bad port naming the variable", () => {
  assert.throws(
    () => readEnv({ JETMQ_METRICS_PORT: "nine" }),
    (err: unknown) =>
      err instanceof UsageError && err.message.includes("JETMQ_METRICS_PORT"),
  );
});
