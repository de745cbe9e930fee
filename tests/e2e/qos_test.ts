/**
 * End to end (issue #3): QoS 0, 1 and 2 in both directions, exactly-once for
 * inbound QoS 2, redelivery with DUP on reconnect and per-topic order,
 * against main.ts as a subprocess on Deno and Bun.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Packet, PacketType, type QoS } from "../../src/codec/mod.ts";
import { runtimes, sharedJetmq } from "../helpers/server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  type RawClient,
  rawPublish,
  subscribeRaw,
} from "../helpers/raw_client.ts";
import {
  connectJs,
  mosquittoPub,
  startMosquittoSub,
} from "../helpers/mqttjs_client.ts";

/** Asserts the next packet is an ack of `type` for `packetId`. */
async function expectAck(
  client: RawClient,
  type: Packet["type"],
  packetId: number,
): Promise<void> {
  const p = await client.next();
  assert.equal(p.type, type, `expected packet type ${type}, got ${p.type}`);
  assert.equal((p as { packetId: number }).packetId, packetId);
}

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: QoS`, () => {
    const shared = sharedJetmq({ runtime });
    after(() => shared.stop());

    test("MQTT.js QoS 0/1/2 both ways: delivered QoS = min(published, granted) [MQTT-3.8.4-6]", async () => {
      const server = await shared.get();
      const topic = `qos/${runtime}/min`;
      await using s2 = await connectJs(server.url, {
        clientId: `min-s2-${runtime}`,
      });
      await using s1 = await connectJs(server.url, {
        clientId: `min-s1-${runtime}`,
      });
      await s2.mqtt.subscribeAsync(topic, { qos: 2 });
      await s1.mqtt.subscribeAsync(topic, { qos: 1 });
      await using pub = await connectJs(server.url, {
        clientId: `min-pub-${runtime}`,
      });
      for (const qos of [0, 1, 2] as QoS[]) {
        await pub.mqtt.publishAsync(topic, `q${qos}`, { qos });
      }
      const at2 = await s2.next(3);
      const at1 = await s1.next(3);
      assert.deepEqual(at2.map((m) => `${m.text}@${m.qos}`), [
        "q0@0",
        "q1@1",
        "q2@2",
      ]);
      assert.deepEqual(at1.map((m) => `${m.text}@${m.qos}`), [
        "q0@0",
        "q1@1",
        "q2@1",
      ]);
    });

    test("inbound QoS 1 gets PUBACK and QoS 2 PUBREC/PUBCOMP with the same packet id [MQTT-4.3.2-2] [MQTT-4.3.3-2]", async () => {
      const server = await shared.get();
      const { client } = await connectRaw(server.port, {
        clientId: `acks-${runtime}`,
      });
      await using _ = client;
      client.send(rawPublish(`qos/${runtime}/acks`, "one", 1, 4321));
      await expectAck(client, PacketType.PUBACK, 4321);
      client.send(rawPublish(`qos/${runtime}/acks`, "two", 2, 65535));
      await expectAck(client, PacketType.PUBREC, 65535);
      client.send({ type: PacketType.PUBREL, packetId: 65535 });
      await expectAck(client, PacketType.PUBCOMP, 65535);
    });

    test("inbound QoS 2 resent with DUP before PUBREL is delivered once [MQTT-4.3.3-2] [MQTT-4.3.3-3]", async () => {
      const server = await shared.get();
      const topic = `qos/${runtime}/once`;
      const { client: sub } = await connectRaw(server.port, {
        clientId: `once-sub-${runtime}`,
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 0 }]);
      const { client: pub } = await connectRaw(server.port, {
        clientId: `once-pub-${runtime}`,
      });
      await using _p = pub;
      pub.send(rawPublish(topic, "exactly-once", 2, 17));
      await expectAck(pub, PacketType.PUBREC, 17);
      pub.send(rawPublish(topic, "exactly-once", 2, 17, { dup: true }));
      await expectAck(pub, PacketType.PUBREC, 17);
      pub.send(rawPublish(topic, "exactly-once", 2, 17, { dup: true }));
      await expectAck(pub, PacketType.PUBREC, 17);
      pub.send({ type: PacketType.PUBREL, packetId: 17 });
      await expectAck(pub, PacketType.PUBCOMP, 17);
      // A resent PUBREL is answered again, and delivers nothing [MQTT-4.3.3-2].
      pub.send({ type: PacketType.PUBREL, packetId: 17 });
      await expectAck(pub, PacketType.PUBCOMP, 17);
      // After PUBCOMP the id is free: the same id is a new message.
      pub.send(rawPublish(topic, "new-message", 2, 17));
      await expectAck(pub, PacketType.PUBREC, 17);
      pub.send({ type: PacketType.PUBREL, packetId: 17 });
      await expectAck(pub, PacketType.PUBCOMP, 17);
      assert.equal(payloadText(await nextPublish(sub)), "exactly-once");
      assert.equal(payloadText(await nextPublish(sub)), "new-message");
      await expectNothingMore(sub);
    });

    test("the DUP flag of an incoming PUBLISH is not propagated to subscribers [MQTT-3.3.1-3]", async () => {
      const server = await shared.get();
      const topic = `qos/${runtime}/dup`;
      const { client: sub } = await connectRaw(server.port, {
        clientId: `dup-sub-${runtime}`,
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 1 }]);
      const { client: pub } = await connectRaw(server.port, {
        clientId: `dup-pub-${runtime}`,
      });
      await using _p = pub;
      pub.send(rawPublish(topic, "resent", 1, 3, { dup: true }));
      await expectAck(pub, PacketType.PUBACK, 3);
      const p = await nextPublish(sub);
      assert.deepEqual([payloadText(p), p.dup], ["resent", false]);
    });

    test("unacknowledged QoS 1/2 are resent on reconnect with DUP, same ids, in order; PUBREL after PUBREC [MQTT-4.4.0-1] [MQTT-3.3.1-1]", async () => {
      const server = await shared.get();
      const id = `redeliver-${runtime}`;
      const base = `qos/${runtime}/redeliver`;
      const first = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _1 = first.client;
      await subscribeRaw(first.client, [{ filter: `${base}/#`, qos: 2 }]);
      await using pub = await connectJs(server.url, {
        clientId: `redeliver-pub-${runtime}`,
      });
      await pub.mqtt.publishAsync(`${base}/a`, "m1", { qos: 1 });
      await pub.mqtt.publishAsync(`${base}/a`, "m2", { qos: 2 });
      await pub.mqtt.publishAsync(`${base}/b`, "m3", { qos: 1 });
      await pub.mqtt.publishAsync(`${base}/a`, "m4", { qos: 2 });
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push(await nextPublish(first.client));
      assert.deepEqual(seen.map((p) => [payloadText(p), p.qos, p.dup]), [
        ["m1", 1, false],
        ["m2", 2, false],
        ["m3", 1, false],
        ["m4", 2, false],
      ]);
      // Acknowledge only the first step of m4, then drop the connection.
      first.client.send({
        type: PacketType.PUBREC,
        packetId: seen[3].packetId!,
      });
      await expectAck(first.client, PacketType.PUBREL, seen[3].packetId!);
      first.client.destroy();
      await first.client.closed;

      const second = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _2 = second.client;
      assert.equal(second.connack.sessionPresent, true);
      const again = [];
      for (let i = 0; i < 4; i++) again.push(await second.client.next());
      const publishes = again.filter((p) => p.type === PacketType.PUBLISH);
      assert.deepEqual(
        publishes.map((p) => [payloadText(p), p.qos, p.dup, p.packetId]),
        seen.slice(0, 3).map((p) => [payloadText(p), p.qos, true, p.packetId]),
      );
      const rel = again.find((p) => p.type === PacketType.PUBREL);
      assert.ok(rel, "PUBREL of m4 resent, not its PUBLISH");
      assert.equal((rel as { packetId: number }).packetId, seen[3].packetId);
      for (const p of publishes) {
        second.client.send({
          type: p.qos === 2 ? PacketType.PUBREC : PacketType.PUBACK,
          packetId: p.packetId!,
        });
        if (p.qos === 2) {
          await expectAck(second.client, PacketType.PUBREL, p.packetId!);
          second.client.send({
            type: PacketType.PUBCOMP,
            packetId: p.packetId!,
          });
        }
      }
      second.client.send({
        type: PacketType.PUBCOMP,
        packetId: seen[3].packetId!,
      });
      await expectNothingMore(second.client);
      await second.client.disconnect();
      // Everything was acknowledged: nothing comes a third time.
      const third = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _3 = third.client;
      await expectNothingMore(third.client);
    });

    test("per-topic order is kept for 200 QoS 1 and 100 QoS 2 messages in flight [MQTT-4.6.0-5]", async () => {
      const server = await shared.get();
      const topic = `qos/${runtime}/order`;
      await using sub = await connectJs(server.url, {
        clientId: `order-sub-${runtime}`,
      });
      await sub.mqtt.subscribeAsync(topic, { qos: 2 });
      await using pub = await connectJs(server.url, {
        clientId: `order-pub-${runtime}`,
      });
      const sent: Promise<unknown>[] = [];
      for (let i = 0; i < 200; i++) {
        sent.push(pub.mqtt.publishAsync(topic, `a${i}`, { qos: 1 }));
      }
      for (let i = 0; i < 100; i++) {
        sent.push(pub.mqtt.publishAsync(topic, `b${i}`, { qos: 2 }));
      }
      await Promise.all(sent);
      const got = (await sub.next(300)).map((m) => m.text);
      const ones = got.filter((t) => t.startsWith("a"));
      const twos = got.filter((t) => t.startsWith("b"));
      assert.deepEqual(ones, Array.from({ length: 200 }, (_, i) => `a${i}`));
      assert.deepEqual(twos, Array.from({ length: 100 }, (_, i) => `b${i}`));
    });

    test("mosquitto_pub -q 2 to mosquitto_sub -q 2, and MQTT 3.1 clients at QoS 2", async () => {
      const server = await shared.get();
      const topic = `qos/${runtime}/mosq`;
      await using sub = startMosquittoSub(server.port, [
        "-t",
        topic,
        "-q",
        "2",
        "-C",
        "2",
        "-W",
        "5",
      ]);
      await sub.subscribed;
      await using v31 = await connectJs(server.url, {
        clientId: `v31-${runtime}`,
        protocolVersion: 3,
        protocolId: "MQIsdp",
      });
      await v31.mqtt.subscribeAsync(topic, { qos: 2 });
      const r = await mosquittoPub(server.port, [
        "-t",
        topic,
        "-m",
        "from-mosquitto",
        "-q",
        "2",
      ]);
      assert.equal(r.code, 0, r.out);
      await v31.mqtt.publishAsync(topic, "from-3.1", { qos: 2 });
      const { code, out } = await sub.done;
      assert.equal(code, 0, out);
      assert.match(out, /from-mosquitto\n(.*\n)*from-3\.1/);
      assert.deepEqual((await v31.next(2)).map((m) => `${m.text}@${m.qos}`), [
        "from-mosquitto@2",
        "from-3.1@2",
      ]);
    });
  });
}

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: in-flight window (limits.maxInflight 4)`, () => {
    const shared = sharedJetmq({
      runtime,
      config: { limits: { maxInflight: 4 } },
    });
    after(() => shared.stop());

    test("at most maxInflight unacknowledged QoS 1 messages; each PUBACK releases the next in order", async () => {
      const server = await shared.get();
      const topic = `window/${runtime}`;
      const { client } = await connectRaw(server.port, {
        clientId: `win-${runtime}`,
      });
      await using _ = client;
      await subscribeRaw(client, [{ filter: topic, qos: 1 }]);
      const { client: pub } = await connectRaw(server.port, {
        clientId: `win-pub-${runtime}`,
      });
      await using _p = pub;
      for (let i = 1; i <= 10; i++) {
        pub.send(rawPublish(topic, `w${i}`, 1, i));
        await expectAck(pub, PacketType.PUBACK, i);
      }
      const first = [];
      for (let i = 0; i < 4; i++) first.push(await nextPublish(client));
      assert.deepEqual(first.map(payloadText), ["w1", "w2", "w3", "w4"]);
      await expectNothingMore(client);
      const rest = [];
      for (const p of first) {
        client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
      while (rest.length < 6) {
        const p = await nextPublish(client);
        rest.push(payloadText(p));
        client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
      assert.deepEqual(rest, ["w5", "w6", "w7", "w8", "w9", "w10"]);
    });

    test("a 600 KB QoS 1 payload round-trips intact", async () => {
      const server = await shared.get();
      const topic = `big/${runtime}`;
      await using sub = await connectJs(server.url, {
        clientId: `big-sub-${runtime}`,
      });
      await sub.mqtt.subscribeAsync(topic, { qos: 1 });
      const payload = "0123456789abcdef".repeat(600 * 64);
      await using pub = await connectJs(server.url, {
        clientId: `big-pub-${runtime}`,
      });
      await pub.mqtt.publishAsync(topic, payload, { qos: 1 });
      const [m] = await sub.next();
      assert.equal(m.text.length, payload.length);
      assert.equal(m.text, payload);
    });
  });
}
