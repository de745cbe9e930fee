/**
 * End to end (issue #5 items 5 and 6): flow control (the client's Receive
 * Maximum is never exceeded; ours is announced and enforced with 0x93) and
 * Maximum Packet Size both ways (ours announced and enforced with 0x95; a
 * message larger than the client's limit is not sent to it, and counted).
 * main.ts as a subprocess on each backend, with small limits.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, ReasonCode } from "../../src/codec/mod.ts";
import { e2eBackends } from "../helpers/backends.ts";
import {
  expectNothingMore,
  nextPublish,
  payloadText,
  rawPublish,
  subscribeRaw,
} from "../helpers/raw_client.ts";
import { connectJs } from "../helpers/mqttjs_client.ts";
import {
  connectV5,
  expectServerDisconnect,
  parkSession,
  readMetric,
  uniq,
} from "../helpers/v5.ts";

const RECEIVE_MAXIMUM = 4;
const MAX_PACKET = 4096;

for (
  const backend of e2eBackends({
    config: {
      limits: { receiveMaximum: RECEIVE_MAXIMUM, maxPacketSize: MAX_PACKET },
      metrics: { host: "127.0.0.1", port: 0 },
    },
  })
) {
  describe(`main.ts v5 on ${backend.name}: flow control and Maximum Packet Size`, () => {
    after(() => backend.stop());

    test("CONNACK announces our Receive Maximum and Maximum Packet Size (§3.2.2.3.3, §3.2.2.3.6)", async () => {
      const server = await backend.get();
      const { client, connack } = await connectV5(server.port, {
        clientId: uniq("fc-ann"),
      });
      await using _ = client;
      assert.equal(connack.properties?.receiveMaximum, RECEIVE_MAXIMUM);
      assert.equal(connack.properties?.maximumPacketSize, MAX_PACKET);
    });

    test("QoS 2 publishes up to our Receive Maximum are accepted; one more unreleased: DISCONNECT 0x93 (§4.9)", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("fc-93"),
      });
      await using _ = client;
      const topic = uniq("fc/93");
      for (let id = 1; id <= RECEIVE_MAXIMUM; id++) {
        client.send(rawPublish(topic, `m${id}`, 2, id));
        const rec = await client.next();
        assert.equal(rec.type, PacketType.PUBREC);
      }
      // Releasing one frees one slot.
      client.send({ type: PacketType.PUBREL, packetId: 1 });
      assert.equal((await client.next()).type, PacketType.PUBCOMP);
      client.send(rawPublish(topic, "m5", 2, 5));
      assert.equal((await client.next()).type, PacketType.PUBREC);
      client.send(rawPublish(topic, "m6", 2, 6));
      await expectServerDisconnect(client, ReasonCode.ReceiveMaximumExceeded);
    });

    test("the client's Receive Maximum is never exceeded; each PUBACK lets one more through [MQTT-3.3.4-9]", async () => {
      const server = await backend.get();
      const topic = uniq("fc/rm");
      const { client: sub } = await connectV5(server.port, {
        clientId: uniq("fc-rm"),
        properties: { receiveMaximum: 2 },
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 1 }]);
      await using pub = await connectJs(server.url, {
        clientId: uniq("fc-rm-pub"),
        protocolVersion: 5,
      });
      for (let i = 1; i <= 5; i++) {
        await pub.mqtt.publishAsync(topic, `r${i}`, { qos: 1 });
      }
      const first = [await nextPublish(sub), await nextPublish(sub)];
      assert.deepEqual(first.map(payloadText), ["r1", "r2"]);
      await expectNothingMore(sub);
      const rest: string[] = [];
      sub.send({ type: PacketType.PUBACK, packetId: first[0].packetId! });
      const third = await nextPublish(sub);
      rest.push(payloadText(third));
      await expectNothingMore(sub);
      for (const p of [first[1], third]) {
        sub.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
      while (rest.length < 3) {
        const p = await nextPublish(sub);
        rest.push(payloadText(p));
        sub.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
      assert.deepEqual(rest, ["r3", "r4", "r5"]);
    });

    test("a QoS 2 message counts against the client's Receive Maximum until PUBCOMP, not PUBREC [MQTT-3.3.4-9] (§4.9)", async () => {
      const server = await backend.get();
      const topic = uniq("fc/q2");
      const { client: sub } = await connectV5(server.port, {
        clientId: uniq("fc-q2"),
        properties: { receiveMaximum: 1 },
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 2 }]);
      await using pub = await connectJs(server.url, {
        clientId: uniq("fc-q2-pub"),
        protocolVersion: 5,
      });
      await pub.mqtt.publishAsync(topic, "first", { qos: 2 });
      await pub.mqtt.publishAsync(topic, "second", { qos: 2 });
      const p1 = await nextPublish(sub);
      assert.equal(payloadText(p1), "first");
      sub.send({ type: PacketType.PUBREC, packetId: p1.packetId! });
      const rel = await sub.next();
      assert.deepEqual([rel.type, (rel as { packetId: number }).packetId], [
        PacketType.PUBREL,
        p1.packetId,
      ]);
      await expectNothingMore(sub);
      sub.send({ type: PacketType.PUBCOMP, packetId: p1.packetId! });
      assert.equal(payloadText(await nextPublish(sub)), "second");
    });

    test("MQTT.js v5 with Receive Maximum 1 receives every QoS 2 message, in order", async () => {
      const server = await backend.get();
      const topic = uniq("fc/js");
      await using sub = await connectJs(server.url, {
        clientId: uniq("fc-js"),
        protocolVersion: 5,
        properties: { receiveMaximum: 1 },
      });
      await sub.mqtt.subscribeAsync(topic, { qos: 2 });
      await using pub = await connectJs(server.url, {
        clientId: uniq("fc-js-pub"),
        protocolVersion: 5,
      });
      for (let i = 1; i <= 6; i++) {
        await pub.mqtt.publishAsync(topic, `j${i}`, { qos: 2 });
      }
      const got = await sub.next(6);
      assert.deepEqual(
        got.map((m) => m.text),
        [1, 2, 3, 4, 5, 6].map((i) => `j${i}`),
      );
    });

    test("queued messages resent on reconnect respect the new connection's Receive Maximum [MQTT-3.3.4-9]", async () => {
      const server = await backend.get();
      const id = uniq("fc-rq");
      const topic = uniq("fc/rq");
      await parkSession(server.port, id, topic);
      await using pub = await connectJs(server.url, {
        clientId: uniq("fc-rq-pub"),
        protocolVersion: 5,
      });
      for (let i = 1; i <= 5; i++) {
        await pub.mqtt.publishAsync(topic, `q${i}`, { qos: 1 });
      }
      const back = await connectV5(server.port, {
        clientId: id,
        clean: false,
        properties: { sessionExpiryInterval: 60, receiveMaximum: 2 },
      });
      await using _ = back.client;
      const got = [
        await nextPublish(back.client),
        await nextPublish(back.client),
      ];
      await expectNothingMore(back.client);
      const texts = got.map(payloadText);
      for (;;) {
        const p = got.shift();
        if (!p) break;
        back.client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
        if (texts.length < 5) {
          const n = await nextPublish(back.client);
          texts.push(payloadText(n));
          got.push(n);
        }
      }
      assert.deepEqual(texts, ["q1", "q2", "q3", "q4", "q5"]);
    });

    test("acks whose reason string would exceed the client's Maximum Packet Size go without it [MQTT-3.9.2-1] [MQTT-3.4.2-2] (§3.1.2.11.4)", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("fc-rs"),
        // CONNACK (16 bytes here) fits; the acks fit only without reason.
        properties: { maximumPacketSize: 17 },
      });
      await using _ = client;
      client.send({
        type: PacketType.SUBSCRIBE,
        packetId: 1,
        subscriptions: [{ filter: "fc/#/bad", qos: 0 }],
      });
      const suback = await client.next();
      assert.equal(suback.type, PacketType.SUBACK);
      if (suback.type === PacketType.SUBACK) {
        assert.deepEqual(suback.reasonCodes, [ReasonCode.TopicFilterInvalid]);
        assert.equal(suback.properties?.reasonString, undefined);
      }
      client.send({
        ...rawPublish(uniq("fc/rs"), "", 1, 2, {
          properties: { payloadFormatIndicator: 1 },
        }),
        payload: new Uint8Array([0xff]),
      });
      const puback = await client.next();
      assert.equal(puback.type, PacketType.PUBACK);
      if (puback.type === PacketType.PUBACK) {
        assert.equal(puback.reasonCode, ReasonCode.PayloadFormatInvalid);
        assert.equal(puback.properties?.reasonString, undefined);
      }
    });

    test("a packet larger than our Maximum Packet Size: DISCONNECT 0x95 (§3.2.2.3.6) [MQTT-3.2.2-15]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("fc-95"),
      });
      await using _ = client;
      client.send(rawPublish(uniq("fc/95"), "x".repeat(MAX_PACKET), 1, 1));
      await expectServerDisconnect(client, ReasonCode.PacketTooLarge);
      const other = await connectV5(server.port, { clientId: uniq("fc-95b") });
      await using _o = other.client;
      assert.equal(other.connack.reasonCode, ReasonCode.Success);
    });

    test("a fixed header announcing 256 MB: DISCONNECT 0x95 at once, nothing buffered", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("fc-hdr"),
      });
      await using _ = client;
      client.sendBytes(new Uint8Array([0x30, 0xff, 0xff, 0xff, 0x7f]));
      await expectServerDisconnect(client, ReasonCode.PacketTooLarge);
    });

    test("a message larger than the client's Maximum Packet Size is not sent to it, is counted, and does not hold the window [MQTT-3.1.2-24] [MQTT-3.1.2-25]", async () => {
      const server = await backend.get();
      const topic = uniq("fc/cmps");
      const before = await readMetric(
        server,
        "jetmq_messages_too_large_for_client_total",
      );
      const { client: sub } = await connectV5(server.port, {
        clientId: uniq("fc-cmps"),
        properties: { maximumPacketSize: 256, receiveMaximum: 1 },
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 1 }]);
      await using pub = await connectJs(server.url, {
        clientId: uniq("fc-cmps-pub"),
        protocolVersion: 5,
      });
      await pub.mqtt.publishAsync(topic, "big".repeat(200), { qos: 1 });
      await pub.mqtt.publishAsync(topic, "small", { qos: 1 });
      await pub.mqtt.publishAsync(topic, "b".repeat(300), { qos: 0 });
      await pub.mqtt.publishAsync(topic, "small2", { qos: 0 });
      const p = await nextPublish(sub);
      assert.equal(payloadText(p), "small");
      sub.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      assert.equal(payloadText(await nextPublish(sub)), "small2");
      await expectNothingMore(sub);
      const after = await readMetric(
        server,
        "jetmq_messages_too_large_for_client_total",
      );
      assert.equal(after - before, 2);
      // The QoS 1 one was PUBACKed to its publisher: logged too.
      await server.waitForLog((r) =>
        r.msg === "Message over the client's Maximum Packet Size dropped" &&
        r.topic === topic && r.maximumPacketSize === 256
      );
    });

    test("MQTT.js v5 with a Maximum Packet Size gets only the messages that fit", async () => {
      const server = await backend.get();
      const topic = uniq("fc/jsmps");
      await using sub = await connectJs(server.url, {
        clientId: uniq("fc-jsmps"),
        protocolVersion: 5,
        properties: { maximumPacketSize: 200 },
      });
      await sub.mqtt.subscribeAsync(topic, { qos: 1 });
      await using pub = await connectJs(server.url, {
        clientId: uniq("fc-jsmps-pub"),
        protocolVersion: 5,
      });
      await pub.mqtt.publishAsync(topic, "x".repeat(1000), { qos: 1 });
      await pub.mqtt.publishAsync(topic, "fits", { qos: 1 });
      const [m] = await sub.next(1);
      assert.equal(m.text, "fits");
    });
  });
}
