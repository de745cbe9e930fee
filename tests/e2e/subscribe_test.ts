/**
 * End to end (issue #3): SUBSCRIBE/UNSUBSCRIBE with `+` and `#`, granted QoS,
 * one copy for overlapping subscriptions, `$` topics and wildcards, against
 * main.ts as a subprocess on Deno and Bun.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PacketType } from "../../src/codec/mod.ts";
import { runtimes, sharedJetmq } from "../helpers/server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  rawPublish,
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import {
  connectJs,
  mosquittoPub,
  startMosquittoSub,
} from "../helpers/mqttjs_client.ts";

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: subscriptions`, () => {
    const shared = sharedJetmq({ runtime });
    after(() => shared.stop());

    test("SUBACK grants the requested QoS per filter, in order [MQTT-3.8.4-5] [MQTT-3.9.3-1]", async () => {
      const server = await shared.get();
      await using c = await connectJs(server.url, {
        clientId: `grant-${runtime}`,
      });
      const granted = await c.mqtt.subscribeAsync({
        "grant/q0": { qos: 0 },
        "grant/q1/+": { qos: 1 },
        "grant/q2/#": { qos: 2 },
      });
      assert.deepEqual(granted.map((g) => [g.topic, g.qos]), [
        ["grant/q0", 0],
        ["grant/q1/+", 1],
        ["grant/q2/#", 2],
      ]);
    });

    test("an invalid filter gets 0x80 (or the connection is closed) [MQTT-4.7.1-1] [MQTT-4.7.1-2]", async () => {
      const server = await shared.get();
      const { client } = await connectRaw(server.port, {
        clientId: `bad-filter-${runtime}`,
      });
      await using _ = client;
      client.send({
        type: PacketType.SUBSCRIBE,
        packetId: 7,
        subscriptions: [{ filter: "bad/#/x", qos: 1 }, {
          filter: "ok/x",
          qos: 1,
        }],
      });
      const suback = await client.next();
      assert.equal(suback.type, PacketType.SUBACK);
      if (suback.type === PacketType.SUBACK) {
        assert.deepEqual(suback.reasonCodes, [0x80, 1]);
      }
    });

    test("+ matches one level, # matches the parent and every level below [MQTT-4.7.1-2] [MQTT-4.7.1-3]", async () => {
      const server = await shared.get();
      const base = `wild/${runtime}`;
      const { client } = await connectRaw(server.port, {
        clientId: `wild-${runtime}`,
      });
      await using _ = client;
      assert.deepEqual(
        await subscribeRaw(client, [
          { filter: `${base}/+/temp`, qos: 0 },
          { filter: `${base}/deep/#`, qos: 0 },
        ]),
        [0, 0],
      );
      await using pub = await connectJs(server.url, {
        clientId: `wild-pub-${runtime}`,
      });
      const topics = [
        `${base}/a/temp`, // +
        `${base}/a/b/temp`, // no
        `${base}/temp`, // no: + needs a level
        `${base}//temp`, // + matches an empty level
        `${base}/deep`, // # matches the parent
        `${base}/deep/x/y/z`, // #
        `${base}/deeper`, // no
      ];
      for (const t of topics) await pub.mqtt.publishAsync(t, t, { qos: 1 });
      const got: string[] = [];
      for (let i = 0; i < 4; i++) got.push((await nextPublish(client)).topic);
      assert.deepEqual(got, [topics[0], topics[3], topics[4], topics[5]]);
      await expectNothingMore(client);
    });

    test("mosquitto_sub with a + filter receives only matching topics", async () => {
      const server = await shared.get();
      const base = `mosq-wild/${runtime}`;
      await using sub = startMosquittoSub(server.port, [
        ...["-t", `${base}/+/v`, "-C", "2", "-W", "5", "-v", "-q", "1"],
      ]);
      await sub.subscribed;
      for (const t of [`${base}/x/v`, `${base}/x/y/v`, `${base}/z/v`]) {
        const r = await mosquittoPub(server.port, [
          "-t",
          t,
          "-m",
          "m",
          "-q",
          "1",
        ]);
        assert.equal(r.code, 0, r.out);
      }
      const { code, out } = await sub.done;
      assert.equal(code, 0, out);
      const lines = out.split("\n").filter((l) => l.endsWith(" m"));
      assert.deepEqual(lines, [`${base}/x/v m`, `${base}/z/v m`]);
    });

    test("topics are case sensitive and UTF-8 names round-trip [MQTT-4.7.3-4] [MQTT-1.5.3-1]", async () => {
      const server = await shared.get();
      const base = `Température-${runtime}`;
      const { client } = await connectRaw(server.port, {
        clientId: `utf8-${runtime}`,
      });
      await using _ = client;
      await subscribeRaw(client, [{ filter: `${base}/+`, qos: 0 }]);
      for (
        const t of [`${base.toLowerCase()}/ü`, `${base}/ü`, `${base}/日本`]
      ) {
        const r = await mosquittoPub(server.port, [
          "-t",
          t,
          "-m",
          t,
          "-q",
          "1",
        ]);
        assert.equal(r.code, 0, r.out);
      }
      const got = [await nextPublish(client), await nextPublish(client)];
      assert.deepEqual(got.map((p) => p.topic), [`${base}/ü`, `${base}/日本`]);
      assert.deepEqual(got.map(payloadText), [`${base}/ü`, `${base}/日本`]);
      await expectNothingMore(client);
    });

    test("UNSUBSCRIBE stops delivery for that filter only; UNSUBACK echoes the id [MQTT-3.10.4-1] [MQTT-3.10.4-4]", async () => {
      const server = await shared.get();
      const base = `unsub/${runtime}`;
      const { client } = await connectRaw(server.port, {
        clientId: `unsub-${runtime}`,
      });
      await using _ = client;
      await subscribeRaw(client, [{ filter: `${base}/#`, qos: 1 }, {
        filter: `${base}/keep`,
        qos: 0,
      }]);
      client.send({
        type: PacketType.UNSUBSCRIBE,
        packetId: 9,
        filters: [`${base}/#`],
      });
      const unsuback = await client.next();
      assert.equal(unsuback.type, PacketType.UNSUBACK);
      if (unsuback.type === PacketType.UNSUBACK) {
        assert.equal(unsuback.packetId, 9);
      }
      client.send(rawPublish(`${base}/gone`, "gone", 0));
      client.send(rawPublish(`${base}/keep`, "kept", 0));
      const p = await nextPublish(client);
      assert.equal(payloadText(p), "kept");
      assert.equal(p.qos, 0);
      await expectNothingMore(client);
    });

    test("overlapping subscriptions deliver one copy at the highest granted QoS [MQTT-3.3.5-1]", async () => {
      const server = await shared.get();
      const base = `overlap/${runtime}`;
      const { client } = await connectRaw(server.port, {
        clientId: `overlap-${runtime}`,
      });
      await using _ = client;
      assert.deepEqual(
        await subscribeRaw(client, [
          { filter: `${base}/#`, qos: 1 },
          { filter: `${base}/+/x`, qos: 2 },
          { filter: `${base}/a/x`, qos: 0 },
        ]),
        [1, 2, 0],
      );
      await using pub = await connectJs(server.url, {
        clientId: `overlap-pub-${runtime}`,
      });
      await pub.mqtt.publishAsync(`${base}/a/x`, "q2", { qos: 2 });
      await pub.mqtt.publishAsync(`${base}/a/x`, "q1", { qos: 1 });
      await pub.mqtt.publishAsync(`${base}/a/y`, "only#", { qos: 2 });
      // Ack everything as it comes; the window may interleave the flows.
      const got: string[] = [];
      let pubcomps = 0;
      while (got.length < 3 || pubcomps < 1) {
        const p = await client.next();
        if (p.type === PacketType.PUBREL) {
          client.send({ type: PacketType.PUBCOMP, packetId: p.packetId });
          pubcomps++;
          continue;
        }
        assert.equal(p.type, PacketType.PUBLISH);
        if (p.type !== PacketType.PUBLISH) break;
        got.push(`${payloadText(p)}@${p.qos}`);
        client.send({
          type: p.qos === 2 ? PacketType.PUBREC : PacketType.PUBACK,
          packetId: p.packetId!,
        });
      }
      assert.deepEqual(got, ["q2@2", "q1@1", "only#@1"]);
      await expectNothingMore(client);
    });

    test("a SUBSCRIBE to an existing filter replaces its QoS [MQTT-3.8.4-3]", async () => {
      const server = await shared.get();
      const topic = `resub/${runtime}`;
      const { client } = await connectRaw(server.port, {
        clientId: `resub-${runtime}`,
      });
      await using _ = client;
      assert.deepEqual(
        await subscribeRaw(client, [{ filter: topic, qos: 2 }]),
        [2],
      );
      assert.deepEqual(
        await subscribeRaw(client, [{ filter: topic, qos: 0 }], 2),
        [0],
      );
      client.send(rawPublish(topic, "once at 0", 2, 5));
      const got = [await client.next(), await client.next()];
      const p = got.find((x) => x.type === PacketType.PUBLISH);
      assert.ok(p?.type === PacketType.PUBLISH, "one PUBLISH");
      assert.deepEqual([payloadText(p), p.qos], ["once at 0", 0]);
      assert.ok(got.some((x) => x.type === PacketType.PUBREC));
      client.send({ type: PacketType.PUBREL, packetId: 5 });
      assert.equal((await client.next()).type, PacketType.PUBCOMP);
      await expectNothingMore(client);
    });

    test("UNSUBSCRIBE of a filter never subscribed still gets UNSUBACK [MQTT-3.10.4-5]", async () => {
      const server = await shared.get();
      const { client } = await connectRaw(server.port, {
        clientId: `unsub-none-${runtime}`,
      });
      await using _ = client;
      client.send({
        type: PacketType.UNSUBSCRIBE,
        packetId: 3,
        filters: ["never/subscribed"],
      });
      const p = await client.next();
      assert.equal(p.type, PacketType.UNSUBACK);
      if (p.type === PacketType.UNSUBACK) assert.equal(p.packetId, 3);
    });

    test("bad PUBLISH/SUBSCRIBE close the connection: wildcard, empty or NUL topic, QoS 3, no filters, packet id 0", async () => {
      const server = await shared.get();
      const cases: [string, Uint8Array][] = [
        // [MQTT-3.3.2-2] wildcard in a topic name: PUBLISH "a/+"
        ["wildcard topic", Uint8Array.of(0x30, 5, 0, 3, 0x61, 0x2f, 0x2b)],
        // [MQTT-4.7.3-1] empty topic name
        ["empty topic", Uint8Array.of(0x30, 3, 0, 0, 0x78)],
        // [MQTT-1.5.3-2] U+0000 in a topic name
        ["NUL in topic", Uint8Array.of(0x30, 5, 0, 3, 0x61, 0, 0x62)],
        // [MQTT-3.8.3-4] requested QoS 3
        ["SUBSCRIBE QoS 3", Uint8Array.of(0x82, 6, 0, 1, 0, 1, 0x61, 3)],
        // [MQTT-3.8.3-3] SUBSCRIBE without a filter
        ["SUBSCRIBE without filters", Uint8Array.of(0x82, 2, 0, 1)],
        // [MQTT-2.3.1-1] QoS 1 PUBLISH with packet id 0
        [
          "packet id 0",
          Uint8Array.of(0x32, 8, 0, 3, 0x61, 0x2f, 0x62, 0, 0, 0x78),
        ],
      ];
      for (const [what, bytes] of cases) {
        const { client } = await connectRaw(server.port, {
          clientId: `bad-${runtime}`,
        });
        await using _ = client;
        client.sendBytes(bytes);
        await withDeadline(client.closed, `close after ${what}`);
      }
    });

    test("$ topics are not matched by a leading wildcard, only by an explicit $ filter [MQTT-4.7.2-1]", async () => {
      const server = await shared.get();
      const { client: wild } = await connectRaw(server.port, {
        clientId: `dollar-wild-${runtime}`,
      });
      await using _w = wild;
      await subscribeRaw(wild, [{ filter: "#", qos: 0 }, {
        filter: "+/e2e",
        qos: 0,
      }, { filter: "+", qos: 0 }]);
      const { client: explicit } = await connectRaw(server.port, {
        clientId: `dollar-explicit-${runtime}`,
      });
      await using _e = explicit;
      await subscribeRaw(explicit, [{ filter: "$jetmq-e2e/#", qos: 0 }]);
      const r = await mosquittoPub(server.port, [
        "-t",
        "$jetmq-e2e/e2e",
        "-m",
        "dollar",
        "-q",
        "1",
      ]);
      assert.equal(r.code, 0, r.out);
      const p = await nextPublish(explicit);
      assert.equal(p.topic, "$jetmq-e2e/e2e");
      // The "#" subscriber sees its own marker next, not the $ message.
      wild.send(rawPublish(`marker-${runtime}/e2e`, "marker", 0));
      const m = await nextPublish(wild);
      assert.equal(payloadText(m), "marker");
      await expectNothingMore(wild);
    });
  });
}
