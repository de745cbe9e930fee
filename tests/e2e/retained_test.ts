/**
 * End to end (issue #3): retained messages (store, replace, delete with an
 * empty payload, delivery on subscribe with RETAIN and QoS = min(stored,
 * granted)), against main.ts as a subprocess on Deno and Bun.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, type QoS } from "../../src/codec/mod.ts";
import { runtimes, sharedJetmq } from "../helpers/server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  rawPublish,
  subscribeRaw,
} from "../helpers/raw_client.ts";
import {
  connectJs,
  mosquittoPub,
  mosquittoSub,
} from "../helpers/mqttjs_client.ts";

/** Subscribe a fresh raw client; returns what arrived before a PINGRESP. */
async function retainedFor(
  port: number,
  clientId: string,
  filter: string,
  qos: QoS,
): Promise<{ topic: string; text: string; qos: QoS; retain: boolean }[]> {
  const { client } = await connectRaw(port, { clientId });
  await using _ = client;
  await subscribeRaw(client, [{ filter, qos }]);
  client.send({ type: PacketType.PINGREQ });
  const out = [];
  for (;;) {
    const p = await client.next();
    if (p.type === PacketType.PINGRESP) break;
    if (p.type === PacketType.PUBREL) {
      client.send({ type: PacketType.PUBCOMP, packetId: p.packetId });
      continue;
    }
    assert.equal(p.type, PacketType.PUBLISH);
    if (p.type !== PacketType.PUBLISH) break;
    out.push({
      topic: p.topic,
      text: payloadText(p),
      qos: p.qos,
      retain: p.retain,
    });
    if (p.qos === 1) {
      client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
    }
    if (p.qos === 2) {
      client.send({ type: PacketType.PUBREC, packetId: p.packetId! });
    }
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic));
}

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: retained messages`, () => {
    const shared = sharedJetmq({ runtime });
    after(() => shared.stop());

    test("a retained message is delivered on subscribe with RETAIN=1 and QoS = min(stored, granted) [MQTT-3.3.1-6] [MQTT-3.3.1-8]", async () => {
      const server = await shared.get();
      const base = `ret/${runtime}/min`;
      for (const qos of [0, 1, 2]) {
        const r = await mosquittoPub(server.port, [
          "-t",
          `${base}/q${qos}`,
          "-m",
          `s${qos}`,
          "-q",
          String(qos),
          "-r",
        ]);
        assert.equal(r.code, 0, r.out);
      }
      for (const granted of [0, 1, 2] as QoS[]) {
        const got = await retainedFor(
          server.port,
          `min-${granted}-${runtime}`,
          `${base}/+`,
          granted,
        );
        assert.deepEqual(
          got.map((m) => `${m.topic}:${m.text}@${m.qos}:${m.retain}`),
          [0, 1, 2].map((s) =>
            `${base}/q${s}:s${s}@${Math.min(s, granted)}:true`
          ),
          `granted ${granted}`,
        );
      }
    });

    test("a new retained message replaces the old one; live subscribers get RETAIN=0 [MQTT-3.3.1-5] [MQTT-3.3.1-9]", async () => {
      const server = await shared.get();
      const topic = `ret/${runtime}/replace`;
      const { client: live } = await connectRaw(server.port, {
        clientId: `live-${runtime}`,
      });
      await using _ = live;
      await subscribeRaw(live, [{ filter: topic, qos: 0 }]);
      await using pub = await connectJs(server.url, {
        clientId: `replace-pub-${runtime}`,
      });
      await pub.mqtt.publishAsync(topic, "v1", { qos: 1, retain: true });
      await pub.mqtt.publishAsync(topic, "v2", { qos: 1, retain: true });
      for (const text of ["v1", "v2"]) {
        const p = await nextPublish(live);
        assert.deepEqual([payloadText(p), p.retain], [text, false]);
      }
      const got = await retainedFor(
        server.port,
        `replace-sub-${runtime}`,
        topic,
        1,
      );
      assert.deepEqual(got.map((m) => m.text), ["v2"]);
    });

    test("an empty retained payload deletes the retained message and is forwarded once [MQTT-3.3.1-10] [MQTT-3.3.1-11]", async () => {
      const server = await shared.get();
      const topic = `ret/${runtime}/delete`;
      const { client: pub } = await connectRaw(server.port, {
        clientId: `del-pub-${runtime}`,
      });
      await using _p = pub;
      pub.send(rawPublish(topic, "doomed", 1, 1, { retain: true }));
      assert.equal((await pub.next()).type, PacketType.PUBACK);
      assert.deepEqual(
        (await retainedFor(server.port, `del-a-${runtime}`, topic, 1)).map((
          m,
        ) => m.text),
        ["doomed"],
      );
      const { client: live } = await connectRaw(server.port, {
        clientId: `del-live-${runtime}`,
      });
      await using _l = live;
      await subscribeRaw(live, [{ filter: topic, qos: 1 }]);
      // The retained message itself comes first on subscribe.
      const first = await nextPublish(live);
      assert.deepEqual([payloadText(first), first.retain], ["doomed", true]);
      live.send({ type: PacketType.PUBACK, packetId: first.packetId! });
      pub.send(rawPublish(topic, "", 1, 2, { retain: true }));
      assert.equal((await pub.next()).type, PacketType.PUBACK);
      const empty = await nextPublish(live);
      assert.deepEqual([payloadText(empty), empty.retain], ["", false]);
      live.send({ type: PacketType.PUBACK, packetId: empty.packetId! });
      assert.deepEqual(
        await retainedFor(server.port, `del-b-${runtime}`, topic, 1),
        [],
      );
    });

    test("re-subscribing sends the retained messages again; # receives every retained topic below [MQTT-3.8.4-3]", async () => {
      const server = await shared.get();
      const base = `ret/${runtime}/tree`;
      await using pub = await connectJs(server.url, {
        clientId: `tree-pub-${runtime}`,
      });
      for (const t of ["a", "a/b", "c/d/e"]) {
        await pub.mqtt.publishAsync(`${base}/${t}`, t, {
          qos: 0,
          retain: true,
        });
      }
      const { client } = await connectRaw(server.port, {
        clientId: `tree-sub-${runtime}`,
      });
      await using _ = client;
      for (let round = 0; round < 2; round++) {
        await subscribeRaw(
          client,
          [{ filter: `${base}/#`, qos: 0 }],
          round + 1,
        );
        const got = [];
        for (let i = 0; i < 3; i++) got.push(await nextPublish(client));
        assert.deepEqual(
          got.map((p) => `${payloadText(p)}:${p.retain}`).sort(),
          ["a/b:true", "a:true", "c/d/e:true"],
        );
      }
      await expectNothingMore(client);
    });

    test("retained $ topics are not sent to a leading-wildcard subscription [MQTT-4.7.2-1]", async () => {
      const server = await shared.get();
      const { client: pub } = await connectRaw(server.port, {
        clientId: `dollar-pub-${runtime}`,
      });
      await using _p = pub;
      pub.send(
        rawPublish(`$ret-${runtime}/x`, "hidden", 1, 1, { retain: true }),
      );
      assert.equal((await pub.next()).type, PacketType.PUBACK);
      assert.deepEqual(
        await retainedFor(server.port, `dollar-hash-${runtime}`, "+/x", 0),
        [],
      );
      const all = await retainedFor(
        server.port,
        `dollar-all-${runtime}`,
        "#",
        0,
      );
      assert.ok(all.length > 0, "other retained topics are sent");
      assert.ok(
        all.every((m) => !m.topic.startsWith("$")),
        "no $ topic under #",
      );
      assert.deepEqual(
        (await retainedFor(
          server.port,
          `dollar-explicit-${runtime}`,
          `$ret-${runtime}/+`,
          0,
        ))
          .map((m) => m.text),
        ["hidden"],
      );
    });

    test("mosquitto_sub sees a retained message from mosquitto_pub with the retain flag", async () => {
      const server = await shared.get();
      const topic = `ret/${runtime}/mosquitto`;
      const r = await mosquittoPub(server.port, [
        "-t",
        topic,
        "-m",
        "kept",
        "-q",
        "1",
        "-r",
      ]);
      assert.equal(r.code, 0, r.out);
      const s = await mosquittoSub(server.port, [
        "-t",
        topic,
        "-q",
        "1",
        "-C",
        "1",
        "-W",
        "4",
        "-d",
        "-v",
      ]);
      assert.equal(s.code, 0, s.out);
      assert.match(
        s.out,
        /received PUBLISH \(d0, q1, r1, m\d+, '[^']+', \.\.\. \(4 bytes\)\)/,
      );
      assert.match(s.out, new RegExp(`${topic} kept`));
    });
  });
}
