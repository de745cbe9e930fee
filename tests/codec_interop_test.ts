/**
 * Interoperability of the codec with a real client: MQTT.js (3.1.1 and 5.0)
 * talks to a tiny echo broker built only from `createPacketDecoder` and
 * `createPacketWriter` over node:net, so every byte we encode is parsed by
 * MQTT.js and every byte it sends is decoded by us.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import { test } from "node:test";
import mqtt from "mqtt";
import {
  createPacketDecoder,
  createPacketWriter,
  type Packet,
  PacketType,
  type PacketWriter,
} from "../src/codec/mod.ts";

/** Answers each packet the way a broker would; echoes PUBLISH back. */
function handle(p: Packet, out: PacketWriter, ids: { next: number }): void {
  switch (p.type) {
    case PacketType.CONNECT:
      out.version = p.protocolVersion;
      out.write({
        type: PacketType.CONNACK,
        sessionPresent: false,
        reasonCode: 0,
      });
      return;
    case PacketType.SUBSCRIBE:
      out.write({
        type: PacketType.SUBACK,
        packetId: p.packetId,
        reasonCodes: p.subscriptions.map((s) => s.qos),
      });
      return;
    case PacketType.UNSUBSCRIBE:
      out.write({
        type: PacketType.UNSUBACK,
        packetId: p.packetId,
        reasonCodes: p.filters.map(() => 0 as const),
      });
      return;
    case PacketType.PUBLISH:
      if (p.qos === 1) {
        out.write({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
      if (p.qos === 2) {
        out.write({ type: PacketType.PUBREC, packetId: p.packetId! });
      }
      out.write({
        ...p,
        dup: false,
        packetId: p.qos > 0 ? ids.next++ : undefined,
        properties: out.version === 5
          ? { userProperties: [["echo", "1"]] }
          : undefined,
      });
      return;
    case PacketType.PUBREL:
      out.write({ type: PacketType.PUBCOMP, packetId: p.packetId });
      return;
    case PacketType.PUBREC:
      out.write({ type: PacketType.PUBREL, packetId: p.packetId });
      return;
    case PacketType.PINGREQ:
      out.write({ type: PacketType.PINGRESP });
      return;
  }
}

interface EchoBroker {
  server: net.Server;
  port: number;
  errors: unknown[];
  /** Every packet decoded, in order. */
  seen: Packet[];
}

function startEchoBroker(): Promise<EchoBroker> {
  const errors: unknown[] = [];
  const seen: Packet[] = [];
  const server = net.createServer((socket) => {
    const decoder = createPacketDecoder();
    const sink = new WritableStream<Uint8Array>({
      write: (chunk) =>
        new Promise<void>((resolve, reject) =>
          socket.write(chunk, (err) => (err ? reject(err) : resolve()))
        ),
    });
    const out = createPacketWriter(sink.getWriter());
    const ids = { next: 1 };
    socket.on("data", (chunk: Uint8Array) => {
      try {
        for (const p of decoder.push(chunk)) {
          seen.push(p);
          if (p.type === PacketType.DISCONNECT) socket.end();
          else handle(p, out, ids);
        }
      } catch (err) {
        errors.push(err);
        socket.destroy();
      }
    });
    socket.on(
      "error",
      () => {/* the client may reset on end; not our concern */},
    );
  });
  return new Promise((resolve) =>
    server.listen(
      0,
      "127.0.0.1",
      () =>
        resolve({
          server,
          port: (server.address() as net.AddressInfo).port,
          errors,
          seen,
        }),
    )
  );
}

for (const protocolVersion of [4, 5] as const) {
  test(`MQTT.js v${protocolVersion} round-trips QoS 0/1/2 through our decoder and writer`, async () => {
    const { server, port, errors } = await startEchoBroker();
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      protocolVersion,
      reconnectPeriod: 0,
      clientId: `interop-${protocolVersion}`,
    });
    try {
      const received: Array<
        { topic: string; payload: string; qos: number; echo?: unknown }
      > = [];
      const all = new Promise<void>((resolve) =>
        client.on("message", (topic, payload, packet) => {
          received.push({
            topic,
            payload: payload.toString(),
            qos: packet.qos,
            echo: packet.properties?.userProperties?.echo,
          });
          if (received.length === 3) resolve();
        })
      );
      await client.subscribeAsync({ "t/#": { qos: 2 } });
      await client.publishAsync("t/0", "zero", { qos: 0 });
      await client.publishAsync("t/1", "one", { qos: 1 });
      await client.publishAsync("t/2", "two €", { qos: 2 });
      await all;
      received.sort((a, b) => a.topic.localeCompare(b.topic));
      const echo = protocolVersion === 5 ? "1" : undefined;
      assert.deepEqual(received, [
        { topic: "t/0", payload: "zero", qos: 0, echo },
        { topic: "t/1", payload: "one", qos: 1, echo },
        { topic: "t/2", payload: "two €", qos: 2, echo },
      ]);
      await client.unsubscribeAsync("t/#");
      assert.deepEqual(errors, []);
    } finally {
      await client.endAsync();
      await new Promise((resolve) => server.close(resolve));
    }
  });
}

for (const v of ["mqttv31", "mqttv311", "mqttv5"]) {
  test(`mosquitto_pub -V ${v} completes QoS 2 against our encoder`, async () => {
    const { server, port, errors, seen } = await startEchoBroker();
    try {
      const args = ["-h", "127.0.0.1", "-p", String(port), "-V", v, "-q", "2"];
      const child = spawn("mosquitto_pub", [...args, "-t", "a/b", "-m", "hi"]);
      const code = await new Promise((resolve) => child.on("exit", resolve));
      assert.equal(code, 0);
      assert.deepEqual(errors, []);
      // CONNECT, PUBLISH, PUBREL; then its PUBREC for our echo, DISCONNECT.
      assert.deepEqual(seen.slice(0, 3).map((p) => p.type), [1, 3, 6]);
      const publish = seen[1];
      assert.ok(publish.type === PacketType.PUBLISH && publish.topic === "a/b");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
}
