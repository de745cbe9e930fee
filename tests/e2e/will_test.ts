/**
 * End to end (issue #3): wills are published on an abnormal disconnect and on
 * keep-alive expiry, not after DISCONNECT, with their QoS and retain flag,
 * against main.ts as a subprocess on Deno and Bun.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, type Will } from "../../src/codec/mod.ts";
import { runtimes, sharedJetmq } from "../helpers/server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  openRaw,
  payloadText,
  type RawClient,
  rawPublish,
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import { connectJs, startMosquittoSub } from "../helpers/mqttjs_client.ts";

function will(
  topic: string,
  text: string,
  qos: 0 | 1 | 2,
  retain = false,
): Will {
  return { topic, payload: new TextEncoder().encode(text), qos, retain };
}

/** A raw client subscribed to `filter` at QoS 2. */
async function watcher(
  port: number,
  clientId: string,
  filter: string,
): Promise<RawClient> {
  const { client } = await connectRaw(port, { clientId });
  await subscribeRaw(client, [{ filter, qos: 2 }]);
  return client;
}

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: wills`, () => {
    const shared = sharedJetmq({ runtime });
    after(() => shared.stop());

    test("the will is published with its QoS when the socket is destroyed [MQTT-3.1.2-8] [MQTT-3.1.2-14]", async () => {
      const server = await shared.get();
      const topic = `will/${runtime}/abnormal`;
      await using w = await watcher(server.port, `abn-w-${runtime}`, topic);
      const { client } = await connectRaw(server.port, {
        clientId: `abn-${runtime}`,
        will: will(topic, "gone", 1),
      });
      client.destroy();
      await client.closed;
      const p = await nextPublish(w);
      assert.deepEqual([p.topic, payloadText(p), p.qos, p.retain], [
        topic,
        "gone",
        1,
        false,
      ]);
    });

    test("the will is published when the server closes on a protocol error [MQTT-3.1.2-8]", async () => {
      const server = await shared.get();
      const topic = `will/${runtime}/protocol-error`;
      await using w = await watcher(server.port, `perr-w-${runtime}`, topic);
      const { client } = await connectRaw(server.port, {
        clientId: `perr-${runtime}`,
        will: will(topic, "violated", 1),
      });
      await using _ = client;
      // PUBLISH to a topic name with a wildcard [MQTT-3.3.2-2].
      client.sendBytes(Uint8Array.of(0x30, 5, 0, 3, 0x61, 0x2f, 0x2b));
      await withDeadline(client.closed, "close on the protocol error");
      const p = await nextPublish(w);
      assert.deepEqual([payloadText(p), p.qos], ["violated", 1]);
    });

    test("the will is published when keep-alive expires (1 s, no PINGREQ) and the connection is closed [MQTT-3.1.2-24]", async () => {
      const server = await shared.get();
      const topic = `will/${runtime}/keepalive`;
      await using w = await watcher(server.port, `ka-w-${runtime}`, topic);
      const { client } = await connectRaw(server.port, {
        clientId: `ka-${runtime}`,
        keepAlive: 1,
        will: will(topic, "timed-out", 2),
      });
      await using _ = client;
      const started = Date.now();
      const p = await nextPublish(w);
      const elapsed = Date.now() - started;
      assert.deepEqual([payloadText(p), p.qos], ["timed-out", 2]);
      assert.ok(
        elapsed >= 900,
        `will after ${elapsed} ms, before the keep-alive`,
      );
      await withDeadline(client.closed, "server closing the silent client");
    });

    test("a client that pings within the keep-alive stays connected and leaves no will [MQTT-3.1.2-23]", async () => {
      const server = await shared.get();
      const topic = `will/${runtime}/pinging`;
      await using w = await watcher(server.port, `ping-w-${runtime}`, topic);
      await using c = await connectJs(server.url, {
        clientId: `ping-${runtime}`,
        keepalive: 1,
        will: { topic, payload: "must-not-appear", qos: 1, retain: false },
      });
      // MQTT.js pings every second; two answered pings span > 1.5 × 1 s.
      let pongs = 0;
      await withDeadline(
        new Promise<void>((resolve) =>
          c.mqtt.on("packetreceive", (p) => {
            if (p.cmd === "pingresp" && ++pongs === 2) resolve();
          })
        ),
        "two PINGRESPs",
      );
      assert.equal(c.mqtt.connected, true);
      w.send(rawPublish(topic, "marker", 0));
      assert.equal(payloadText(await nextPublish(w)), "marker");
    });

    test("no will after DISCONNECT [MQTT-3.1.2-10] [MQTT-3.14.4-3]", async () => {
      const server = await shared.get();
      const topic = `will/${runtime}/clean-exit`;
      await using w = await watcher(server.port, `dis-w-${runtime}`, topic);
      const { client } = await connectRaw(server.port, {
        clientId: `dis-${runtime}`,
        will: will(topic, "must-not-appear", 1),
      });
      await client.disconnect();
      // Anything the will produced would come before this marker.
      w.send(rawPublish(topic, "marker", 0));
      assert.equal(payloadText(await nextPublish(w)), "marker");
      await expectNothingMore(w);
    });

    test("a retained will is stored as retained with its QoS [MQTT-3.1.2-17]", async () => {
      const server = await shared.get();
      const topic = `will/${runtime}/retained`;
      const { client } = await connectRaw(server.port, {
        clientId: `ret-${runtime}`,
        will: will(topic, "last-words", 2, true),
      });
      client.destroy();
      await client.closed;
      // The will is published asynchronously: a watcher subscribing later
      // sees it either live (then retained on re-subscribe) or retained.
      await using w = await watcher(server.port, `ret-w-${runtime}`, topic);
      const p = await nextPublish(w);
      assert.deepEqual([payloadText(p), p.qos], ["last-words", 2]);
      w.send({ type: PacketType.PUBREC, packetId: p.packetId! });
      assert.equal((await w.next()).type, PacketType.PUBREL);
      w.send({ type: PacketType.PUBCOMP, packetId: p.packetId! });
      const again = await subscribeRaw(w, [{ filter: topic, qos: 1 }], 2);
      assert.deepEqual(again, [1]);
      const r = await nextPublish(w);
      assert.deepEqual([payloadText(r), r.qos, r.retain], [
        "last-words",
        1,
        true,
      ]);
    });

    test("a will topic with wildcards is refused: 3.1.1 closes without CONNACK, v5 gets 0x90 [MQTT-3.3.2-2] [MQTT-4.7.1-1]", async () => {
      const server = await shared.get();
      const topic = `will/${runtime}/wild`;
      await using w = await watcher(
        server.port,
        `wild-w-${runtime}`,
        `${topic}/#`,
      );
      for (const protocolVersion of [4, 5] as const) {
        await using c = await openRaw(server.port, protocolVersion);
        c.send({
          type: PacketType.CONNECT,
          protocolName: "MQTT",
          protocolVersion,
          clean: true,
          keepAlive: 0,
          clientId: `wild-${protocolVersion}-${runtime}`,
          will: will(`${topic}/#`, "never", 0),
        });
        await withDeadline(c.closed, "close after a wildcard will topic");
        const bytes = Array.from(c.received());
        if (protocolVersion === 4) assert.deepEqual(bytes, []);
        else assert.deepEqual(bytes.slice(0, 4), [0x20, bytes[1], 0, 0x90]);
      }
      // Nothing was published to the wildcard name.
      w.send(rawPublish(`${topic}/marker`, "marker", 0));
      assert.equal(payloadText(await nextPublish(w)), "marker");
    });

    test("MQTT.js (3.1.1 and 3.1) and mosquitto_sub wills on a dropped connection", async () => {
      const server = await shared.get();
      const topic = `will/${runtime}/clients`;
      await using w = await watcher(server.port, `cli-w-${runtime}`, topic);
      for (const protocolVersion of [4, 3] as const) {
        const js = await connectJs(server.url, {
          clientId: `js-will-${protocolVersion}-${runtime}`,
          protocolVersion,
          protocolId: protocolVersion === 3 ? "MQIsdp" : "MQTT",
          will: {
            topic,
            payload: `js${protocolVersion}`,
            qos: 1,
            retain: false,
          },
        });
        await using _ = js;
        js.mqtt.stream.destroy();
        const p = await nextPublish(w);
        assert.deepEqual([payloadText(p), p.qos], [`js${protocolVersion}`, 1]);
        w.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
      {
        await using sub = startMosquittoSub(server.port, [
          ...["-t", `will/${runtime}/unused`, "-W", "5"],
          ...[
            "--will-topic",
            topic,
            "--will-payload",
            "mosq",
            "--will-qos",
            "1",
          ],
        ]);
        await sub.subscribed;
        // Leaving the block SIGKILLs mosquitto_sub: no DISCONNECT is sent.
      }
      const p = await nextPublish(w);
      assert.deepEqual([payloadText(p), p.qos], ["mosq", 1]);
    });
  });
}
