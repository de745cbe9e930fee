/**
 * End to end, on the runtime running the tests: clients that hurt by volume
 * or churn (2,000 sockets that never CONNECT, a `#` subscriber publishing to
 * itself, 10,000 retained topics with subscribe churn, a flapping client
 * id, a v5 Receive Maximum of 1 never acked) while a well-behaved probe
 * keeps prompt round trips, the process stays alive and its memory bounded.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import {
  createPacketDecoder,
  encodePacket,
  type Packet,
  PacketType,
} from "../../src/codec/mod.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  type RawClient,
  rawPublish,
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import {
  assertHealthy,
  connectProbe,
  openStalled,
  publishAcked,
} from "../helpers/robustness.ts";
import { currentRuntime, sharedJetmq } from "../helpers/server.ts";
import { connectV5, readMetric, uniq } from "../helpers/v5.ts";

const MAX_QUEUED = 1000;
const RSS_LIMIT_MIB = 400;
const MAX_SUBSCRIPTIONS = 1000;

const config = {
  limits: {
    maxWriteBuffer: 64 * 1024,
    maxQueuedMessages: MAX_QUEUED,
    connectTimeout: 1,
    maxSubscriptions: MAX_SUBSCRIPTIONS,
  },
  metrics: { host: "127.0.0.1", port: 0 },
};

/** Next packet of `type`, skipping others (e.g. PUBLISHes); deadline each. */
async function nextOf(client: RawClient, type: number): Promise<Packet> {
  for (;;) {
    const p = await client.next();
    if (p.type === type) return p;
  }
}

describe(`main.ts on ${currentRuntime}: robustness under volume and churn`, () => {
  const shared = sharedJetmq({ config });
  after(() => shared.stop());

  test("2,000 connections that never send CONNECT are closed by the connect timeout; the probe is unaffected", async () => {
    const server = await shared.get();
    await using probe = await connectProbe(server.port);
    const before = await readMetric(server, "jetmq_connect_timeouts_total");
    const sockets: net.Socket[] = [];
    const closed: Promise<void>[] = [];
    try {
      for (let batch = 0; batch < 10; batch++) {
        await Promise.all(
          Array.from(
            { length: 200 },
            () =>
              new Promise<void>((resolve, reject) => {
                const s = net.connect(server.port, "127.0.0.1");
                s.on("error", () => {});
                sockets.push(s);
                closed.push(
                  new Promise((r) => s.once("close", () => r())),
                );
                s.once("connect", () => resolve());
                s.once("error", reject);
              }),
          ),
        );
        await probe.roundTrip();
      }
      await withDeadline(
        Promise.all(closed),
        "2,000 idle sockets closed",
        5000,
      );
      await probe.roundTrip();
      assert.ok(
        await readMetric(server, "jetmq_connect_timeouts_total") >=
          before + 2000,
      );
    } finally {
      for (const s of sockets) s.destroy();
    }
    assertHealthy(server, RSS_LIMIT_MIB);
  });

  test("a `#` subscriber publishing QoS 0 and 1 to itself in a tight loop, reading or not, hurts nobody else", async () => {
    const server = await shared.get();
    await using probe = await connectProbe(server.port);
    const topic = uniq("self");
    // Never reads: its PUBACKs and echoes pile up, so the server must stop
    // reading it rather than buffer without bound.
    await using stalled = await openStalled(server.port, uniq("self-stall"), [
      { filter: "#", qos: 1 },
    ]);
    const q0 = encodePacket(rawPublish(topic, "a".repeat(512), 0), 4);
    for (let i = 0; i < 4000; i++) {
      stalled.socket.write(q0);
      stalled.socket.write(
        encodePacket(rawPublish(topic, "b".repeat(512), 1, i % 65535 + 1), 4),
      );
      if (i % 1000 === 999) await probe.roundTrip();
    }
    await probe.roundTrip();
    // Reads everything: publishes to itself 200 at a time (within its
    // window and queue) and gets each of its 2,000 QoS 1 messages back.
    const reader = await connectRaw(server.port, { clientId: uniq("self-r") });
    await using _r = reader.client;
    await subscribeRaw(reader.client, [{ filter: "#", qos: 1 }]);
    const own = uniq("self-read");
    let got = 0;
    for (let sent = 0; sent < 2000;) {
      for (let i = 0; i < 200; i++) {
        sent++;
        reader.client.send(rawPublish(own, String(sent), 1, sent));
      }
      while (got < sent) {
        const p = await reader.client.next();
        if (p.type !== PacketType.PUBLISH) continue;
        if (p.qos === 1) {
          reader.client.send({
            type: PacketType.PUBACK,
            packetId: p.packetId!,
          });
        }
        if (p.topic === own) assert.equal(payloadText(p), String(++got));
      }
    }
    await probe.roundTrip();
    assertHealthy(server, RSS_LIMIT_MIB);
  });

  test("10,000 retained topics then unsubscribe/resubscribe churn: every round gets them all, the probe stays prompt", async () => {
    const server = await shared.get();
    await using probe = await connectProbe(server.port);
    const prefix = uniq("ret");
    const topics = 10_000;
    const { client: pub } = await connectRaw(server.port, {
      clientId: uniq("ret-pub"),
    });
    await using _pub = pub;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < topics; i++) {
      parts.push(encodePacket(
        rawPublish(`${prefix}/${i}`, String(i), 0, undefined, { retain: true }),
        4,
      ));
    }
    pub.sendBytes(new Uint8Array(parts.flatMap((p) => [...p])));
    await publishAcked(pub, `${prefix}/sync`, 1);
    // A plain socket that only counts: the churn is 80,000 deliveries.
    const churn = net.connect(server.port, "127.0.0.1");
    churn.on("error", () => {});
    try {
      const decoder = createPacketDecoder({ version: 4 });
      const rounds = 8;
      let retained = 0;
      let unsubacks = 0;
      let pingresp = false;
      let late = 0;
      const done = new Promise<void>((resolve) => {
        churn.on("data", (chunk: Uint8Array) => {
          for (const p of decoder.push(chunk)) {
            if (p.type === PacketType.PUBLISH && p.retain) retained++;
            if (p.type === PacketType.UNSUBACK) unsubacks++;
            if (p.type === PacketType.PINGRESP) pingresp = true;
            if (p.type === PacketType.PUBLISH && unsubacks === rounds) late++;
            // PINGRESP may overtake the last UNSUBACK (their order is not
            // specified), so both are awaited.
            if (pingresp && unsubacks === rounds) resolve();
          }
        });
      });
      const write = (p: Packet) => churn.write(encodePacket(p, 4));
      write({
        type: PacketType.CONNECT,
        protocolName: "MQTT",
        protocolVersion: 4,
        clean: true,
        keepAlive: 0,
        clientId: uniq("ret-churn"),
      });
      for (let r = 0; r < rounds; r++) {
        write({
          type: PacketType.SUBSCRIBE,
          packetId: 2 * r + 1,
          subscriptions: [{ filter: `${prefix}/#`, qos: 0 }],
        });
        write({
          type: PacketType.UNSUBSCRIBE,
          packetId: 2 * r + 2,
          filters: [`${prefix}/#`],
        });
      }
      // A last round trip; any PUBLISH after the last UNSUBACK is counted.
      write({ type: PacketType.PINGREQ });
      await Promise.all([
        withDeadline(done, "churn rounds", 6000),
        (async () => {
          for (let i = 0; i < 3; i++) await probe.roundTrip();
        })(),
      ]);
      // Each SUBSCRIBE sends every retained message before its UNSUBACK.
      assert.equal(unsubacks, rounds);
      assert.equal(retained, rounds * topics);
      assert.equal(late, 0, "PUBLISH after the last UNSUBACK");
    } finally {
      churn.destroy();
    }
    await probe.roundTrip();
    assertHealthy(server, RSS_LIMIT_MIB);
  });

  test("a client id reconnecting in a tight loop (takeover each time) does not disturb another client's QoS 1 stream [MQTT-3.1.4-3]", async () => {
    const server = await shared.get();
    await using probe = await connectProbe(server.port);
    const topic = uniq("flap-stream");
    const sub = await connectRaw(server.port, { clientId: uniq("flap-sub") });
    await using _sub = sub.client;
    await subscribeRaw(sub.client, [{ filter: topic, qos: 1 }]);
    const { client: pub } = await connectRaw(server.port, {
      clientId: uniq("flap-pub"),
    });
    await using _pub = pub;
    const flapId = uniq("flapper");
    const flap = async () => {
      const old: RawClient[] = [];
      try {
        for (let i = 0; i < 200; i++) {
          const { client, connack } = await connectRaw(server.port, {
            clientId: flapId,
            clean: i % 2 === 0,
            will: { topic, payload: new Uint8Array(), qos: 0, retain: false },
          });
          assert.equal(connack.type, PacketType.CONNACK);
          old.push(client);
        }
      } finally {
        await Promise.all(old.map((c) => c[Symbol.asyncDispose]()));
      }
    };
    const count = 1000;
    const stream = async () => {
      for (let i = 1; i <= count; i++) {
        pub.send(rawPublish(topic, String(i), 1, i));
        if (i % 100 === 0) await nextOf(pub, PacketType.PUBACK);
      }
      let got = 0;
      while (got < count) {
        const p = await nextPublish(sub.client);
        if (p.payload.length === 0) continue; // a taken-over flapper's will
        assert.equal(payloadText(p), String(++got));
        sub.client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
    };
    await Promise.all([flap(), stream(), probe.roundTrip()]);
    await probe.roundTrip();
    assertHealthy(server, RSS_LIMIT_MIB);
  });

  test("v5 subscriber with Receive Maximum 1 never acking: gets one message, the queue stays bounded, publisher and other subscribers unaffected [MQTT-3.3.4-9]", async () => {
    const server = await shared.get();
    await using probe = await connectProbe(server.port);
    const topic = uniq("rm1");
    const bad = await connectV5(server.port, {
      clientId: uniq("rm1-bad"),
      properties: { receiveMaximum: 1 },
    });
    await using _bad = bad.client;
    await subscribeRaw(bad.client, [{ filter: topic, qos: 1 }]);
    const good = await connectRaw(server.port, { clientId: uniq("rm1-good") });
    await using _good = good.client;
    await subscribeRaw(good.client, [{ filter: topic, qos: 1 }]);
    const dropped = await readMetric(server, "jetmq_queue_dropped_total");
    const { client: pub } = await connectRaw(server.port, {
      clientId: uniq("rm1-pub"),
    });
    await using _pub = pub;
    const count = 3 * MAX_QUEUED;
    const start = Date.now();
    // Paced by the good subscriber, so only the bad one's queue overflows.
    for (let chunk = 0; chunk < count / 500; chunk++) {
      const published = publishAcked(pub, topic, 500);
      for (let i = 0; i < 500; i++) {
        const p = await nextPublish(good.client);
        assert.equal(p.qos, 1);
        good.client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
      await published;
    }
    assert.ok(Date.now() - start < 5000, "publisher and good subscriber");
    const first = await nextPublish(bad.client);
    assert.equal(first.qos, 1);
    await expectNothingMore(bad.client);
    assert.ok(
      await readMetric(server, "jetmq_queue_dropped_total") > dropped,
      "the unacked session's queue is bounded by maxQueuedMessages",
    );
    await probe.roundTrip();
    assertHealthy(server, RSS_LIMIT_MIB);
  });

  test("a client subscribing to ever more filters is refused beyond limits.maxSubscriptions (3.1.1 0x80, v5 0x97); replacing and freed slots still work", async () => {
    const server = await shared.get();
    await using probe = await connectProbe(server.port);
    const refused = await readMetric(
      server,
      "jetmq_subscriptions_refused_total",
    );
    const filters = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        filter: `${prefix}/${i}/+`,
        qos: 1 as const,
      }));
    const base = uniq("many");
    const v4 = await connectRaw(server.port, { clientId: uniq("many4") });
    await using _v4 = v4.client;
    const first = await subscribeRaw(
      v4.client,
      filters(base, MAX_SUBSCRIPTIONS),
    );
    assert.ok(first.every((code) => code === 1));
    // 20,000 more in one packet: all refused, the held one replaced.
    const more = [filters(base, 1)[0], ...filters(`${base}/x`, 20_000)];
    const codes = await subscribeRaw(v4.client, more, 2);
    assert.equal(codes[0], 1);
    assert.ok(codes.slice(1).every((code) => code === 0x80));
    await probe.roundTrip();
    v4.client.send({
      type: PacketType.UNSUBSCRIBE,
      packetId: 3,
      filters: [filters(base, 1)[0].filter],
    });
    assert.equal((await v4.client.next()).type, PacketType.UNSUBACK);
    assert.deepEqual(
      await subscribeRaw(v4.client, filters(`${base}/y`, 2), 4),
      [1, 0x80],
    );
    const v5 = await connectV5(server.port, { clientId: uniq("many5") });
    await using _v5 = v5.client;
    await subscribeRaw(v5.client, filters(base, MAX_SUBSCRIPTIONS));
    v5.client.send({
      type: PacketType.SUBSCRIBE,
      packetId: 2,
      subscriptions: filters(`${base}/z`, 1),
    });
    const suback = await v5.client.next();
    assert.equal(suback.type, PacketType.SUBACK);
    if (suback.type === PacketType.SUBACK) {
      assert.deepEqual(suback.reasonCodes, [0x97]);
      assert.equal(suback.properties?.reasonString, "Too many subscriptions");
    }
    assert.ok(
      await readMetric(server, "jetmq_subscriptions_refused_total") >=
        refused + 20_002,
    );
    await probe.roundTrip();
    assertHealthy(server, RSS_LIMIT_MIB);
  });
});
