import { test } from "node:test";
import assert from "node:assert/strict";
import { Command, parseCliArgs } from "./parse_args.ts";
import { UsageError } from "./overrides.ts";

test("parseCliArgs() defaults to serve with no overrides", () => {
  assert.deepEqual(parseCliArgs([]), {
    command: Command.Serve,
    configFile: undefined,
    overrides: {},
  });
});

test("parseCliArgs() reads subcommands and every flag", () => {
  const args = parseCliArgs([
    "serve",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--data",
    "/tmp/d",
    "--nats",
    "nats://a:4222,nats://b:4222",
    "--nats",
    "nats://c:4222",
    "--nats-token",
    "t",
    "--nats-user",
    "u",
    "--nats-pass",
    "p",
    "--nats-creds",
    "x.creds",
    "--config",
    "c.json",
    "--log-level",
    "debug",
    "--metrics-port",
    "9090",
    "--tls-cert",
    "c.pem",
    "--tls-key",
    "k.pem",
    "--tls-port",
    "8883",
    "--ws-port",
    "8080",
  ]);
  assert.equal(args.command, Command.Serve);
  assert.equal(args.configFile, "c.json");
  assert.deepEqual(args.overrides, {
    host: "127.0.0.1",
    port: 0,
    data: "/tmp/d",
    nats: ["nats://a:4222", "nats://b:4222", "nats://c:4222"],
    natsToken: "t",
    natsUser: "u",
    natsPass: "p",
    natsCreds: "x.creds",
    logLevel: "debug",
    metricsPort: 9090,
    tlsCert: "c.pem",
    tlsKey: "k.pem",
    tlsPort: 8883,
    wsPort: 8080,
  });
  assert.equal(parseCliArgs(["check-config"]).command, Command.CheckConfig);
  assert.equal(parseCliArgs(["version"]).command, Command.Version);
  assert.equal(parseCliArgs(["--version"]).command, Command.Version);
  assert.equal(parseCliArgs(["-h"]).command, Command.Help);
});

test("parseCliArgs() rejects bad input naming the field", () => {
  for (
    const [args, needle] of [
      [["--port", "http"], "--port"],
      [["--port", "70000"], "--port"],
      [["--tls-port", "-1"], "--tls-port"],
      [["--bogus"], "bogus"],
      [["launch"], "launch"],
      [["serve", "extra"], "extra"],
    ] as const
  ) {
    assert.throws(
      () => parseCliArgs([...args]),
      (err: unknown) =>
        err instanceof UsageError && err.message.includes(needle),
    );
  }
});
