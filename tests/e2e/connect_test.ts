/**
 * End to end: real clients against main.ts as a subprocess, on Deno and on
 * Bun (issue #2 "Must show").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as net from "node:net";
import mqtt from "mqtt";
import { runtimes, startJetmq } from "../helpers/server.ts";

function run(
  cmd: string,
  args: string[],
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

/**
 * Connect a raw socket and send `bytes`; if `then` is given, send it once
 * the first reply arrived. Resolves with all received bytes when the server
 * closes the connection.
 */
function sendRaw(
  port: number,
  bytes: Uint8Array,
  then?: Uint8Array,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
    socket.on("data", (d: Buffer) => {
      if (parts.length === 0 && then) socket.write(then);
      parts.push(d);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      // A reset is a close too.
      if (err.code === "ECONNRESET") resolve(Buffer.concat(parts));
      else reject(err);
    });
    socket.on("close", () => resolve(Buffer.concat(parts)));
  });
}

async function mqttjsRoundTrip(url: string, protocolVersion: 4 | 5) {
  const client = await mqtt.connectAsync(url, {
    protocolVersion,
    clientId: `e2e-v${protocolVersion}-${Date.now()}`,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  try {
    assert.equal(client.connected, true);
  } finally {
    await client.endAsync();
  }
  assert.equal(client.connected, false);
}

for (const runtime of runtimes) {
  test(`main.ts on ${runtime}: MQTT.js v3.1.1 and v5 connect and disconnect cleanly [MQTT-3.1.4-4]`, async () => {
    await using server = await startJetmq({ runtime });
    await mqttjsRoundTrip(server.url, 4);
    await mqttjsRoundTrip(server.url, 5);
    assert.equal(await server.stop(), 0);
  });

  test(`main.ts on ${runtime}: mosquitto_pub v3.1.1 and v5 connect, publish and disconnect`, async () => {
    await using server = await startJetmq({ runtime });
    for (const v of ["mqttv311", "mqttv5"]) {
      const { code, out } = await run("mosquitto_pub", [
        "-h",
        "127.0.0.1",
        "-p",
        String(server.port),
        "-V",
        v,
        "-t",
        "e2e/connect",
        "-m",
        "hello",
        "-q",
        "1",
        "-d",
      ]);
      assert.equal(code, 0, out);
      assert.match(out, /received CONNACK \(0\)/);
      assert.match(out, /sending DISCONNECT/);
    }
  });

  test(`main.ts on ${runtime}: a malformed byte stream is closed and the server keeps serving`, async () => {
    await using server = await startJetmq({ runtime });
    // Reserved packet type 0 as first byte [MQTT-2.2.2-2].
    await sendRaw(server.port, Uint8Array.of(0x00, 0x00));
    // A first packet that is not CONNECT [MQTT-3.1.0-1].
    await sendRaw(server.port, Uint8Array.of(0xc0, 0x00));
    // Garbage with a remaining length over 4 bytes [MQTT-2.2.3].
    await sendRaw(
      server.port,
      Uint8Array.of(0x10, 0xff, 0xff, 0xff, 0xff, 0x7f),
    );
    await mqttjsRoundTrip(server.url, 4);
    assert.equal(server.process.exitCode, null);
  });

  test(`main.ts on ${runtime}: v5 malformed input gets DISCONNECT 0x81 [MQTT-4.13.1-1]`, async () => {
    await using server = await startJetmq({ runtime });
    const connect = [
      0x10,
      0x0e,
      0x00,
      0x04,
      0x4d,
      0x51,
      0x54,
      0x54,
      0x05,
      0x02,
      0x00,
      0x3c,
      0x00,
      0x00,
      0x01,
      0x78,
    ];
    // PUBLISH with both QoS bits set is malformed [MQTT-3.3.1-4].
    const reply = await sendRaw(
      server.port,
      Uint8Array.from(connect),
      Uint8Array.of(0x36, 0x00),
    );
    assert.equal(reply[0], 0x20, "CONNACK first");
    const next = 2 + reply[1];
    assert.equal(reply[next], 0xe0, "then DISCONNECT");
    assert.equal(reply[next + 2], 0x81);
    await mqttjsRoundTrip(server.url, 5);
  });
}
