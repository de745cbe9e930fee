/**
 * End to end: MQTT over TLS and over WebSocket against main.ts, on Deno and
 * on Bun, plus the metrics endpoint.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { runtimes, startJetmq } from "../helpers/server.ts";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const ca = readFileSync(fixture("cert.pem"), "utf8");

async function connectAndEnd(url: string, options: mqtt.IClientOptions) {
  const client = await mqtt.connectAsync(url, {
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...options,
  });
  try {
    assert.equal(client.connected, true);
  } finally {
    await client.endAsync();
  }
}

for (const runtime of runtimes) {
  test(`main.ts on ${runtime}: MQTT over TLS and WebSocket, metrics endpoint`, async () => {
    await using server = await startJetmq({
      runtime,
      args: [
        "--tls-cert",
        fixture("cert.pem"),
        "--tls-key",
        fixture("key.pem"),
        "--tls-port",
        "0",
        "--ws-port",
        "0",
        "--metrics-port",
        "0",
      ],
    });
    const port = (kind: string) =>
      server.listeners.find((l) => l.kind === kind)?.port;
    assert.deepEqual(server.listeners.map((l) => l.kind).sort(), [
      "metrics",
      "tcp",
      "tls",
      "ws",
    ]);
    await connectAndEnd(`mqtts://127.0.0.1:${port("tls")}`, {
      ca,
      servername: "localhost",
      protocolVersion: 5,
    });
    await connectAndEnd(`ws://127.0.0.1:${port("ws")}/mqtt`, {
      protocolVersion: 4,
    });
    const res = await fetch(`http://127.0.0.1:${port("metrics")}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /jetmq_sockets_accepted_total 2/);
  });

  test(`main.ts on ${runtime}: MQTT over secure WebSocket from a config file`, async () => {
    await using server = await startJetmq({
      runtime,
      config: {
        listeners: [
          { kind: "tcp", port: 0 },
          {
            kind: "wss",
            port: 0,
            tls: { certFile: fixture("cert.pem"), keyFile: fixture("key.pem") },
          },
        ],
      },
    });
    const wss = server.listeners.find((l) => l.kind === "wss");
    assert.ok(wss);
    await connectAndEnd(`wss://127.0.0.1:${wss.port}/mqtt`, {
      ca,
      servername: "localhost",
      protocolVersion: 5,
    });
  });
}
