/**
 * End to end (issue #5 item 7): subscription options No Local, Retain As
 * Published, Retain Handling 0/1/2, and Subscription Identifiers (one copy
 * carrying every matching identifier); main.ts as a subprocess on each
 * backend, MQTT.js v5 and raw v5 clients.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  PacketType,
  type PublishPacket,
  type Subscription,
} from "../../src/codec/mod.ts";
import { e2eBackends } from "../helpers/backends.ts";
import {
  expectNothingMore,
  nextPublish,
  payloadText,
  type RawClient,
  rawPublish,
  subscribeRaw,
} from "../helpers/raw_client.ts";
import { connectJs, mosquittoPub } from "../helpers/mqttjs_client.ts";
import { connectV5, uniq } from "../helpers/v5.ts";

/** SUBSCRIBE one filter with options (and an identifier) in v5. */
async function subscribeWith(
  client: RawClient,
  sub: Subscription,
  packetId: number,
  subscriptionId?: number,
): Promise<number[]> {
  client.send({
    type: PacketType.SUBSCRIBE,
    packetId,
    subscriptions: [sub],
    properties: subscriptionId === undefined
      ? undefined
      : { subscriptionIdentifiers: [subscriptionId] },
  });
  const suback = await client.next();
  assert.equal(suback.type, PacketType.SUBACK);
  return suback.type === PacketType.SUBACK ? suback.reasonCodes : [];
}

function ids(p: PublishPacket): number[] | undefined {
  const s = p.properties?.subscriptionIdentifiers;
  return s === undefined ? undefined : [...s].sort((a, b) => a - b);
}

for (const backend of e2eBackends()) {
  describe(`main.ts v5 on ${backend.name}: subscription options and identifiers`, () => {
    after(() => backend.stop());

    test("No Local: a client's own messages are not sent back to it, others' are [MQTT-3.8.3-3]", async () => {
      const server = await backend.get();
      const topic = uniq("so/nl");
      await using me = await connectJs(server.url, {
        clientId: uniq("so-nl"),
        protocolVersion: 5,
      });
      await me.mqtt.subscribeAsync(topic, { qos: 1, nl: true });
      await using plain = await connectJs(server.url, {
        clientId: uniq("so-nl-plain"),
        protocolVersion: 5,
      });
      await plain.mqtt.subscribeAsync(topic, { qos: 1 });
      await me.mqtt.publishAsync(topic, "mine", { qos: 1 });
      await plain.mqtt.publishAsync(topic, "theirs", { qos: 1 });
      const [m] = await me.next(1);
      assert.equal(m.text, "theirs");
      const both = await plain.next(2);
      assert.deepEqual(both.map((x) => x.text).sort(), ["mine", "theirs"]);
      assert.deepEqual(me.received.map((x) => x.text), ["theirs"]);
    });

    test("Retain As Published 1 keeps RETAIN on live messages, 0 clears it [MQTT-3.3.1-12] [MQTT-3.3.1-13]", async () => {
      const server = await backend.get();
      const topic = uniq("so/rap");
      const { client: keep } = await connectV5(server.port, {
        clientId: uniq("so-rap1"),
      });
      await using _k = keep;
      const { client: clear } = await connectV5(server.port, {
        clientId: uniq("so-rap0"),
      });
      await using _c = clear;
      await subscribeWith(keep, {
        filter: topic,
        qos: 1,
        retainAsPublished: true,
      }, 1);
      await subscribeWith(clear, {
        filter: topic,
        qos: 1,
        retainAsPublished: false,
      }, 1);
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "live", "-q", "1", "-r"],
      ]);
      assert.equal(r.code, 0, r.out);
      const k = await nextPublish(keep);
      const c = await nextPublish(clear);
      assert.deepEqual([payloadText(k), k.retain], ["live", true]);
      assert.deepEqual([payloadText(c), c.retain], ["live", false]);
      // Retained-on-subscribe always carries RETAIN [MQTT-3.3.1-9].
      const { client: late } = await connectV5(server.port, {
        clientId: uniq("so-rap-late"),
      });
      await using _l = late;
      await subscribeWith(late, { filter: topic, qos: 1 }, 1);
      const l = await nextPublish(late);
      assert.deepEqual([payloadText(l), l.retain], ["live", true]);
    });

    test("Retain Handling 0 sends retained messages on every SUBSCRIBE, 1 only for a new subscription, 2 never [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11]", async () => {
      const server = await backend.get();
      const topic = uniq("so/rh");
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "kept", "-q", "1", "-r"],
      ]);
      assert.equal(r.code, 0, r.out);
      const counts: number[][] = [];
      for (const retainHandling of [0, 1, 2] as const) {
        const { client } = await connectV5(server.port, {
          clientId: uniq(`so-rh${retainHandling}`),
        });
        await using _ = client;
        const got: number[] = [];
        for (const packetId of [1, 2]) {
          await subscribeWith(client, {
            filter: topic,
            qos: 0,
            retainHandling,
          }, packetId);
          // A later SUBSCRIBE is answered after the retained messages of
          // the earlier one were handed over (probe).
          client.send({
            type: PacketType.SUBSCRIBE,
            packetId: 100 + packetId,
            subscriptions: [{ filter: `${topic}/probe`, qos: 0 }],
          });
          let n = 0;
          for (;;) {
            const p = await client.next();
            if (p.type === PacketType.SUBACK) break;
            assert.equal(p.type, PacketType.PUBLISH);
            if (p.type === PacketType.PUBLISH) {
              assert.deepEqual([payloadText(p), p.retain], ["kept", true]);
            }
            n++;
          }
          got.push(n);
        }
        counts.push(got);
      }
      assert.deepEqual(counts, [[1, 1], [1, 0], [0, 0]]);
    });

    test("overlapping subscriptions with identifiers: one copy carrying every matching identifier [MQTT-3.3.4-3] [MQTT-3.3.4-4] [MQTT-3.3.4-5]", async () => {
      const server = await backend.get();
      const base = uniq("so/id");
      const { client } = await connectV5(server.port, {
        clientId: uniq("so-id"),
      });
      await using _ = client;
      await subscribeWith(client, { filter: `${base}/#`, qos: 1 }, 1, 11);
      await subscribeWith(client, { filter: `${base}/+/x`, qos: 0 }, 2, 22);
      await subscribeWith(client, { filter: `${base}/a/x`, qos: 1 }, 3);
      const { client: pub } = await connectV5(server.port, {
        clientId: uniq("so-id-pub"),
      });
      await using _p = pub;
      pub.send(rawPublish(`${base}/a/x`, "both", 1, 1));
      assert.equal((await pub.next()).type, PacketType.PUBACK);
      pub.send(rawPublish(`${base}/b`, "one", 1, 2));
      assert.equal((await pub.next()).type, PacketType.PUBACK);
      const first = await nextPublish(client);
      assert.deepEqual(
        [payloadText(first), first.qos, ids(first)],
        ["both", 1, [11, 22]],
      );
      client.send({ type: PacketType.PUBACK, packetId: first.packetId! });
      const second = await nextPublish(client);
      assert.deepEqual([payloadText(second), ids(second)], ["one", [11]]);
      client.send({ type: PacketType.PUBACK, packetId: second.packetId! });
      await expectNothingMore(client);
    });

    test("a subscription without an identifier sends none; a retained message carries the identifier [MQTT-3.3.4-3]", async () => {
      const server = await backend.get();
      const topic = uniq("so/idr");
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "ret", "-q", "1", "-r"],
      ]);
      assert.equal(r.code, 0, r.out);
      const { client: withId } = await connectV5(server.port, {
        clientId: uniq("so-idr"),
      });
      await using _w = withId;
      await subscribeWith(withId, { filter: topic, qos: 0 }, 1, 77);
      const p = await nextPublish(withId);
      assert.deepEqual([payloadText(p), p.retain, ids(p)], ["ret", true, [77]]);
      const { client: noId } = await connectV5(server.port, {
        clientId: uniq("so-noid"),
      });
      await using _n = noId;
      await subscribeRaw(noId, [{ filter: topic, qos: 0 }]);
      const q = await nextPublish(noId);
      assert.equal(ids(q), undefined);
    });

    test("No Local, Retain As Published and the Subscription Identifier are kept in a persistent session across reconnect", async () => {
      const server = await backend.get();
      const id = uniq("so-keep");
      const topic = uniq("so/keep");
      const connect = () =>
        connectV5(server.port, {
          clientId: id,
          clean: false,
          properties: { sessionExpiryInterval: 60 },
        });
      const first = await connect();
      await subscribeWith(
        first.client,
        {
          filter: topic,
          qos: 1,
          noLocal: true,
          retainAsPublished: true,
        },
        1,
        42,
      );
      await first.client.disconnect();
      const back = await connect();
      await using _ = back.client;
      assert.equal(back.connack.sessionPresent, true);
      back.client.send(rawPublish(topic, "own", 1, 1));
      assert.equal((await back.client.next()).type, PacketType.PUBACK);
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "other", "-q", "1", "-r"],
      ]);
      assert.equal(r.code, 0, r.out);
      const p = await nextPublish(back.client);
      assert.deepEqual(
        [payloadText(p), p.retain, ids(p)],
        ["other", true, [42]],
      );
    });

    test("MQTT.js v5 receives the Subscription Identifier of its subscription; a new SUBSCRIBE replaces it [MQTT-3.8.4-3]", async () => {
      const server = await backend.get();
      const topic = uniq("so/idjs");
      await using sub = await connectJs(server.url, {
        clientId: uniq("so-idjs"),
        protocolVersion: 5,
      });
      await sub.mqtt.subscribeAsync(topic, {
        qos: 1,
        properties: { subscriptionIdentifier: 5 },
      });
      await using pub = await connectJs(server.url, {
        clientId: uniq("so-idjs-pub"),
        protocolVersion: 5,
      });
      await pub.mqtt.publishAsync(topic, "a", { qos: 1 });
      const [m] = await sub.next(1);
      assert.equal(m.properties?.subscriptionIdentifier, 5);
      await sub.mqtt.subscribeAsync(topic, {
        qos: 1,
        properties: { subscriptionIdentifier: 6 },
      });
      await pub.mqtt.publishAsync(topic, "b", { qos: 1 });
      const [n] = await sub.next(1);
      assert.equal(n.properties?.subscriptionIdentifier, 6);
    });
  });
}
