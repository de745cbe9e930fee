/**
 * End to end (issue #5 item 9): Will Delay Interval and its interaction
 * with Session Expiry [MQTT-3.1.3-9] [MQTT-3.1.2-8]: the will goes out after
 * min(will delay, session expiry), not at all when the client comes back in
 * time with Clean Start 0, at once when it comes back with Clean Start 1.
 * main.ts as a subprocess on each backend (1 s intervals, MQTT.js v5 and
 * mosquitto_sub -V 5 as will senders), exact timing in-process on a fake
 * clock on each backend.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, type Will } from "../../src/codec/mod.ts";
import { e2eBackends, inProcessBackends } from "../helpers/backends.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  nextPublish,
  payloadText,
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import {
  connectJs,
  type JsClient,
  startMosquittoSub,
} from "../helpers/mqttjs_client.ts";
import {
  expectNothing,
  expectPublish,
  subscribe,
  text,
} from "../helpers/mqtt_packets.ts";
import type { Broker, TestClient } from "../helpers/mqtt_harness.ts";
import { connectV5, uniq } from "../helpers/v5.ts";
import { assertPacketEqual } from "../helpers/packets.ts";

const enc = new TextEncoder();

function will(topic: string, payload: string, delay?: number): Will {
  return {
    topic,
    payload: enc.encode(payload),
    qos: 1,
    retain: false,
    properties: delay === undefined ? undefined : { willDelayInterval: delay },
  };
}

/** A v5 client with a will; `drop()` ends it without DISCONNECT. */
async function willClient(
  port: number,
  topic: string,
  payload: string,
  delay: number | undefined,
  sessionExpiry?: number,
  clientId = uniq("wd"),
) {
  const { client } = await connectV5(port, {
    clientId,
    clean: false,
    will: will(topic, payload, delay),
    properties: sessionExpiry === undefined
      ? undefined
      : { sessionExpiryInterval: sessionExpiry },
  });
  return { client, clientId };
}

async function watcher(url: string, topic: string): Promise<JsClient> {
  const w = await connectJs(url, {
    clientId: uniq("wd-watch"),
    protocolVersion: 5,
  });
  await w.mqtt.subscribeAsync(`${topic}/#`, { qos: 1 });
  return w;
}

for (const backend of e2eBackends()) {
  describe(`main.ts v5 on ${backend.name}: will delay`, () => {
    after(() => backend.stop());

    test("Will Delay 1 s with a 60 s session: the will comes about 1 s after the connection drops [MQTT-3.1.3-9]", async () => {
      const server = await backend.get();
      const topic = uniq("wd/one");
      await using w = await watcher(server.url, topic);
      const { client } = await willClient(server.port, topic, "late", 1, 60);
      const at = Date.now();
      client.destroy();
      const [m] = await w.next(1);
      const took = Date.now() - at;
      assert.equal(m.text, "late");
      assert.ok(took >= 900, `after ${took} ms`);
    });

    test("no Will Delay: the will comes at once [MQTT-3.1.2-8]", async () => {
      const server = await backend.get();
      const topic = uniq("wd/now");
      await using w = await watcher(server.url, topic);
      const { client } = await willClient(server.port, topic, "now", 0, 60);
      const at = Date.now();
      client.destroy();
      const [m] = await w.next(1);
      assert.equal(m.text, "now");
      assert.ok(Date.now() - at < 900, `after ${Date.now() - at} ms`);
    });

    test("coming back within the delay with Clean Start 0 cancels the will [MQTT-3.1.3-9]", async () => {
      const server = await backend.get();
      const topic = uniq("wd/back");
      await using w = await watcher(server.url, topic);
      const a = await willClient(server.port, topic, "a-will", 1, 60);
      const b = await willClient(server.port, topic, "b-marker", 1, 60);
      a.client.destroy();
      await a.client.closed;
      const back = await connectV5(server.port, {
        clientId: a.clientId,
        clean: false,
        properties: { sessionExpiryInterval: 60 },
      });
      await using _ = back.client;
      assert.equal(back.connack.sessionPresent, true);
      b.client.destroy();
      // b's will is due after a's would have been: once it came, a's is gone.
      const [m] = await w.next(1);
      assert.equal(m.text, "b-marker");
      assert.deepEqual(w.received.map((x) => x.text), ["b-marker"]);
    });

    test("coming back within the delay with Clean Start 1 publishes the will at once", async () => {
      const server = await backend.get();
      const topic = uniq("wd/clean");
      await using w = await watcher(server.url, topic);
      const a = await willClient(server.port, topic, "ended", 30, 60);
      a.client.destroy();
      await a.client.closed;
      const at = Date.now();
      const back = await connectV5(server.port, {
        clientId: a.clientId,
        clean: true,
      });
      await using _ = back.client;
      const [m] = await w.next(1);
      assert.equal(m.text, "ended");
      assert.ok(Date.now() - at < 900, `after ${Date.now() - at} ms`);
    });

    test("a takeover with Clean Start 0 within the will delay: no will; with Clean Start 1: the will at once [MQTT-3.1.3-9] [MQTT-3.1.4-3]", async () => {
      const server = await backend.get();
      const topic = uniq("wd/tko");
      await using w = await watcher(server.url, topic);
      const kept = await willClient(server.port, topic, "kept-will", 1, 60);
      const ended = await willClient(server.port, topic, "ended-will", 30, 60);
      const marker = await willClient(server.port, topic, "marker", 1, 60);
      const t1 = await connectV5(server.port, {
        clientId: kept.clientId,
        clean: false,
        properties: { sessionExpiryInterval: 60 },
      });
      await using _1 = t1.client;
      assert.equal(t1.connack.sessionPresent, true);
      await withDeadline(kept.client.closed, "taken-over connection closed");
      const at = Date.now();
      const t2 = await connectV5(server.port, {
        clientId: ended.clientId,
        clean: true,
      });
      await using _2 = t2.client;
      const [m] = await w.next(1);
      assert.equal(m.text, "ended-will");
      assert.ok(Date.now() - at < 900, `after ${Date.now() - at} ms`);
      marker.client.destroy();
      const [n] = await w.next(1);
      assert.equal(n.text, "marker");
      assert.deepEqual(w.received.map((x) => x.text), ["ended-will", "marker"]);
    });

    test("a session expiring before the will delay sends the will when the session ends (1 s < 30 s) [MQTT-3.1.3-9]", async () => {
      const server = await backend.get();
      const topic = uniq("wd/exp");
      await using w = await watcher(server.url, topic);
      const { client } = await willClient(
        server.port,
        topic,
        "at-expiry",
        30,
        1,
      );
      const at = Date.now();
      client.destroy();
      const [m] = await w.next(1);
      const took = Date.now() - at;
      assert.equal(m.text, "at-expiry");
      assert.ok(took >= 900 && took < 3500, `after ${took} ms`);
    });

    test("a session ending with the connection (expiry 0) sends a delayed will at once", async () => {
      const server = await backend.get();
      const topic = uniq("wd/zero");
      await using w = await watcher(server.url, topic);
      const { client } = await willClient(server.port, topic, "zero", 30);
      const at = Date.now();
      client.destroy();
      const [m] = await w.next(1);
      assert.equal(m.text, "zero");
      assert.ok(Date.now() - at < 900, `after ${Date.now() - at} ms`);
    });

    test("DISCONNECT 0x04 sends the will after its delay; DISCONNECT 0x00 never [MQTT-3.14.4-3]", async () => {
      const server = await backend.get();
      const topic = uniq("wd/dc");
      await using w = await watcher(server.url, topic);
      const normal = await willClient(server.port, topic, "normal", 1, 60);
      normal.client.send({ type: PacketType.DISCONNECT, reasonCode: 0 });
      await withDeadline(normal.client.closed, "close");
      const withWill = await willClient(server.port, topic, "with-will", 1, 60);
      const at = Date.now();
      withWill.client.send({ type: PacketType.DISCONNECT, reasonCode: 0x04 });
      const [m] = await w.next(1);
      assert.equal(m.text, "with-will");
      assert.ok(Date.now() - at >= 900, `after ${Date.now() - at} ms`);
      assert.deepEqual(w.received.map((x) => x.text), ["with-will"]);
    });

    test("MQTT.js v5 and mosquitto_sub -V 5 wills with a delay and properties", async () => {
      const server = await backend.get();
      const topic = uniq("wd/clients");
      await using w = await watcher(server.url, topic);
      const js = await connectJs(server.url, {
        clientId: uniq("wd-js"),
        protocolVersion: 5,
        properties: { sessionExpiryInterval: 60 },
        will: {
          topic: `${topic}/js`,
          payload: enc.encode("js-will") as unknown as Buffer,
          qos: 1,
          retain: false,
          properties: {
            willDelayInterval: 1,
            contentType: "text/plain",
            userProperties: { from: "mqtt.js" },
          },
        },
      });
      const mosq = startMosquittoSub(server.port, [
        ...["-V", "5", "-t", `${topic}/unused`, "-x", "60", "-c"],
        ...["-i", uniq("wd-mosq"), "--will-topic", `${topic}/mosq`],
        ...["--will-payload", "mosq-will", "--will-qos", "1"],
        ...["-D", "will", "will-delay-interval", "1"],
      ]);
      await mosq.subscribed;
      const at = Date.now();
      js.mqtt.stream.destroy();
      await mosq[Symbol.asyncDispose]();
      await js[Symbol.asyncDispose]();
      const got = await w.next(2);
      assert.ok(Date.now() - at >= 900, `after ${Date.now() - at} ms`);
      const byTopic = Object.fromEntries(got.map((m) => [m.topic, m]));
      assert.equal(byTopic[`${topic}/js`]?.text, "js-will");
      assert.equal(
        byTopic[`${topic}/js`]?.properties?.contentType,
        "text/plain",
      );
      assert.equal(byTopic[`${topic}/mosq`]?.text, "mosq-will");
    });
  });
}

/** In-process: a v5 client with a will, and a watcher subscribed to it. */
async function setup(
  broker: Broker,
  delay: number,
  expiry: number,
): Promise<{ dropped: TestClient; watch: TestClient }> {
  const { client: watch } = await broker.connect({
    clientId: "watch",
    protocolVersion: 5,
  });
  await subscribe(watch, [{ filter: "wd/in", qos: 1 }]);
  const { client: dropped } = await broker.connect({
    clientId: "dropper",
    protocolVersion: 5,
    clean: false,
    will: will("wd/in", "will", delay),
    properties: { sessionExpiryInterval: expiry },
  });
  dropped.drop();
  await dropped.served;
  return { dropped, watch };
}

async function nextWill(watch: TestClient): Promise<string> {
  const p = expectPublish(await withDeadline(watch.next(), "the will"));
  await watch.send({ type: PacketType.PUBACK, packetId: p.packetId! });
  return text(p);
}

for (const backend of inProcessBackends()) {
  describe(`in-process v5 on ${backend.name} (fake clock): will delay timing`, () => {
    after(() => backend.stop());

    test("Will Delay 5 s, session 100 s: nothing at 4.999 s, the will at 5 s [MQTT-3.1.3-9]", async () => {
      await using broker = await backend.start();
      const { watch } = await setup(broker, 5, 100);
      broker.clock.advance(4_999);
      await expectNothing(watch);
      broker.clock.advance(1);
      assert.equal(await nextWill(watch), "will");
    });

    test("Will Delay 10 s, session 3 s: the will at 3 s, when the session ends [MQTT-3.1.3-9]", async () => {
      await using broker = await backend.start();
      const { watch } = await setup(broker, 10, 3);
      broker.clock.advance(2_999);
      await expectNothing(watch);
      broker.clock.advance(1);
      assert.equal(await nextWill(watch), "will");
    });

    test("the will keeps its properties; its Message Expiry starts when it is published (§3.1.3.2.4)", async () => {
      await using broker = await backend.start();
      const { client: watch } = await broker.connect({
        clientId: "watch-p",
        protocolVersion: 5,
      });
      await subscribe(watch, [{ filter: "wd/props", qos: 1 }]);
      const props = {
        willDelayInterval: 4,
        messageExpiryInterval: 10,
        payloadFormatIndicator: 1 as const,
        contentType: "text/plain",
        responseTopic: "wd/reply",
        correlationData: new Uint8Array([1, 2, 3]),
        userProperties: [["b", "2"], ["a", "1"], ["b", "3"]] as [
          string,
          string,
        ][],
      };
      const { client } = await broker.connect({
        clientId: "dropper-p",
        protocolVersion: 5,
        clean: false,
        will: { ...will("wd/props", "bye", 4), properties: props },
        properties: { sessionExpiryInterval: 100 },
      });
      client.drop();
      await client.served;
      broker.clock.advance(4_000);
      const p = expectPublish(await withDeadline(watch.next(), "the will"));
      const { willDelayInterval: _d, ...rest } = props;
      assertPacketEqual(p.properties, rest);
    });

    test("back at 4 s with Clean Start 0: no will, even much later [MQTT-3.1.3-9]", async () => {
      await using broker = await backend.start();
      const { watch } = await setup(broker, 5, 100);
      broker.clock.advance(4_000);
      const back = await broker.connect({
        clientId: "dropper",
        protocolVersion: 5,
        clean: false,
        properties: { sessionExpiryInterval: 100 },
      });
      assert.equal(back.connack.type, PacketType.CONNACK);
      broker.clock.advance(60_000);
      await expectNothing(watch);
    });
  });
}

for (const backend of e2eBackends()) {
  describe(`main.ts v5 on ${backend.name}: delayed will at shutdown`, () => {
    after(() => backend.stop());

    test("a will delayed 600 s is published when the server stops (SIGTERM), not dropped [MQTT-3.1.3-9]", async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "jetmq-wd-stop-"));
      try {
        const topic = uniq("wd/stop");
        const watchId = uniq("wd-stop-watch");
        const persistent = {
          clientId: watchId,
          clean: false,
          properties: { sessionExpiryInterval: 600 },
        };
        const first = await backend.startAnother({ dataDir });
        const w = await connectV5(first.port, persistent);
        await subscribeRaw(w.client, [{ filter: `${topic}/#`, qos: 1 }]);
        await w.client.disconnect();
        const { client } = await willClient(first.port, topic, "bye", 600, 600);
        await first.stop();
        await client.closed;
        assert.doesNotMatch(first.output(), /Dropping delayed will/);
        const second = await backend.startAnother({ dataDir });
        const back = await connectV5(second.port, persistent);
        await using _ = back.client;
        assert.equal(back.connack.sessionPresent, true);
        const p = await nextPublish(back.client);
        assert.equal(p.topic, topic);
        assert.equal(payloadText(p), "bye");
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
