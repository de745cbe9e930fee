/**
 * End to end (issue #5 item 4): topic aliases both ways. Client → server
 * aliases (0 or above our maximum → DISCONNECT 0x94), server-assigned
 * aliases within the client's Topic Alias Maximum, and both forgotten on
 * reconnect; main.ts as a subprocess on each backend.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type PublishPacket, ReasonCode } from "../../src/codec/mod.ts";
import { e2eBackends } from "../helpers/backends.ts";
import {
  expectNothingMore,
  nextPublish,
  payloadText,
  type RawClient,
  rawPublish,
  subscribeRaw,
} from "../helpers/raw_client.ts";
import { connectJs } from "../helpers/mqttjs_client.ts";
import { connectV5, expectServerDisconnect, uniq } from "../helpers/v5.ts";

/** [topic, alias, payload] as the subscriber saw them. */
function seen(p: PublishPacket): [string, number | undefined, string] {
  return [p.topic, p.properties?.topicAlias, payloadText(p)];
}

async function publishAll(
  pub: RawClient,
  messages: [string, string][],
): Promise<void> {
  for (const [topic, payload] of messages) pub.send(rawPublish(topic, payload));
  await expectNothingMore(pub);
}

for (const backend of e2eBackends()) {
  describe(`main.ts v5 on ${backend.name}: topic aliases`, () => {
    after(() => backend.stop());

    test("CONNACK announces our Topic Alias Maximum; a client alias maps a topic, then an empty topic uses it [MQTT-3.3.2-12]", async () => {
      const server = await backend.get();
      const base = uniq("ta/in");
      await using sub = await connectJs(server.url, {
        clientId: uniq("ta-sub"),
        protocolVersion: 5,
      });
      await sub.mqtt.subscribeAsync(`${base}/#`, { qos: 1 });
      const { client, connack } = await connectV5(server.port, {
        clientId: uniq("ta-pub"),
      });
      await using _ = client;
      const max = connack.properties?.topicAliasMaximum ?? 0;
      assert.ok(max >= 1, `Topic Alias Maximum ${max}`);
      const send = (topic: string, alias: number, payload: string) =>
        client.send(
          rawPublish(topic, payload, 1, 1 + Math.floor(payload.length), {
            properties: { topicAlias: alias },
          }),
        );
      send(`${base}/one`, 1, "a");
      send("", 1, "bb");
      send(`${base}/two`, 1, "ccc");
      send("", 1, "dddd");
      send(`${base}/max`, max, "eeeee");
      send("", max, "ffffff");
      const got = await sub.next(6);
      assert.deepEqual(got.map((m) => [m.topic, m.text]), [
        [`${base}/one`, "a"],
        [`${base}/one`, "bb"],
        [`${base}/two`, "ccc"],
        [`${base}/two`, "dddd"],
        [`${base}/max`, "eeeee"],
        [`${base}/max`, "ffffff"],
      ]);
    });

    test("MQTT.js v5 publishing with automatic topic aliases reaches subscribers under the right topic", async () => {
      const server = await backend.get();
      const base = uniq("ta/js");
      await using sub = await connectJs(server.url, {
        clientId: uniq("ta-js-sub"),
        protocolVersion: 5,
      });
      await sub.mqtt.subscribeAsync(`${base}/#`, { qos: 1 });
      await using pub = await connectJs(server.url, {
        clientId: uniq("ta-js-pub"),
        protocolVersion: 5,
        autoAssignTopicAlias: true,
      });
      for (const [t, m] of [["x", "1"], ["x", "2"], ["y", "3"], ["x", "4"]]) {
        await pub.mqtt.publishAsync(`${base}/${t}`, m, { qos: 1 });
      }
      const got = await sub.next(4);
      assert.deepEqual(got.map((m) => [m.topic, m.text]), [
        [`${base}/x`, "1"],
        [`${base}/x`, "2"],
        [`${base}/y`, "3"],
        [`${base}/x`, "4"],
      ]);
    });

    test("topic alias 0: DISCONNECT 0x94 [MQTT-3.3.2-8]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("ta0"),
      });
      await using _ = client;
      client.send(rawPublish("ta/zero", "x", 0, undefined, {
        properties: { topicAlias: 0 },
      }));
      await expectServerDisconnect(client, ReasonCode.TopicAliasInvalid);
    });

    test("topic alias above our Topic Alias Maximum: DISCONNECT 0x94 [MQTT-3.3.2-9]", async () => {
      const server = await backend.get();
      const { client, connack } = await connectV5(server.port, {
        clientId: uniq("ta-big"),
      });
      await using _ = client;
      const max = connack.properties?.topicAliasMaximum ?? 0;
      client.send(rawPublish("ta/big", "x", 1, 1, {
        properties: { topicAlias: max + 1 },
      }));
      await expectServerDisconnect(client, ReasonCode.TopicAliasInvalid);
    });

    test("an empty topic with an alias never mapped: DISCONNECT 0x82 (§3.3.2.3.4)", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("ta-un"),
      });
      await using _ = client;
      client.send(rawPublish("", "x", 0, undefined, {
        properties: { topicAlias: 3 },
      }));
      await expectServerDisconnect(client, ReasonCode.ProtocolError);
    });

    test("client aliases are forgotten on reconnect: the old alias is unknown (0x82) [MQTT-3.3.2-7]", async () => {
      const server = await backend.get();
      const id = uniq("ta-fg");
      const first = await connectV5(server.port, {
        clientId: id,
        clean: false,
        properties: { sessionExpiryInterval: 60 },
      });
      first.client.send(rawPublish("ta/fg", "x", 0, undefined, {
        properties: { topicAlias: 1 },
      }));
      await first.client.disconnect();
      const second = await connectV5(server.port, {
        clientId: id,
        clean: false,
      });
      await using _ = second.client;
      assert.equal(second.connack.sessionPresent, true);
      second.client.send(rawPublish("", "y", 0, undefined, {
        properties: { topicAlias: 1 },
      }));
      await expectServerDisconnect(second.client, ReasonCode.ProtocolError);
    });

    test("server-assigned aliases within the client's Topic Alias Maximum; none beyond it [MQTT-3.3.2-11]", async () => {
      const server = await backend.get();
      const base = uniq("ta/out");
      const { client: sub } = await connectV5(server.port, {
        clientId: uniq("ta-out"),
        properties: { topicAliasMaximum: 2 },
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: `${base}/#`, qos: 0 }]);
      const { client: pub } = await connectV5(server.port, {
        clientId: uniq("ta-out-pub"),
      });
      await using _p = pub;
      const [a, b, c] = [`${base}/a`, `${base}/b`, `${base}/c`];
      await publishAll(pub, [[a, "1"], [a, "2"], [b, "3"], [c, "4"], [b, "5"], [
        a,
        "6",
      ]]);
      const got = [];
      for (let i = 0; i < 6; i++) got.push(seen(await nextPublish(sub)));
      const aliasA = got[0][1];
      const aliasB = got[2][1];
      assert.ok(aliasA === 1 || aliasA === 2, `alias ${aliasA}`);
      assert.ok(aliasB === 1 || aliasB === 2, `alias ${aliasB}`);
      assert.notEqual(aliasA, aliasB);
      assert.deepEqual(got, [
        [a, aliasA, "1"],
        ["", aliasA, "2"],
        [b, aliasB, "3"],
        [c, undefined, "4"],
        ["", aliasB, "5"],
        ["", aliasA, "6"],
      ]);
    });

    test("no aliases for a client that allows none (Topic Alias Maximum absent) [MQTT-3.3.2-10]", async () => {
      const server = await backend.get();
      const topic = uniq("ta/none");
      const { client: sub } = await connectV5(server.port, {
        clientId: uniq("ta-none"),
      });
      await using _s = sub;
      await subscribeRaw(sub, [{ filter: topic, qos: 0 }]);
      const { client: pub } = await connectV5(server.port, {
        clientId: uniq("ta-none-pub"),
      });
      await using _p = pub;
      await publishAll(pub, [[topic, "1"], [topic, "2"]]);
      assert.deepEqual(seen(await nextPublish(sub)), [topic, undefined, "1"]);
      assert.deepEqual(seen(await nextPublish(sub)), [topic, undefined, "2"]);
    });

    test("server aliases are forgotten on reconnect: the topic is sent in full again [MQTT-3.3.2-7]", async () => {
      const server = await backend.get();
      const id = uniq("ta-rc");
      const topic = uniq("ta/rc");
      const connect = () =>
        connectV5(server.port, {
          clientId: id,
          clean: false,
          properties: { topicAliasMaximum: 4, sessionExpiryInterval: 60 },
        });
      const first = await connect();
      await subscribeRaw(first.client, [{ filter: topic, qos: 0 }]);
      const { client: pub } = await connectV5(server.port, {
        clientId: uniq("ta-rc-pub"),
      });
      await using _p = pub;
      await publishAll(pub, [[topic, "1"], [topic, "2"]]);
      const [p1, p2] = [
        await nextPublish(first.client),
        await nextPublish(first.client),
      ];
      assert.equal(p1.topic, topic);
      assert.equal(p2.topic, "");
      await first.client.disconnect();
      const second = await connect();
      await using _ = second.client;
      assert.equal(second.connack.sessionPresent, true);
      await publishAll(pub, [[topic, "3"]]);
      const p3 = await nextPublish(second.client);
      assert.equal(p3.topic, topic, "full topic after reconnect");
      assert.equal(payloadText(p3), "3");
    });

    test("MQTT.js v5 with a Topic Alias Maximum receives aliased messages under their topics", async () => {
      const server = await backend.get();
      const base = uniq("ta/jsin");
      await using sub = await connectJs(server.url, {
        clientId: uniq("ta-jsin"),
        protocolVersion: 5,
        properties: { topicAliasMaximum: 4 },
      });
      await sub.mqtt.subscribeAsync(`${base}/#`, { qos: 1 });
      const { client: pub } = await connectV5(server.port, {
        clientId: uniq("ta-jsin-pub"),
      });
      await using _p = pub;
      await publishAll(pub, [[`${base}/a`, "1"], [`${base}/a`, "2"], [
        `${base}/b`,
        "3",
      ], [`${base}/a`, "4"]]);
      const got = await sub.next(4);
      assert.deepEqual(got.map((m) => [m.topic, m.text]), [
        [`${base}/a`, "1"],
        [`${base}/a`, "2"],
        [`${base}/b`, "3"],
        [`${base}/a`, "4"],
      ]);
    });
  });
}
