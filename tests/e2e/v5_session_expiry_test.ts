/**
 * End to end (issue #5 item 2): Session Expiry Interval, including a change
 * on DISCONNECT; sessions expire and are removed. main.ts as a subprocess on
 * each backend (1 s intervals on the wall clock), and the exact timing
 * in-process on a fake clock over the memory transport, on each backend.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type ConnackPacket,
  PacketType,
  ReasonCode,
} from "../../src/codec/mod.ts";
import { e2eBackends, inProcessBackends } from "../helpers/backends.ts";
import {
  expectNothingMore,
  nextPublish,
  payloadText,
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import { connectJs, mosquittoPub, run } from "../helpers/mqttjs_client.ts";
import {
  expectPublish,
  publish,
  subscribe,
  text,
} from "../helpers/mqtt_packets.ts";
import type { Broker } from "../helpers/mqtt_harness.ts";
import {
  connectV5,
  expectServerDisconnect,
  parkSession,
  pollUntil,
  uniq,
  wallClockPassed,
} from "../helpers/v5.ts";

for (const backend of e2eBackends()) {
  describe(`main.ts v5 on ${backend.name}: session expiry`, () => {
    after(() => backend.stop());

    test("no Session Expiry Interval means 0: the session ends with the connection even with Clean Start 0 [MQTT-3.1.2-23]", async () => {
      const server = await backend.get();
      const id = uniq("se-zero");
      for (const present of [false, false]) {
        await using c = await connectJs(server.url, {
          clientId: id,
          protocolVersion: 5,
          clean: false,
        });
        assert.equal(c.sessionPresent, present);
        await c.mqtt.subscribeAsync(uniq("se/zero"), { qos: 1 });
      }
    });

    test("reconnecting at once after DISCONNECT is accepted every time (the detach finishes first)", async () => {
      const server = await backend.get();
      const id = uniq("se-quick");
      for (let i = 0; i < 15; i++) {
        await using c = await connectJs(server.url, {
          clientId: id,
          protocolVersion: 5,
          clean: false,
          properties: { sessionExpiryInterval: i % 2 === 0 ? 0 : 30 },
        });
        await c.mqtt.subscribeAsync(`se/quick/${i % 3}`, { qos: 1 });
      }
    });

    test("Session Expiry Interval 60: subscriptions kept and QoS 1 queued while offline (MQTT.js v5 and mosquitto_sub -V 5 -c -x) [MQTT-3.1.2-23]", async () => {
      const server = await backend.get();
      const id = uniq("se-60");
      const topic = uniq("se/60");
      {
        await using c = await connectJs(server.url, {
          clientId: id,
          protocolVersion: 5,
          clean: false,
          properties: { sessionExpiryInterval: 60 },
        });
        await c.mqtt.subscribeAsync(topic, { qos: 1 });
      }
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "queued", "-q", "1"],
      ]);
      assert.equal(r.code, 0, r.out);
      await using back = await connectJs(server.url, {
        clientId: id,
        protocolVersion: 5,
        clean: false,
        properties: { sessionExpiryInterval: 60 },
      });
      assert.equal(back.sessionPresent, true);
      assert.equal((await back.next(1))[0].text, "queued");
      // mosquitto_sub: subscribe and leave (-E), then come back for it.
      const mid = uniq("se-mosq");
      const mtopic = uniq("se/mosq");
      const sub = (extra: string[]) =>
        run("mosquitto_sub", [
          ...["-h", "127.0.0.1", "-p", String(server.port), "-V", "5"],
          ...["-i", mid, "-c", "-x", "60", "-q", "1", "-t", mtopic, ...extra],
        ]);
      const first = await sub(["-E"]);
      assert.equal(first.code, 0, first.out);
      const p = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", mtopic, "-m", "for-mosquitto", "-q", "1"],
      ]);
      assert.equal(p.code, 0, p.out);
      const second = await sub(["-C", "1", "-W", "4"]);
      assert.equal(second.code, 0, second.out);
      assert.equal(second.out.trim(), "for-mosquitto");
    });

    test("Session Expiry Interval 1: after it passes the session, its subscriptions and queue are gone [MQTT-3.1.2-23]", async () => {
      const server = await backend.get();
      const id = uniq("se-1");
      const topic = uniq("se/1");
      await parkSession(server.port, id, topic, 1);
      const at = Date.now();
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "lost", "-q", "1"],
      ]);
      assert.equal(r.code, 0, r.out);
      await wallClockPassed(at, 1300);
      const second = await connectV5(server.port, {
        clientId: id,
        clean: false,
      });
      await using _ = second.client;
      assert.equal(second.connack.sessionPresent, false);
      await expectNothingMore(second.client);
    });

    test("DISCONNECT with Session Expiry Interval 0 ends a 60 s session at once [MQTT-3.14.2-2] (§3.14.2.2.2)", async () => {
      const server = await backend.get();
      const id = uniq("se-d0");
      const first = await connectV5(server.port, {
        clientId: id,
        clean: false,
        properties: { sessionExpiryInterval: 60 },
      });
      await subscribeRaw(first.client, [{ filter: uniq("se/d0"), qos: 1 }]);
      first.client.send({
        type: PacketType.DISCONNECT,
        reasonCode: 0,
        properties: { sessionExpiryInterval: 0 },
      });
      await withDeadline(first.client.closed, "close after DISCONNECT");
      const second = await connectV5(server.port, {
        clientId: id,
        clean: false,
      });
      await using _ = second.client;
      assert.equal(second.connack.sessionPresent, false);
    });

    test("DISCONNECT extending a 1 s session to 60 s keeps it past the first interval", async () => {
      const server = await backend.get();
      const id = uniq("se-ext");
      const topic = uniq("se/ext");
      const first = await connectV5(server.port, {
        clientId: id,
        clean: false,
        properties: { sessionExpiryInterval: 1 },
      });
      await subscribeRaw(first.client, [{ filter: topic, qos: 1 }]);
      first.client.send({
        type: PacketType.DISCONNECT,
        reasonCode: 0,
        properties: { sessionExpiryInterval: 60 },
      });
      await withDeadline(first.client.closed, "close after DISCONNECT");
      const at = Date.now();
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "kept", "-q", "1"],
      ]);
      assert.equal(r.code, 0, r.out);
      await wallClockPassed(at, 1300);
      const second = await connectV5(server.port, {
        clientId: id,
        clean: false,
        properties: { sessionExpiryInterval: 60 },
      });
      await using _ = second.client;
      assert.equal(second.connack.sessionPresent, true);
      assert.equal(payloadText(await nextPublish(second.client)), "kept");
    });

    test("DISCONNECT setting a non-zero expiry on a 0 session: DISCONNECT 0x82 [MQTT-3.14.2-2]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("se-bad"),
      });
      await using _ = client;
      client.send({
        type: PacketType.DISCONNECT,
        reasonCode: 0,
        properties: { sessionExpiryInterval: 30 },
      });
      await expectServerDisconnect(client, ReasonCode.ProtocolError);
    });

    test("Clean Start 1 discards a stored session [MQTT-3.1.2-4]", async () => {
      const server = await backend.get();
      const id = uniq("se-cs");
      const first = await connectV5(server.port, {
        clientId: id,
        clean: false,
        properties: { sessionExpiryInterval: 60 },
      });
      await first.client.disconnect();
      const second = await connectV5(server.port, {
        clientId: id,
        clean: true,
        properties: { sessionExpiryInterval: 60 },
      });
      await using _ = second.client;
      assert.equal(second.connack.sessionPresent, false);
    });
  });
}

/** Connect v5 in-process with Clean Start 0 and an expiry. */
function connectIn(broker: Broker, clientId: string, expiry?: number) {
  return broker.connect({
    clientId,
    protocolVersion: 5,
    clean: false,
    properties: expiry === undefined
      ? undefined
      : { sessionExpiryInterval: expiry },
  });
}

for (const backend of inProcessBackends()) {
  describe(`in-process v5 on ${backend.name} (fake clock): session expiry timing`, () => {
    after(() => backend.stop());

    test("a 10 s session is present at 9.9 s and gone at 10 s, with its queued messages [MQTT-3.1.2-23]", async () => {
      await using broker = await backend.start();
      for (const [wait, present] of [[9_900, true], [10_000, false]] as const) {
        const id = `se-in-${wait}`;
        const { client } = await connectIn(broker, id, 10);
        await subscribe(client, [{ filter: `se/in/${wait}`, qos: 1 }]);
        await client.send({ type: PacketType.DISCONNECT });
        await client.served;
        const { client: pub } = await broker.connect({
          clientId: `${id}-pub`,
          protocolVersion: 5,
        });
        await pub.send(publish(`se/in/${wait}`, "q", 1, 1));
        assert.equal((await pub.next()).type, PacketType.PUBACK);
        broker.clock.advance(wait);
        const back = await connectIn(broker, id, 10);
        const connack = back.connack as ConnackPacket;
        assert.equal(connack.sessionPresent, present, `after ${wait} ms`);
        if (present) {
          assert.equal(text(expectPublish(await back.client.next())), "q");
        }
      }
    });

    test("an expired session is removed from the backend without any reconnect", async () => {
      await using broker = await backend.start();
      const { client } = await connectIn(broker, "se-gone", 5);
      await subscribe(client, [{ filter: "se/gone", qos: 1 }]);
      await client.send({ type: PacketType.DISCONNECT });
      await client.served;
      assert.equal(broker.backend.stats().sessions, 1);
      broker.clock.advance(5_000);
      await pollUntil(
        () => Promise.resolve(broker.backend.stats().sessions === 0),
        "the sweep to remove the expired session",
      );
    });

    test("a DISCONNECT change of expiry (60 → 2) is the one that counts [MQTT-3.14.2-2]", async () => {
      await using broker = await backend.start();
      const { client } = await connectIn(broker, "se-chg", 60);
      await client.send({
        type: PacketType.DISCONNECT,
        reasonCode: 0,
        properties: { sessionExpiryInterval: 2 },
      });
      await client.served;
      broker.clock.advance(2_000);
      const back = await connectIn(broker, "se-chg", 60);
      assert.equal((back.connack as ConnackPacket).sessionPresent, false);
    });
  });
}
