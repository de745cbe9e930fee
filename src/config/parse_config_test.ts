import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "./parse_config.ts";
import { ConfigError } from "./errors.ts";
import { DEFAULT_CONFIG } from "./defaults.ts";

function issuesOf(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail("expected a ConfigError");
}

test("parseConfig() of nothing is the defaults", () => {
  assert.deepEqual(parseConfig(undefined), DEFAULT_CONFIG);
  assert.deepEqual(parseConfig({}), DEFAULT_CONFIG);
  const config = parseConfig({});
  assert.equal(config.listeners[0].port, 1883);
  assert.equal(config.backend, "embedded");
  assert.equal(config.data, "./data");
  assert.equal(config.metrics, false);
});

test("parseConfig() returns a deeply frozen config", () => {
  const config = parseConfig({
    auth: { users: [{ username: "u", password: "p" }] },
  });
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.listeners));
  assert.ok(Object.isFrozen(config.listeners[0]));
  assert.ok(Object.isFrozen(config.auth.users[0]));
  assert.ok(Object.isFrozen(config.nats.servers));
});

test("parseConfig() fills listener defaults per kind", () => {
  const config = parseConfig({
    listeners: [
      { kind: "tcp" },
      { kind: "tls", tls: { certFile: "c.pem", keyFile: "k.pem" } },
      { kind: "ws", host: "127.0.0.1" },
      {
        kind: "wss",
        port: "9443",
        path: "/ws",
        tls: { certFile: "c", keyFile: "k" },
      },
    ],
  });
  assert.deepEqual(config.listeners, [
    { kind: "tcp", host: "0.0.0.0", port: 1883 },
    {
      kind: "tls",
      host: "0.0.0.0",
      port: 8883,
      tls: { certFile: "c.pem", keyFile: "k.pem" },
    },
    { kind: "ws", host: "127.0.0.1", port: 8080, path: "/mqtt" },
    {
      kind: "wss",
      host: "0.0.0.0",
      port: 9443,
      path: "/ws",
      tls: { certFile: "c", keyFile: "k" },
    },
  ]);
});

test("parseConfig() lists every bad path in one ConfigError", () => {
  assert.deepEqual(
    issuesOf({
      listeners: [
        { port: 1883 },
        { kind: "tcp", port: 70000 },
        { kind: "tls" },
        { kind: "udp" },
      ],
      backend: "redis",
      limits: { receiveMaximum: 0, maxPacketSize: 1.5 },
      log: { level: "loud" },
      extra: 1,
    }),
    [
      "extra: unknown key",
      "listeners[1].port: must be an integer 0..65535",
      'listeners[2].tls: required for kind "tls"',
      'listeners[3].kind: must be one of "tcp", "tls", "ws", "wss"',
      'backend: must be one of "embedded", "jetstream"',
      "limits.maxPacketSize: must be an integer 16..268435455",
      "limits.receiveMaximum: must be an integer 1..65535",
      'log.level: must be one of "debug", "info", "warn", "error"',
    ],
  );
});

test("ConfigError message names each path on its own line", () => {
  assert.throws(
    () => parseConfig({ listeners: [{ port: -1 }], data: "" }),
    (err: unknown) =>
      err instanceof ConfigError && err.issues.length === 2 &&
      err.message.includes(
        "\n  listeners[0].port: must be an integer 0..65535",
      ) &&
      err.message.includes("\n  data: must be a non-empty string"),
  );
});

test("parseConfig() checks listener fields against their kind", () => {
  assert.deepEqual(
    issuesOf({ listeners: [{ kind: "tcp", tls: {}, path: "/x" }] }),
    [
      'listeners[0].tls: not allowed for kind "tcp"',
      'listeners[0].path: not allowed for kind "tcp"',
    ],
  );
  assert.deepEqual(
    issuesOf({
      listeners: [{ kind: "wss", path: "ws", tls: { certFile: "" } }],
    }),
    [
      "listeners[0].tls.certFile: must be a non-empty string",
      "listeners[0].tls.keyFile: required",
      'listeners[0].path: must start with "/"',
    ],
  );
  assert.deepEqual(issuesOf({ listeners: [] }), [
    "listeners: must be a non-empty array",
  ]);
  assert.deepEqual(issuesOf({ listeners: "tcp" }), [
    "listeners: must be a non-empty array",
  ]);
});

test("parseConfig() refuses two listeners on one host:port", () => {
  assert.deepEqual(
    issuesOf({ listeners: [{ port: 1 }, { kind: "ws", port: "1" }] }),
    [
      "listeners[1]: 0.0.0.0:1 is already used by listeners[0]",
    ],
  );
});

test("parseConfig() allows port 0 more than once", () => {
  const config = parseConfig({ listeners: [{ port: 0 }, { port: 0 }] });
  assert.equal(config.listeners.length, 2);
});

test("parseConfig() reads the nats section", () => {
  const config = parseConfig({
    backend: "jetstream",
    nats: {
      servers: "nats://a:4222, nats://b:4222",
      user: "u",
      pass: "p",
      prefix: "$GW",
    },
  });
  assert.deepEqual(config.nats, {
    servers: ["nats://a:4222", "nats://b:4222"],
    prefix: "$GW",
    user: "u",
    pass: "p",
  });
  assert.deepEqual(
    issuesOf({ nats: { servers: [], user: "u", token: "t", prefix: "a.b" } }),
    [
      "nats.servers: must not be empty",
      "nats.prefix: must be '$' followed by letters, digits, '_' or '-'",
      "nats.pass: required with user",
      "nats.token: cannot be combined with user",
    ],
  );
  assert.deepEqual(
    issuesOf({ nats: { servers: ["ok", 3, "a b"], pass: "p" } }),
    [
      "nats.servers[1]: must be a server URL",
      "nats.servers[2]: must be a server URL",
      "nats.user: required with pass",
    ],
  );
});

test("parseConfig() reads limits, accepting numeric strings", () => {
  const config = parseConfig({
    limits: { maxInflight: "32", maxQueuedMessages: 10 },
  });
  assert.equal(config.limits.maxInflight, 32);
  assert.equal(config.limits.maxQueuedMessages, 10);
  assert.equal(
    config.limits.receiveMaximum,
    DEFAULT_CONFIG.limits.receiveMaximum,
  );
  assert.deepEqual(issuesOf({ limits: { maxInflight: "many", bogus: 1 } }), [
    "limits.bogus: unknown key",
    "limits.maxInflight: must be an integer 1..65535",
  ]);
});

test("parseConfig() reads the server-wide limits; 0 means no bound", () => {
  const d = parseConfig({});
  assert.equal(d.limits.maxRetained, 1_000_000);
  assert.equal(d.limits.maxRetainedBytes, 1024 * 1024 * 1024);
  assert.equal(d.limits.maxSessions, 1_000_000);
  assert.equal(d.limits.maxConnections, 0);
  const config = parseConfig({
    limits: {
      maxRetained: 0,
      maxRetainedBytes: "4096",
      maxSessions: 5,
      maxConnections: 100,
    },
  });
  assert.equal(config.limits.maxRetained, 0);
  assert.equal(config.limits.maxRetainedBytes, 4096);
  assert.equal(config.limits.maxSessions, 5);
  assert.equal(config.limits.maxConnections, 100);
  assert.deepEqual(
    issuesOf({
      limits: {
        maxRetained: -1,
        maxRetainedBytes: 1.5,
        maxSessions: "lots",
        maxConnections: -3,
      },
    }),
    [
      "limits.maxRetained: must be an integer 0..",
      "limits.maxRetainedBytes: must be an integer 0..",
      "limits.maxSessions: must be an integer 0..",
      "limits.maxConnections: must be an integer 0..",
    ],
  );
});

test("parseConfig() reads auth users and refuses duplicates", () => {
  const config = parseConfig({
    auth: { allowAnonymous: "false", users: [{ username: "a", password: "" }] },
  });
  assert.deepEqual(config.auth, {
    allowAnonymous: false,
    users: [{ username: "a", password: "" }],
    methods: [],
  });
  assert.deepEqual(
    issuesOf({
      auth: {
        allowAnonymous: "maybe",
        users: [
          { username: "a", password: "x" },
          { username: "a", password: "y" },
          { password: 1 },
          7,
        ],
      },
    }),
    [
      'auth.users[1].username: duplicate user "a"',
      "auth.users[2].password: must be a string",
      "auth.users[2].username: required",
      "auth.users[3]: must be an object",
      "auth.users[3].username: required",
      "auth.users[3].password: required",
      "auth.allowAnonymous: must be true or false",
    ],
  );
});

test("parseConfig() reads metrics as off, on or host/port", () => {
  assert.equal(parseConfig({ metrics: "off" }).metrics, false);
  assert.equal(parseConfig({ metrics: null }).metrics, false);
  assert.deepEqual(parseConfig({ metrics: true }).metrics, {
    host: "127.0.0.1",
    port: 9464,
  });
  assert.deepEqual(parseConfig({ metrics: { port: 9100 } }).metrics, {
    host: "127.0.0.1",
    port: 9100,
  });
  assert.deepEqual(issuesOf({ metrics: 5 }), [
    "metrics: must be false, true or { host, port }",
  ]);
  assert.deepEqual(issuesOf({ metrics: { host: "0.0.0.0", port: 1883 } }), [
    "metrics: 0.0.0.0:1883 is already used by listeners[0]",
  ]);
});

test("parseConfig() refuses a non-object input", () => {
  assert.deepEqual(issuesOf(42), [": must be an object"]);
  assert.deepEqual(issuesOf([]), [": must be an object"]);
});

test("parseConfig() reads auth.methods: module and optional options", () => {
  const config = parseConfig({
    auth: {
      methods: [
        { module: "./m.ts", options: { secret: "s", n: 1 } },
        { module: "https://example.com/m.js" },
      ],
    },
  });
  assert.deepEqual(config.auth.methods, [
    { module: "./m.ts", options: { secret: "s", n: 1 } },
    { module: "https://example.com/m.js" },
  ]);
  assert.ok(Object.isFrozen(config.auth.methods[0].options));
  assert.deepEqual(
    issuesOf({
      auth: {
        methods: [{ module: "" }, { options: [] }, "x", { module: "m", y: 1 }],
      },
    }),
    [
      "auth.methods[0].module: must be a non-empty string",
      "auth.methods[1].module: required",
      "auth.methods[1].options: must be an object",
      "auth.methods[2]: must be an object",
      "auth.methods[2].module: required",
      "auth.methods[3].y: unknown key",
    ],
  );
});

test("parseConfig() accepts only NATS prefixes the JetStream backend can use", () => {
  assert.equal(
    parseConfig({ nats: { prefix: "$GW_1-a" } }).nats.prefix,
    "$GW_1-a",
  );
  for (const prefix of ["GW", "$", "$a.b", "$a b", "$a*"]) {
    assert.throws(
      () => parseConfig({ nats: { prefix } }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.issues.some((i) => i.path === "nats.prefix"),
    );
  }
});

test("parseConfig() refuses listeners[].tls.caFile until client certificates are verified", () => {
  assert.throws(
    () =>
      parseConfig({
        listeners: [{
          kind: "tls",
          port: 8883,
          tls: { certFile: "c.pem", keyFile: "k.pem", caFile: "ca.pem" },
        }],
      }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.issues.some((i) => i.path === "listeners[0].tls.caFile"),
  );
});
