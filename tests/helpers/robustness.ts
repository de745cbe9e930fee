/**
 * Helpers for the robustness end-to-end tests: the server's resident memory
 * (read from /proc with no sleep), a well-behaved "probe" client whose round
 * trips must stay prompt while others misbehave, and a subscriber that stops
 * reading its socket once subscribed.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import {
  createPacketDecoder,
  encodePacket,
  type Packet,
  PacketType,
  type ProtocolVersion,
  type Subscription,
} from "../../src/codec/mod.ts";
import {
  connectRaw,
  payloadText,
  type RawClient,
  rawPublish,
  subscribeRaw,
  withDeadline,
} from "./raw_client.ts";
import type { JetmqProcess } from "./server.ts";
import { uniq } from "./v5.ts";

/** Resident set size of `pid` in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  assert.ok(kb, `no VmRSS for ${pid}`);
  return Number(kb[1]) / 1024;
}

/** The server is alive and its RSS is below `maxMiB`; returns the RSS. */
export function assertHealthy(server: JetmqProcess, maxMiB: number): number {
  assert.equal(server.process.exitCode, null, server.output().slice(-2000));
  assert.equal(server.process.signalCode, null);
  const rss = rssMiB(server.process.pid!);
  assert.ok(rss < maxMiB, `server RSS ${rss.toFixed(0)} MiB >= ${maxMiB}`);
  return rss;
}

/** A well-behaved client that publishes to itself and times the round trip. */
export interface Probe extends AsyncDisposable {
  /** One QoS 1 round trip; rejects if slower than `maxMs`. Returns ms. */
  roundTrip(maxMs?: number): Promise<number>;
}

/** Connect a probe subscribed (QoS 0) to a topic of its own. */
export async function connectProbe(port: number): Promise<Probe> {
  const topic = uniq("probe");
  const { client } = await connectRaw(port, { clientId: uniq("probe") });
  await subscribeRaw(client, [{ filter: topic, qos: 0 }]);
  let packetId = 0;
  return {
    async roundTrip(maxMs = 2000) {
      const id = packetId = packetId % 65535 + 1;
      const text = `p${id}`;
      const start = Date.now();
      client.send(rawPublish(topic, text, 1, id));
      let acked = false;
      let echoed = false;
      while (!acked || !echoed) {
        const p = await client.next(maxMs);
        if (p.type === PacketType.PUBACK && p.packetId === id) acked = true;
        if (p.type === PacketType.PUBLISH && payloadText(p) === text) {
          echoed = true;
        }
      }
      const ms = Date.now() - start;
      assert.ok(ms < maxMs, `probe round trip took ${ms} ms`);
      return ms;
    },
    async [Symbol.asyncDispose]() {
      await client[Symbol.asyncDispose]();
    },
  };
}

/** A subscriber that stopped reading its socket after the SUBACK. */
export interface StalledClient extends AsyncDisposable {
  readonly socket: net.Socket;
}

/**
 * CONNECT, SUBSCRIBE, wait for the SUBACK, then pause the socket so the
 * kernel buffers fill and the server sees a reader that never reads.
 */
export function openStalled(
  port: number,
  clientId: string,
  subscriptions: Subscription[],
  version: ProtocolVersion = 4,
  receiveMaximum?: number,
): Promise<StalledClient> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  const closed = new Promise<void>((r) => socket.once("close", () => r()));
  const decoder = createPacketDecoder({ version });
  const subacked = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Uint8Array) => {
      let packets: Packet[];
      try {
        packets = decoder.push(chunk);
      } catch (err) {
        return reject(err);
      }
      if (packets.some((p) => p.type === PacketType.SUBACK)) {
        socket.off("data", onData);
        socket.pause();
        resolve();
      }
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error("closed before SUBACK")));
  });
  socket.once("connect", () => {
    socket.write(encodePacket({
      type: PacketType.CONNECT,
      protocolName: "MQTT",
      protocolVersion: version,
      clean: true,
      keepAlive: 0,
      clientId,
      properties: receiveMaximum ? { receiveMaximum } : undefined,
    }, version));
    socket.write(encodePacket({
      type: PacketType.SUBSCRIBE,
      packetId: 1,
      subscriptions,
    }, version));
  });
  const stalled: StalledClient = {
    socket,
    async [Symbol.asyncDispose]() {
      socket.destroy();
      await closed;
    },
  };
  return withDeadline(subacked, "SUBACK of the stalled client").then(
    () => stalled,
    async (err) => {
      socket.destroy();
      await closed;
      throw err;
    },
  );
}

/** Write `bytes` and wait until the kernel took them (or the socket ended). */
export function writeAll(socket: net.Socket, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    if (socket.write(bytes)) return resolve();
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.once("drain", done);
    socket.once("close", done);
  });
}

/** A QoS 1 publisher sends `count` messages and awaits every PUBACK. */
export async function publishAcked(
  client: RawClient,
  topic: string,
  count: number,
  payload = "x",
  timeoutMs = 6000,
): Promise<void> {
  for (let i = 1; i <= count; i++) {
    client.send(rawPublish(topic, payload, 1, i % 65535 + 1));
  }
  let acks = 0;
  while (acks < count) {
    const p = await client.next(timeoutMs);
    if (p.type === PacketType.PUBACK) acks++;
  }
}
