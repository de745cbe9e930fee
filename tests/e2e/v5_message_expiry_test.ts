/**
 * End to end (issue #5 item 3): Message Expiry Interval. Expired messages
 * are not delivered (queued or retained), and the receiver sees the
 * remaining interval. main.ts as a subprocess on each backend (1 s
 * intervals), and exact remaining values in-process on a fake clock.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ConnackPacket, PacketType } from "../../src/codec/mod.ts";
import { e2eBackends, inProcessBackends } from "../helpers/backends.ts";
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
  startMosquittoSub,
} from "../helpers/mqttjs_client.ts";
import {
  expectNothing,
  expectPublish,
  publish,
  subscribe,
  text,
} from "../helpers/mqtt_packets.ts";
import type { Broker } from "../helpers/mqtt_harness.ts";
import {
  connectV5,
  parkSession,
  pollUntil,
  uniq,
  wallClockPassed,
} from "../helpers/v5.ts";

for (const backend of e2eBackends()) {
  describe(`main.ts v5 on ${backend.name}: message expiry`, () => {
    after(() => backend.stop());

    test("a live subscriber sees the Message Expiry Interval (MQTT.js v5, mosquitto_sub -F %E) [MQTT-3.3.2-6]", async () => {
      const server = await backend.get();
      const topic = uniq("me/live");
      await using sub = await connectJs(server.url, {
        clientId: uniq("me-live"),
        protocolVersion: 5,
      });
      await sub.mqtt.subscribeAsync(topic, { qos: 1 });
      await using mosq = startMosquittoSub(server.port, [
        ...["-V", "5", "-t", topic, "-C", "1", "-W", "4", "-F", "E=%E"],
      ]);
      await mosq.subscribed;
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "x", "-q", "1"],
        ...["-D", "publish", "message-expiry-interval", "60"],
      ]);
      assert.equal(r.code, 0, r.out);
      const [m] = await sub.next(1);
      const left = m.properties?.messageExpiryInterval as number;
      assert.ok(left === 60 || left === 59, `remaining ${left}`);
      const { out } = await mosq.done;
      assert.match(out, /E=(60|59)\b/);
    });

    test("queued for an offline session: the expired message is dropped, the other arrives with its remaining interval, one without expiry has none [MQTT-3.3.2-5] [MQTT-3.3.2-6]", async () => {
      const server = await backend.get();
      const id = uniq("me-q");
      const topic = uniq("me/q");
      await parkSession(server.port, id, topic);
      const { client: pub } = await connectV5(server.port, {
        clientId: uniq("me-q-pub"),
      });
      await using _p = pub;
      const at = Date.now();
      const sends: [string, number | undefined][] = [
        ["short", 1],
        ["long", 60],
        ["forever", undefined],
      ];
      for (const [i, [payload, expiry]] of sends.entries()) {
        pub.send(rawPublish(topic, payload, 1, i + 1, {
          properties: expiry === undefined
            ? undefined
            : { messageExpiryInterval: expiry },
        }));
        assert.equal((await pub.next()).type, PacketType.PUBACK);
      }
      await wallClockPassed(at, 1300);
      const back = await connectV5(server.port, {
        clientId: id,
        clean: false,
        properties: { sessionExpiryInterval: 60 },
      });
      await using _ = back.client;
      assert.equal(back.connack.sessionPresent, true);
      const a = await nextPublish(back.client);
      back.client.send({ type: PacketType.PUBACK, packetId: a.packetId! });
      const b = await nextPublish(back.client);
      back.client.send({ type: PacketType.PUBACK, packetId: b.packetId! });
      assert.deepEqual(
        [payloadText(a), payloadText(b)],
        ["long", "forever"],
      );
      const left = a.properties?.messageExpiryInterval;
      assert.ok(left !== undefined && left >= 57 && left <= 59, `${left}`);
      assert.equal(b.properties?.messageExpiryInterval, undefined);
      await expectNothingMore(back.client);
    });

    test("a retained message carries its remaining interval and is gone once expired [MQTT-3.3.2-5] [MQTT-3.3.2-6]", async () => {
      const server = await backend.get();
      const topic = uniq("me/ret");
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "soon-gone", "-q", "1", "-r"],
        ...["-D", "publish", "message-expiry-interval", "1"],
      ]);
      assert.equal(r.code, 0, r.out);
      const retainedNow = async (): Promise<string | undefined> => {
        const { client } = await connectV5(server.port, {
          clientId: uniq("me-r"),
        });
        await using _ = client;
        await subscribeRaw(client, [{ filter: topic, qos: 0 }]);
        // A later SUBACK comes after the retained messages of the first.
        client.send({
          type: PacketType.SUBSCRIBE,
          packetId: 2,
          subscriptions: [{ filter: `${topic}/probe`, qos: 0 }],
        });
        const p = await client.next();
        if (p.type === PacketType.SUBACK) return undefined;
        assert.equal(p.type, PacketType.PUBLISH);
        if (p.type !== PacketType.PUBLISH) return undefined;
        assert.equal(p.properties?.messageExpiryInterval, 1);
        return payloadText(p);
      };
      assert.equal(await retainedNow(), "soon-gone");
      await pollUntil(
        async () => (await retainedNow()) === undefined,
        "the retained message to expire",
        4000,
        100,
      );
    });
  });
}

async function offlineSubscriber(broker: Broker, id: string, topic: string) {
  const { client } = await broker.connect({
    clientId: id,
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
  });
  await subscribe(client, [{ filter: topic, qos: 1 }]);
  await client.send({ type: PacketType.DISCONNECT });
  await client.served;
}

async function publishWithExpiry(
  broker: Broker,
  topic: string,
  payload: string,
  expiry: number,
  retain = false,
) {
  const { client } = await broker.connect({
    clientId: `pub-${payload}`,
    protocolVersion: 5,
  });
  await client.send(publish(topic, payload, 1, 1, {
    retain,
    properties: { messageExpiryInterval: expiry },
  }));
  assert.equal((await client.next()).type, PacketType.PUBACK);
  await client.send({ type: PacketType.DISCONNECT });
  await client.served;
}

for (const backend of inProcessBackends()) {
  describe(`in-process v5 on ${backend.name} (fake clock): message expiry timing`, () => {
    after(() => backend.stop());

    test("a queued message published with 10 s is delivered after 4 s with exactly 6 s left; after 10 s it is not [MQTT-3.3.2-5] [MQTT-3.3.2-6]", async () => {
      await using broker = await backend.start();
      await offlineSubscriber(broker, "me-in", "me/in");
      await publishWithExpiry(broker, "me/in", "ten", 10);
      broker.clock.advance(4_000);
      const back = await broker.connect({
        clientId: "me-in",
        protocolVersion: 5,
        clean: false,
        properties: { sessionExpiryInterval: 3600 },
      });
      assert.equal((back.connack as ConnackPacket).sessionPresent, true);
      const p = expectPublish(await back.client.next());
      assert.deepEqual([text(p), p.properties?.messageExpiryInterval], [
        "ten",
        6,
      ]);
      await back.client.send({
        type: PacketType.PUBACK,
        packetId: p.packetId!,
      });
      await back.client.send({ type: PacketType.DISCONNECT });
      await back.client.served;
      await publishWithExpiry(broker, "me/in", "gone", 10);
      broker.clock.advance(10_000);
      const again = await broker.connect({
        clientId: "me-in",
        protocolVersion: 5,
        clean: false,
        properties: { sessionExpiryInterval: 3600 },
      });
      await expectNothing(again.client);
    });

    test("a retained message published with 10 s shows 7 s after 3 s, and none after 10 s [MQTT-3.3.2-6]", async () => {
      await using broker = await backend.start();
      await publishWithExpiry(broker, "me/rin", "r", 10, true);
      broker.clock.advance(3_000);
      const { client } = await broker.connect({
        clientId: "me-rin",
        protocolVersion: 5,
      });
      await subscribe(client, [{ filter: "me/rin", qos: 1 }]);
      const p = expectPublish(await client.next());
      assert.deepEqual([p.retain, p.properties?.messageExpiryInterval], [
        true,
        7,
      ]);
      broker.clock.advance(7_000);
      const { client: late } = await broker.connect({
        clientId: "me-rin2",
        protocolVersion: 5,
      });
      await subscribe(late, [{ filter: "me/rin", qos: 1 }]);
      await expectNothing(late);
    });
  });
}
