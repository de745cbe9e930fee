/**
 * End to end, on Deno and Bun: clients that try to break the broker (a
 * subscriber that never reads under a QoS 0/1 flood, oversized and
 * malformed input, TLS and HTTP bytes on the MQTT port, half packets then
 * silence) while a well-behaved probe client keeps its round trips prompt,
 * the process stays alive and its resident memory stays bounded.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { encodePacket, PacketType, ReasonCode } from "../../src/codec/mod.ts";
import {
  connectRaw,
  openRaw,
  rawPublish,
  withDeadline,
} from "../helpers/raw_client.ts";
import {
  assertHealthy,
  connectProbe,
  openStalled,
  publishAcked,
  writeAll,
} from "../helpers/robustness.ts";
import { runtimes, sharedJetmq } from "../helpers/server.ts";
import {
  connectV5,
  expectServerDisconnect,
  readMetric,
  uniq,
} from "../helpers/v5.ts";

const MAX_WRITE_BUFFER = 64 * 1024;
const MAX_PACKET = 64 * 1024;
const MAX_QUEUED = 1000;
/** Generous: an idle server is ~100 MiB; a leak of the flood is far more. */
const RSS_LIMIT_MIB = 400;

const config = {
  limits: {
    maxWriteBuffer: MAX_WRITE_BUFFER,
    maxPacketSize: MAX_PACKET,
    maxQueuedMessages: MAX_QUEUED,
    connectTimeout: 2,
  },
  metrics: { host: "127.0.0.1", port: 0 },
};

/** Open a plain TCP socket; resolves on connect. */
function openSocket(port: number): Promise<net.Socket> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {}); // a reset is a close too
  socket.on("data", () => {}); // read whatever the server says
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

function closedWithin(socket: net.Socket, ms: number, what: string) {
  if (socket.destroyed) return Promise.resolve();
  return withDeadline(
    new Promise<void>((r) => socket.once("close", () => r())),
    what,
    ms,
  );
}

function repeat(bytes: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(bytes.length * times);
  for (let i = 0; i < times; i++) out.set(bytes, i * bytes.length);
  return out;
}

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: robustness`, () => {
    const shared = sharedJetmq({ runtime, config });
    after(() => shared.stop());

    test(`${runtime}: a subscriber that never reads under a QoS 0 and QoS 1 flood: QoS 0 dropped and counted, QoS 1 queue bounded, others unaffected`, async () => {
      const server = await shared.get();
      const topic = uniq("flood");
      await using probe = await connectProbe(server.port);
      await using _stalled = await openStalled(server.port, uniq("stalled"), [
        { filter: topic, qos: 1 },
      ]);
      const dropped0 = await readMetric(
        server,
        "jetmq_qos0_dropped_slow_reader_total",
      );
      const droppedQ = await readMetric(server, "jetmq_queue_dropped_total");
      const { client: pub } = await connectRaw(server.port, {
        clientId: uniq("flooder"),
      });
      await using _pub = pub;
      // 32 MiB of QoS 0 in 4 KiB messages: far beyond every socket buffer.
      const one = encodePacket(rawPublish(topic, "x".repeat(4096), 0), 4);
      const batch = repeat(one, 64);
      for (let i = 0; i < 128; i++) {
        pub.sendBytes(batch);
        if (i % 32 === 31) await probe.roundTrip();
      }
      // A QoS 1 publish after the flood: its PUBACK means all was read.
      await publishAcked(pub, topic, 1);
      await probe.roundTrip();
      assert.ok(
        await readMetric(server, "jetmq_qos0_dropped_slow_reader_total") >
          dropped0,
        "QoS 0 beyond maxWriteBuffer is dropped and counted",
      );
      // QoS 1: the window goes to the socket, the rest queues to the bound.
      await publishAcked(pub, topic, 3 * MAX_QUEUED, "y".repeat(1024));
      await probe.roundTrip();
      assert.ok(
        await readMetric(server, "jetmq_queue_dropped_total") > droppedQ,
        "QoS 1 beyond maxQueuedMessages is dropped and counted",
      );
      assertHealthy(server, RSS_LIMIT_MIB);
    });

    test(`${runtime}: 20 QoS 1 subscribers that never read, messages near maxPacketSize: each costs about maxWriteBuffer, not window × message size`, async () => {
      const server = await shared.get();
      const topic = uniq("stall-many");
      await using probe = await connectProbe(server.port);
      const stalled = await Promise.all(
        Array.from(
          { length: 20 },
          (_, i) =>
            openStalled(server.port, uniq(`stall-${i}`), [
              { filter: topic, qos: 1 },
            ]),
        ),
      );
      try {
        const { client: pub } = await connectRaw(server.port, {
          clientId: uniq("stall-pub"),
        });
        await using _pub = pub;
        // 300 × 60 KiB: a full window (256) each would be 20 × 15 MiB.
        const payload = "w".repeat(60 * 1024);
        for (let i = 0; i < 6; i++) {
          await publishAcked(pub, topic, 50, payload);
          await probe.roundTrip();
        }
        assertHealthy(server, RSS_LIMIT_MIB);
      } finally {
        await Promise.all(stalled.map((s) => s[Symbol.asyncDispose]()));
      }
    });

    test(`${runtime}: a CONNECT announcing 256 MB is closed at once, nothing buffered`, async () => {
      const server = await shared.get();
      await using probe = await connectProbe(server.port);
      const socket = await openSocket(server.port);
      try {
        const start = Date.now();
        socket.write(Uint8Array.of(0x10, 0xff, 0xff, 0xff, 0x7f));
        // Keep streaming: the server must not wait for (or hold) 256 MB.
        const chunk = new Uint8Array(64 * 1024);
        let sent = 0;
        while (!socket.destroyed && sent < 16 * 1024 * 1024) {
          await writeAll(socket, chunk);
          sent += chunk.length;
        }
        await closedWithin(socket, 1500, "close after a 256 MB header");
        assert.ok(Date.now() - start < 1500, "closed before the timeout");
      } finally {
        socket.destroy();
      }
      await probe.roundTrip();
      assertHealthy(server, RSS_LIMIT_MIB);
    });

    test(`${runtime}: a PUBLISH over maxPacketSize: 3.1.1 closed, v5 DISCONNECT 0x95 [MQTT-3.2.2-15]`, async () => {
      const server = await shared.get();
      await using probe = await connectProbe(server.port);
      const big = "z".repeat(MAX_PACKET * 4);
      const v4 = await connectRaw(server.port, { clientId: uniq("big4") });
      await using _v4 = v4.client;
      v4.client.send(rawPublish(uniq("big"), big, 1, 1));
      await withDeadline(v4.client.closed, "3.1.1 close on a big PUBLISH");
      const v5 = await connectV5(server.port, { clientId: uniq("big5") });
      await using _v5 = v5.client;
      v5.client.send(rawPublish(uniq("big"), big, 0));
      await expectServerDisconnect(v5.client, ReasonCode.PacketTooLarge);
      await probe.roundTrip();
      assertHealthy(server, RSS_LIMIT_MIB);
    });

    test(`${runtime}: garbage, TLS ClientHello and HTTP GET on the MQTT port are closed; half packets are closed by the connect timeout and keep-alive`, async () => {
      const server = await shared.get();
      await using probe = await connectProbe(server.port);
      const garbage = new Uint8Array(64 * 1024);
      for (let i = 0; i < garbage.length; i++) {
        garbage[i] = (i * 2654435761) >>> 24;
      }
      // A TLS 1.2 ClientHello record start: 0x16 is CONNECT with bad flags.
      const tls = Uint8Array.of(0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01);
      const http = new TextEncoder().encode(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl\r\n\r\n",
      );
      const inputs = [garbage, tls, http];
      const prompt = await Promise.all(
        inputs.map(() => openSocket(server.port)),
      );
      const halfConnect = await openSocket(server.port);
      const halfPublish = await openRaw(server.port);
      try {
        prompt.forEach((s, i) => s.write(inputs[i]));
        // The first 6 bytes of a CONNECT, then silence.
        halfConnect.write(Uint8Array.of(0x10, 0x20, 0x00, 0x04, 0x4d, 0x51));
        halfPublish.send({
          type: PacketType.CONNECT,
          protocolName: "MQTT",
          protocolVersion: 4,
          clean: true,
          keepAlive: 1,
          clientId: uniq("half"),
        });
        assert.equal((await halfPublish.next()).type, PacketType.CONNACK);
        halfPublish.sendBytes(Uint8Array.of(0x30, 0x40, 0x00, 0x03, 0x61));
        await Promise.all(
          prompt.map((s, i) => closedWithin(s, 1000, `bad input ${i} closed`)),
        );
        await probe.roundTrip();
        await closedWithin(halfConnect, 4000, "connect timeout");
        await withDeadline(halfPublish.closed, "keep-alive close", 4000);
      } finally {
        for (const s of [...prompt, halfConnect]) s.destroy();
        halfPublish.destroy();
      }
      await probe.roundTrip();
      assertHealthy(server, RSS_LIMIT_MIB);
    });
  });
}
