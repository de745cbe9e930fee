/**
 * End to end (issue #5 item 8): User Properties, Payload Format Indicator
 * (UTF-8 checked, 0x99), Content Type, Response Topic and Correlation Data
 * passed through unchanged; Assigned Client Identifier; Server Keep Alive;
 * Response Information; request/response with `mosquitto_rr`. main.ts as a
 * subprocess on each backend (limits.maxKeepAlive 30).
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
import {
  connectJs,
  mosquittoPub,
  run,
  startMosquittoSub,
} from "../helpers/mqttjs_client.ts";
import { connectV5, expectServerDisconnect, uniq } from "../helpers/v5.ts";
import { assertPacketEqual } from "../helpers/packets.ts";

const MAX_KEEP_ALIVE = 30;
const enc = new TextEncoder();

const PROPS = {
  payloadFormatIndicator: 1 as const,
  contentType: "application/json; charset=utf-8",
  responseTopic: "replies/here",
  correlationData: new Uint8Array([0, 1, 0xfe, 0xff]),
  userProperties: [["k", "1"], ["other", "x"], ["k", "2"], ["k", "1"]] as [
    string,
    string,
  ][],
};

for (
  const backend of e2eBackends({
    config: { limits: { maxKeepAlive: MAX_KEEP_ALIVE } },
  })
) {
  describe(`main.ts v5 on ${backend.name}: properties, request/response, CONNACK properties`, () => {
    after(() => backend.stop());

    test("user properties (order, repeated keys), payload format, content type, response topic, correlation data pass through unchanged [MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20]", async () => {
      const server = await backend.get();
      const topic = uniq("pp/raw");
      const { client: sub } = await connectV5(server.port, {
        clientId: uniq("pp-sub"),
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 2 }]);
      const { client: pub } = await connectV5(server.port, {
        clientId: uniq("pp-pub"),
      });
      await using _p = pub;
      for (const qos of [0, 1, 2] as const) {
        pub.send(rawPublish(topic, `{"q":${qos}}`, qos, qos || undefined, {
          properties: PROPS,
        }));
      }
      for (const qos of [0, 1, 2] as const) {
        const p = await nextPublish(sub);
        assert.equal(payloadText(p), `{"q":${qos}}`);
        assertPacketEqual(p.properties, PROPS);
        if (qos === 1) {
          sub.send({ type: PacketType.PUBACK, packetId: p.packetId! });
        }
        if (qos === 2) {
          sub.send({ type: PacketType.PUBREC, packetId: p.packetId! });
        }
      }
    });

    test("properties from mosquitto_pub -V 5 reach mosquitto_sub -V 5 and MQTT.js v5", async () => {
      const server = await backend.get();
      const topic = uniq("pp/mosq");
      await using js = await connectJs(server.url, {
        clientId: uniq("pp-js"),
        protocolVersion: 5,
      });
      await js.mqtt.subscribeAsync(topic, { qos: 1 });
      await using sub = startMosquittoSub(server.port, [
        ...["-V", "5", "-t", topic, "-C", "1", "-W", "4", "-q", "1"],
        ...["-F", "C=%C|D=%D|F=%F|P=%P|R=%R|p=%p"],
      ]);
      await sub.subscribed;
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "héllo", "-q", "1"],
        ...["-D", "publish", "content-type", "text/plain"],
        ...["-D", "publish", "correlation-data", "corr-7"],
        ...["-D", "publish", "payload-format-indicator", "1"],
        ...["-D", "publish", "response-topic", "rr/back"],
        ...["-D", "publish", "user-property", "a", "1"],
        ...["-D", "publish", "user-property", "a", "2"],
      ]);
      assert.equal(r.code, 0, r.out);
      const { code, out } = await sub.done;
      assert.equal(code, 0, out);
      assert.match(
        out,
        /C=text\/plain\|D=corr-7\|F=1\|P=a:1 a:2\|R=rr\/back\|p=héllo/,
      );
      const [m] = await js.next(1);
      assert.equal(m.text, "héllo");
      assert.deepEqual(m.properties, {
        payloadFormatIndicator: true,
        contentType: "text/plain",
        correlationData: m.properties?.correlationData,
        responseTopic: "rr/back",
        userProperties: m.properties?.userProperties,
      });
      assert.deepEqual({ ...m.properties?.userProperties as object }, {
        a: ["1", "2"],
      });
      assert.equal(
        new TextDecoder().decode(m.properties?.correlationData as Uint8Array),
        "corr-7",
      );
    });

    test("a retained message keeps its properties for later subscribers", async () => {
      const server = await backend.get();
      const topic = uniq("pp/ret");
      const { client: pub } = await connectV5(server.port, {
        clientId: uniq("pp-ret-pub"),
      });
      await using _p = pub;
      pub.send(
        rawPublish(topic, "r", 1, 1, { retain: true, properties: PROPS }),
      );
      assert.equal((await pub.next()).type, PacketType.PUBACK);
      const { client: sub } = await connectV5(server.port, {
        clientId: uniq("pp-ret-sub"),
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 0 }]);
      const p = await nextPublish(sub);
      assert.equal(p.retain, true);
      assertPacketEqual(p.properties, PROPS);
    });

    test("Payload Format Indicator 1 with bytes that are not UTF-8: PUBACK 0x99 and not delivered; QoS 0 → DISCONNECT 0x99 [MQTT-3.3.2-4]", async () => {
      const server = await backend.get();
      const topic = uniq("pp/pfi");
      const { client: sub } = await connectV5(server.port, {
        clientId: uniq("pp-pfi-sub"),
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 1 }]);
      const { client: pub } = await connectV5(server.port, {
        clientId: uniq("pp-pfi"),
      });
      await using _p = pub;
      const bad = { payload: new Uint8Array([0x61, 0xc3, 0x28]) };
      pub.send({
        ...rawPublish(topic, "", 1, 9, {
          properties: { payloadFormatIndicator: 1 },
        }),
        ...bad,
      });
      const ack = await pub.next();
      assert.equal(ack.type, PacketType.PUBACK);
      if (ack.type !== PacketType.PUBACK) return;
      assert.equal(ack.reasonCode, ReasonCode.PayloadFormatInvalid);
      assert.equal(typeof ack.properties?.reasonString, "string");
      // Valid UTF-8 with the indicator, and any bytes without it, go through.
      pub.send(rawPublish(topic, "ok ✓", 1, 10, {
        properties: { payloadFormatIndicator: 1 },
      }));
      pub.send({ ...rawPublish(topic, "", 1, 11), ...bad });
      const delivered = [await nextPublish(sub), await nextPublish(sub)];
      assert.deepEqual(delivered.map((p) => Array.from(p.payload)), [
        Array.from(enc.encode("ok ✓")),
        Array.from(bad.payload),
      ]);
      pub.send({
        ...rawPublish(topic, "", 0, undefined, {
          properties: { payloadFormatIndicator: 1 },
        }),
        ...bad,
      });
      for (;;) {
        const p = await pub.next();
        if (p.type === PacketType.PUBACK) continue;
        assert.equal(p.type, PacketType.DISCONNECT);
        if (p.type === PacketType.DISCONNECT) {
          assert.equal(p.reasonCode, ReasonCode.PayloadFormatInvalid);
        }
        break;
      }
    });

    test("a Response Topic with wildcards: DISCONNECT 0x82, nothing forwarded [MQTT-3.3.2-14]", async () => {
      const server = await backend.get();
      const topic = uniq("pp/rtw");
      const { client: sub } = await connectV5(server.port, {
        clientId: uniq("pp-rtw-sub"),
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 1 }]);
      const { client } = await connectV5(server.port, {
        clientId: uniq("pp-rtw"),
      });
      await using _ = client;
      client.send(rawPublish(topic, "req", 1, 1, {
        properties: { responseTopic: "replies/+/x" },
      }));
      await expectServerDisconnect(client, ReasonCode.ProtocolError);
      await expectNothingMore(sub);
    });

    test("an empty client id gets an Assigned Client Identifier (raw, mosquitto_sub -V 5) [MQTT-3.2.2-16]", async () => {
      const server = await backend.get();
      const raw = await connectV5(server.port, { clientId: "" });
      await using _ = raw.client;
      const assigned = raw.connack.properties?.assignedClientIdentifier;
      assert.ok(assigned && assigned.length > 0);
      // mosquitto_sub sends an empty id in v5 and adopts the assigned one.
      const topic = uniq("pp/aci");
      await using sub = startMosquittoSub(server.port, [
        ...["-V", "5", "-t", topic, "-C", "1", "-W", "4"],
      ]);
      await sub.subscribed;
      const r = await mosquittoPub(server.port, [
        "-V",
        "5",
        "-t",
        topic,
        "-m",
        "i",
      ]);
      assert.equal(r.code, 0, r.out);
      const { out } = await sub.done;
      const id = /Client (\S+) received CONNACK/.exec(out)?.[1];
      assert.ok(id && id !== "(null)" && id !== assigned, out);
    });

    test("Server Keep Alive: our maximum replaces 0 or a longer keep-alive; a shorter one is kept [MQTT-3.2.2-21] [MQTT-3.2.2-22]", async () => {
      const server = await backend.get();
      const got: (number | undefined)[] = [];
      for (const keepAlive of [0, 600, 10]) {
        const { client, connack } = await connectV5(server.port, {
          clientId: uniq("pp-ska"),
          keepAlive,
        });
        await using _ = client;
        got.push(connack.properties?.serverKeepAlive);
      }
      assert.deepEqual(got, [MAX_KEEP_ALIVE, MAX_KEEP_ALIVE, undefined]);
      // mosquitto_sub -V 5 asking for 3600 s gets ours and keeps working.
      const topic = uniq("pp/ska");
      await using sub = startMosquittoSub(server.port, [
        ...["-V", "5", "-k", "3600", "-t", topic, "-C", "1", "-W", "4"],
      ]);
      await sub.subscribed;
      const r = await mosquittoPub(server.port, [
        "-V",
        "5",
        "-t",
        topic,
        "-m",
        "k",
      ]);
      assert.equal(r.code, 0, r.out);
      assert.equal((await sub.done).code, 0);
    });

    test("the Server Keep Alive is the one enforced: keep-alive 0 with our maximum 1 s → DISCONNECT 0x8D [MQTT-3.2.2-21]", async () => {
      const own = await backend.startAnother({
        config: { limits: { maxKeepAlive: 1 } },
      });
      try {
        const { client, connack } = await connectV5(own.port, {
          clientId: uniq("pp-ska1"),
          keepAlive: 0,
        });
        await using _ = client;
        assert.equal(connack.properties?.serverKeepAlive, 1);
        const at = Date.now();
        await expectServerDisconnect(client, ReasonCode.KeepAliveTimeout);
        assert.ok(Date.now() - at >= 1400, `after ${Date.now() - at} ms`);
      } finally {
        await own.stop();
      }
    });

    test("Response Information only when asked for [MQTT-3.1.2-28]", async () => {
      const server = await backend.get();
      const asked = await connectV5(server.port, {
        clientId: uniq("pp-ri"),
        properties: { requestResponseInformation: 1 },
      });
      await using _a = asked.client;
      const info = asked.connack.properties?.responseInformation;
      assert.ok(typeof info === "string" && info.length > 0);
      const plain = await connectV5(server.port, { clientId: uniq("pp-nori") });
      await using _p = plain.client;
      assert.equal(plain.connack.properties?.responseInformation, undefined);
    });

    test("request/response: mosquitto_rr -V 5 gets the answer of an MQTT.js v5 responder (response topic, correlation data)", async () => {
      const server = await backend.get();
      const requests = uniq("pp/req");
      await using responder = await connectJs(server.url, {
        clientId: uniq("pp-responder"),
        protocolVersion: 5,
      });
      responder.mqtt.on("message", (_topic, payload, packet) => {
        const p = packet.properties ?? {};
        if (!p.responseTopic) return;
        responder.mqtt.publish(p.responseTopic, `pong:${payload}`, {
          qos: 1,
          properties: { correlationData: p.correlationData },
        });
      });
      await responder.mqtt.subscribeAsync(requests, { qos: 1 });
      const r = await run("mosquitto_rr", [
        ...["-h", "127.0.0.1", "-p", String(server.port), "-V", "5"],
        ...["-t", requests, "-e", `${requests}/reply`, "-m", "ping", "-W", "4"],
        ...["-q", "1"],
      ]);
      assert.equal(r.code, 0, r.out);
      assert.equal(r.out.trim(), "pong:ping");
    });

    test("request/response between MQTT.js v5 clients keeps binary correlation data", async () => {
      const server = await backend.get();
      const requests = uniq("pp/req2");
      const replies = `${requests}/replies`;
      await using responder = await connectJs(server.url, {
        clientId: uniq("pp-r2"),
        protocolVersion: 5,
      });
      responder.mqtt.on("message", (_t, payload, packet) => {
        const p = packet.properties ?? {};
        responder.mqtt.publish(p.responseTopic!, `re:${payload}`, {
          qos: 1,
          properties: { correlationData: p.correlationData },
        });
      });
      await responder.mqtt.subscribeAsync(requests, { qos: 1 });
      await using requester = await connectJs(server.url, {
        clientId: uniq("pp-q2"),
        protocolVersion: 5,
      });
      await requester.mqtt.subscribeAsync(replies, { qos: 1 });
      const corr = Buffer.from([0xde, 0xad, 0, 0xbe, 0xef]);
      await requester.mqtt.publishAsync(requests, "q", {
        qos: 1,
        properties: { responseTopic: replies, correlationData: corr },
      });
      const [m] = await requester.next(1);
      assert.equal(m.text, "re:q");
      assert.deepEqual(
        Array.from(m.properties?.correlationData as Uint8Array),
        Array.from(corr),
      );
    });
  });
}
