// deno-lint-ignore-file no-console
/**
 * Captures the bytes real MQTT clients send, for the golden vectors in
 * `tests/vectors/`. Deliberately independent of `src/codec`: framing is done
 * by hand here and every reply is typed as literal bytes.
 *
 *     deno run -A scripts/capture_vectors.ts [--upstream 127.0.0.1:1883]
 *
 * Runs MQTT.js (3.1.1 and 5.0) and mosquitto_pub/mosquitto_sub (3.1, 3.1.1,
 * 5.0) against a capture server on a free port and prints every packet,
 * client to server (`C>S`) and server to client (`S>C`), as hex. With
 * `--upstream` the server is a proxy to a real broker (e.g. `mosquitto -p
 * 18830`), so its replies are captured too; without it, canned replies are
 * sent.
 *
 * @module
 */

import { spawn } from "node:child_process";
import net from "node:net";
import mqtt from "mqtt";

const argv = globalThis.process?.argv ?? [];
const upstreamArg = argv.indexOf("--upstream");
const upstream = upstreamArg >= 0 ? argv[upstreamArg + 1] : undefined;

const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

/** Splits a byte stream into packets by hand (fixed header only). */
function createFramer(onPacket: (p: Uint8Array) => void) {
  let pending = new Uint8Array(0);
  return (chunk: Uint8Array) => {
    const all = new Uint8Array(pending.length + chunk.length);
    all.set(pending);
    all.set(chunk, pending.length);
    let pos = 0;
    while (pos + 2 <= all.length) {
      let len = 0, mult = 1, i = 1;
      for (; i <= 4 && pos + i < all.length; i++) {
        len += (all[pos + i] & 0x7f) * mult;
        mult *= 128;
        if ((all[pos + i] & 0x80) === 0) break;
      }
      const total = i + 1 + len;
      if (pos + total > all.length) break;
      onPacket(all.subarray(pos, pos + total));
      pos += total;
    }
    pending = all.slice(pos);
  };
}

/** Canned replies, typed by hand from the specifications. */
function cannedReply(
  p: Uint8Array,
  level: { v: number },
): number[] | undefined {
  const type = p[0] >> 4;
  const hl = p[1] & 0x80 ? (p[2] & 0x80 ? 4 : 3) : 2; // header length (≤ 3 here)
  const pid = [p[hl], p[hl + 1]];
  const v5 = level.v === 5;
  switch (type) {
    case 1: {
      const nameLen = (p[hl] << 8) | p[hl + 1];
      level.v = p[hl + 2 + nameLen];
      return level.v === 5
        ? [0x20, 0x03, 0x00, 0x00, 0x00]
        : [0x20, 0x02, 0x00, 0x00];
    }
    case 3: {
      const qos = (p[0] >> 1) & 3;
      const tlen = (p[hl] << 8) | p[hl + 1];
      const id = [p[hl + 2 + tlen], p[hl + 3 + tlen]];
      if (qos === 1) return [0x40, 0x02, ...id];
      if (qos === 2) return [0x50, 0x02, ...id];
      return undefined;
    }
    case 6:
      return [0x70, 0x02, ...pid];
    case 8: {
      // Count filters: skip properties (v5), then (len, filter, options)*.
      let pos = hl + 2;
      if (v5) pos += 1 + p[pos]; // property length < 128 in captures
      const codes: number[] = [];
      while (pos < p.length) {
        pos += 2 + ((p[pos] << 8) | p[pos + 1]);
        codes.push(p[pos] & 3);
        pos += 1;
      }
      return v5
        ? [0x90, 3 + codes.length, ...pid, 0x00, ...codes]
        : [0x90, 2 + codes.length, ...pid, ...codes];
    }
    case 10: {
      let pos = hl + 2;
      if (v5) pos += 1 + p[pos];
      let n = 0;
      while (pos < p.length) {
        pos += 2 + ((p[pos] << 8) | p[pos + 1]);
        n++;
      }
      return v5
        ? [0xb0, 3 + n, ...pid, 0x00, ...new Array(n).fill(0)]
        : [0xb0, 0x02, ...pid];
    }
    case 12:
      return [0xd0, 0x00];
  }
  return undefined;
}

function startServer(): Promise<net.Server> {
  const server = net.createServer((sock) => {
    const level = { v: 4 };
    const fromClient = createFramer((p) => {
      console.log(`C>S ${hex(p)}`);
      if (upstream) return;
      const reply = cannedReply(p, level);
      if (reply) {
        console.log(`S>C ${hex(new Uint8Array(reply))}`);
        sock.write(new Uint8Array(reply));
      }
    });
    sock.on("error", () => {/* client gone; nothing to capture */});
    if (!upstream) {
      sock.on("data", (d: Uint8Array) => fromClient(d));
      return;
    }
    const [host, port] = upstream.split(":");
    const up = net.connect(Number(port), host);
    const fromServer = createFramer((p) => console.log(`S>C ${hex(p)}`));
    up.on("error", () => sock.destroy());
    sock.on("data", (d: Uint8Array) => {
      fromClient(d);
      up.write(d);
    });
    up.on("data", (d: Uint8Array) => {
      fromServer(d);
      sock.write(d);
    });
    sock.on("close", () => up.destroy());
    up.on("close", () => sock.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server))
  );
}

function run(cmd: string, args: string[]): Promise<void> {
  console.log(`\n### ${cmd} ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "ignore" });
    child.on("exit", () => resolve());
  });
}

async function mqttjs(port: number, protocolVersion: 4 | 5): Promise<void> {
  console.log(`\n### MQTT.js protocolVersion ${protocolVersion}`);
  const v5 = protocolVersion === 5;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion,
    clientId: `mqttjs-v${protocolVersion}`,
    keepalive: 1,
    clean: true,
    username: "alice",
    password: "secret",
    reconnectPeriod: 0,
    will: { topic: "will/t", payload: "gone", qos: 1, retain: false },
    properties: v5
      ? { sessionExpiryInterval: 300, receiveMaximum: 10 }
      : undefined,
  });
  await client.subscribeAsync(
    { "a/+": { qos: 1 }, "b/#": { qos: 2 } },
    v5 ? { properties: { subscriptionIdentifier: 7 } } : undefined,
  );
  await client.publishAsync("a/b", "hello", { qos: 0 });
  await client.publishAsync("a/b", "hello", { qos: 1, retain: true });
  await client.publishAsync("a/b", "hello", {
    qos: 2,
    properties: v5
      ? { contentType: "text/plain", userProperties: { k: "v" } }
      : undefined,
  });
  await client.unsubscribeAsync(["a/+", "b/#"]);
  await new Promise((r) => setTimeout(r, 1200)); // one keep-alive: PINGREQ
  await client.endAsync();
}

const server = await startServer();
const port = (server.address() as net.AddressInfo).port;
const P = ["-h", "127.0.0.1", "-p", String(port)];
try {
  await mqttjs(port, 4);
  await mqttjs(port, 5);
  await run("mosquitto_pub", [
    ...P,
    "-V",
    "mqttv31",
    "-i",
    "mp31",
    "-t",
    "t/31",
    "-m",
    "hi",
    "-q",
    "1",
  ]);
  await run("mosquitto_pub", [
    ...P,
    "-V",
    "mqttv311",
    "-i",
    "mp311",
    "-u",
    "user",
    "-P",
    "pw",
    "-t",
    "a/b",
    "-m",
    "hello",
    "-q",
    "2",
    "-r",
    "--will-topic",
    "w",
    "--will-payload",
    "bye",
    "--will-qos",
    "1",
    "--will-retain",
  ]);
  await run("mosquitto_pub", [
    ...P,
    "-V",
    "mqttv5",
    "-i",
    "mp5",
    "-t",
    "a/b",
    "-m",
    "hello",
    "-q",
    "1",
    "-D",
    "connect",
    "session-expiry-interval",
    "60",
    "-D",
    "publish",
    "user-property",
    "k",
    "v",
    "-D",
    "publish",
    "message-expiry-interval",
    "30",
    "-D",
    "publish",
    "content-type",
    "text/plain",
  ]);
  await run("mosquitto_sub", [
    ...P,
    "-V",
    "mqttv31",
    "-i",
    "ms31",
    "-t",
    "a/#",
    "-q",
    "1",
    "-E",
  ]);
  await run("mosquitto_sub", [
    ...P,
    "-V",
    "mqttv311",
    "-i",
    "ms311",
    "-t",
    "a/#",
    "-t",
    "b/+",
    "-q",
    "2",
    "-U",
    "c/d",
    "-E",
  ]);
  await run("mosquitto_sub", [
    ...P,
    "-V",
    "mqttv5",
    "-i",
    "ms5",
    "-t",
    "a/#",
    "-q",
    "1",
    "-E",
    "-U",
    "x/y",
    "-D",
    "subscribe",
    "subscription-identifier",
    "5",
    "-D",
    "connect",
    "receive-maximum",
    "20",
  ]);
} finally {
  server.close();
}
