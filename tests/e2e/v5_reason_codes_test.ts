/**
 * End to end (issue #5 item 1): reason codes and reason strings on
 * acknowledgements, server-initiated DISCONNECT with its reason, Request
 * Problem Information; main.ts as a subprocess on each backend, raw v5
 * clients where MQTT.js hides the codes, MQTT.js v5 where it shows them.
 * (0x93, 0x95 and 0x94 are in v5_flow_control_test.ts and
 * v5_topic_alias_test.ts; 0x8C and 0x86 in v5_enhanced_auth_test.ts.)
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type DisconnectPacket,
  PacketType,
  ReasonCode,
} from "../../src/codec/mod.ts";
import { e2eBackends } from "../helpers/backends.ts";
import {
  expectNothingMore,
  rawPublish,
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import { connectJs } from "../helpers/mqttjs_client.ts";
import { connectV5, expectServerDisconnect, uniq } from "../helpers/v5.ts";

for (const backend of e2eBackends()) {
  describe(`main.ts v5 on ${backend.name}: reason codes and server DISCONNECT`, () => {
    after(() => backend.stop());

    test("SUBACK has one code per filter: granted QoS, 0x8F with a reason string [MQTT-3.9.3-1]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, { clientId: uniq("sa") });
      await using _ = client;
      client.send({
        type: PacketType.SUBSCRIBE,
        packetId: 3,
        subscriptions: [
          { filter: "rc/a", qos: 0 },
          { filter: "rc/#/bad", qos: 1 },
          { filter: "rc/+/c", qos: 2 },
        ],
      });
      const suback = await client.next();
      assert.equal(suback.type, PacketType.SUBACK);
      if (suback.type !== PacketType.SUBACK) return;
      assert.deepEqual(suback.reasonCodes, [
        0,
        ReasonCode.TopicFilterInvalid,
        2,
      ]);
      assert.equal(typeof suback.properties?.reasonString, "string");
    });

    test("Request Problem Information 0: no reason string on SUBACK, PUBACK or PUBCOMP [MQTT-3.1.2-29]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("rpi"),
        properties: { requestProblemInformation: 0 },
      });
      await using _ = client;
      client.send({
        type: PacketType.SUBSCRIBE,
        packetId: 1,
        subscriptions: [{ filter: "rc/#/bad", qos: 0 }],
      });
      const suback = await client.next();
      assert.equal(suback.type, PacketType.SUBACK);
      if (suback.type !== PacketType.SUBACK) return;
      assert.deepEqual(suback.reasonCodes, [ReasonCode.TopicFilterInvalid]);
      assert.equal(suback.properties?.reasonString, undefined);
      const bad = new Uint8Array([0xff, 0xfe]);
      client.send({
        ...rawPublish(uniq("rc/pfi"), "", 1, 7),
        payload: bad,
        properties: { payloadFormatIndicator: 1 },
      });
      const puback = await client.next();
      assert.equal(puback.type, PacketType.PUBACK);
      if (puback.type !== PacketType.PUBACK) return;
      assert.equal(puback.reasonCode, ReasonCode.PayloadFormatInvalid);
      assert.equal(puback.properties?.reasonString, undefined);
      client.send({ type: PacketType.PUBREL, packetId: 99 });
      const pubcomp = await client.next();
      assert.equal(pubcomp.type, PacketType.PUBCOMP);
      if (pubcomp.type !== PacketType.PUBCOMP) return;
      assert.equal(pubcomp.reasonCode, ReasonCode.PacketIdentifierNotFound);
      assert.equal(pubcomp.properties?.reasonString, undefined);
    });

    test("PUBREL for an unknown id gets PUBCOMP 0x92 with a reason string [MQTT-3.7.2-1]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, { clientId: uniq("pr") });
      await using _ = client;
      client.send({ type: PacketType.PUBREL, packetId: 4242 });
      const p = await client.next();
      assert.equal(p.type, PacketType.PUBCOMP);
      if (p.type !== PacketType.PUBCOMP) return;
      assert.equal(p.packetId, 4242);
      assert.equal(p.reasonCode, ReasonCode.PacketIdentifierNotFound);
      assert.equal(typeof p.properties?.reasonString, "string");
    });

    test("UNSUBACK: 0x00 for a subscription that existed, 0x11 for one that did not, 0x8F for a bad filter [MQTT-3.11.3-1]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, { clientId: uniq("us") });
      await using _ = client;
      await subscribeRaw(client, [{ filter: "rc/un/a", qos: 1 }]);
      client.send({
        type: PacketType.UNSUBSCRIBE,
        packetId: 2,
        filters: ["rc/un/a", "rc/un/none", "rc/#/x"],
      });
      const p = await client.next();
      assert.equal(p.type, PacketType.UNSUBACK);
      if (p.type !== PacketType.UNSUBACK) return;
      assert.deepEqual(p.reasonCodes, [
        ReasonCode.Success,
        ReasonCode.NoSubscriptionExisted,
        ReasonCode.TopicFilterInvalid,
      ]);
    });

    test("MQTT.js v5 sees SUBACK and UNSUBACK reason codes", async () => {
      const server = await backend.get();
      await using c = await connectJs(server.url, {
        clientId: uniq("js-rc"),
        protocolVersion: 5,
      });
      const granted = await c.mqtt.subscribeAsync({
        "rc/js/a": { qos: 1 },
        "rc/js/b": { qos: 2 },
      });
      assert.deepEqual(granted.map((g) => g.qos), [1, 2]);
      const unsub = await c.mqtt.unsubscribeAsync([
        "rc/js/a",
        "rc/js/none",
      ]) as unknown as { granted?: number[] };
      assert.deepEqual(unsub?.granted, [0, ReasonCode.NoSubscriptionExisted]);
    });

    test("session taken over: the old v5 connection gets DISCONNECT 0x8E [MQTT-3.1.4-3]", async () => {
      const server = await backend.get();
      const id = uniq("tko");
      const first = await connectV5(server.port, { clientId: id });
      await using _1 = first.client;
      const second = await connectV5(server.port, { clientId: id });
      await using _2 = second.client;
      assert.equal(second.connack.reasonCode, ReasonCode.Success);
      await expectServerDisconnect(first.client, ReasonCode.SessionTakenOver);
      await expectNothingMore(second.client);
    });

    test("session taken over: MQTT.js v5 reports the DISCONNECT 0x8E", async () => {
      const server = await backend.get();
      const id = uniq("tko-js");
      await using a = await connectJs(server.url, {
        clientId: id,
        protocolVersion: 5,
      });
      const disconnect = new Promise<DisconnectPacket>((resolve) =>
        a.mqtt.once(
          "disconnect",
          (p) => resolve(p as unknown as DisconnectPacket),
        )
      );
      await using _b = await connectJs(server.url, {
        clientId: id,
        protocolVersion: 5,
      });
      const p = await withDeadline(disconnect, "MQTT.js disconnect event");
      assert.equal(p.reasonCode, ReasonCode.SessionTakenOver);
    });

    if (backend.name === "jetstream") {
      test("session taken over from another jetmq instance on the same NATS: DISCONNECT 0x8E [MQTT-3.1.4-3]", async () => {
        const server = await backend.get();
        const other = await backend.startAnother();
        const id = uniq("tko-x");
        const first = await connectV5(server.port, {
          clientId: id,
          clean: false,
          properties: { sessionExpiryInterval: 60 },
        });
        await using _1 = first.client;
        const second = await connectV5(other.port, {
          clientId: id,
          clean: false,
          properties: { sessionExpiryInterval: 60 },
        });
        await using _2 = second.client;
        assert.equal(second.connack.reasonCode, ReasonCode.Success);
        assert.equal(second.connack.sessionPresent, true);
        await expectServerDisconnect(first.client, ReasonCode.SessionTakenOver);
      });
    }

    test("keep-alive timeout: DISCONNECT 0x8D after 1.5 × Keep Alive [MQTT-3.1.2-22]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("ka"),
        keepAlive: 1,
      });
      await using _ = client;
      const start = Date.now();
      await expectServerDisconnect(client, ReasonCode.KeepAliveTimeout, 4000);
      assert.ok(Date.now() - start >= 1400, `after ${Date.now() - start} ms`);
    });

    test("a second CONNECT is a protocol error: DISCONNECT 0x82 [MQTT-3.1.0-2]", async () => {
      const server = await backend.get();
      const id = uniq("twice");
      const { client } = await connectV5(server.port, { clientId: id });
      await using _ = client;
      client.send({
        type: PacketType.CONNECT,
        protocolName: "MQTT",
        protocolVersion: 5,
        clean: true,
        keepAlive: 0,
        clientId: id,
      });
      await expectServerDisconnect(client, ReasonCode.ProtocolError);
    });

    test("a malformed packet: DISCONNECT 0x81, the server keeps serving [MQTT-4.13.1-1]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("mal"),
      });
      await using _ = client;
      // SUBSCRIBE with reserved flags 0000 instead of 0010 [MQTT-3.8.1-1].
      client.sendBytes(new Uint8Array([0x80, 0x06, 0, 1, 0, 0, 1, 0x61]));
      const d = await client.next();
      assert.equal(d.type, PacketType.DISCONNECT);
      if (d.type !== PacketType.DISCONNECT) return;
      assert.ok(
        d.reasonCode === ReasonCode.MalformedPacket ||
          d.reasonCode === ReasonCode.ProtocolError,
        `0x${d.reasonCode?.toString(16)}`,
      );
      const other = await connectV5(server.port, { clientId: uniq("after") });
      await using _o = other.client;
      assert.equal(other.connack.reasonCode, ReasonCode.Success);
    });

    test("a topic name with a wildcard: DISCONNECT 0x90 [MQTT-3.3.2-2]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, { clientId: uniq("tn") });
      await using _ = client;
      client.send(rawPublish("rc/+/x", "no", 0));
      await expectServerDisconnect(client, ReasonCode.TopicNameInvalid);
    });

    test("server shutting down: DISCONNECT 0x8B to v5 clients (raw and MQTT.js)", async () => {
      const own = await backend.startAnother();
      try {
        const { client } = await connectV5(own.port, { clientId: uniq("sd") });
        await using _ = client;
        await using js = await connectJs(own.url, {
          clientId: uniq("sd-js"),
          protocolVersion: 5,
        });
        const jsDisconnect = new Promise<DisconnectPacket>((resolve) =>
          js.mqtt.once(
            "disconnect",
            (p) => resolve(p as unknown as DisconnectPacket),
          )
        );
        const stopped = own.stop();
        await expectServerDisconnect(client, ReasonCode.ServerShuttingDown);
        const p = await withDeadline(jsDisconnect, "MQTT.js disconnect");
        assert.equal(p.reasonCode, ReasonCode.ServerShuttingDown);
        assert.equal(await stopped, 0);
      } finally {
        await own.stop();
      }
    });
  });
}
