/**
 * End to end (issue #3): session present flag, clean vs persistent sessions
 * and takeover, against main.ts as a subprocess on Deno and Bun.
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
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import { connectJs, mosquittoPub } from "../helpers/mqttjs_client.ts";

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: sessions`, () => {
    const shared = sharedJetmq({ runtime });
    after(() => shared.stop());

    test("session present is 0 on a new persistent session, 1 on return, 0 after clean [MQTT-3.2.2-1] [MQTT-3.2.2-2] [MQTT-3.2.2-3]", async () => {
      const server = await shared.get();
      const id = `sp-${runtime}`;
      for (
        const [clean, present] of [
          [false, false],
          [false, true],
          [true, false],
          [false, false],
        ]
      ) {
        await using c = await connectJs(server.url, { clientId: id, clean });
        assert.equal(
          c.sessionPresent,
          present,
          `clean=${clean}`,
        );
      }
    });

    test("a persistent session keeps its subscription and queues QoS 1 while offline; a clean one does not [MQTT-3.1.2-4] [MQTT-3.1.2-6]", async () => {
      const server = await shared.get();
      const persistent = `persist-${runtime}`;
      const clean = `clean-${runtime}`;
      const topic = `sessions/${runtime}/queue`;
      for (
        const [clientId, isClean] of [[persistent, false], [
          clean,
          true,
        ]] as const
      ) {
        await using c = await connectJs(server.url, {
          clientId,
          clean: isClean,
        });
        await c.mqtt.subscribeAsync(topic, { qos: 1 });
      }
      const pub = await mosquittoPub(server.port, [
        "-t",
        topic,
        "-m",
        "while-offline",
        "-q",
        "1",
      ]);
      assert.equal(pub.code, 0, pub.out);
      {
        await using c = await connectJs(server.url, {
          clientId: persistent,
          clean: false,
        });
        const [m] = await c.next();
        assert.equal(m.text, "while-offline");
        assert.equal(m.qos, 1);
      }
      const { client, connack } = await connectRaw(server.port, {
        clientId: clean,
        clean: false,
      });
      await using _ = client;
      assert.equal(connack.sessionPresent, false, "clean session was kept");
      await expectNothingMore(client);
    });

    test("takeover: a second connection with the same client id closes the first and gets its session [MQTT-3.1.4-2]", async () => {
      const server = await shared.get();
      const id = `takeover-${runtime}`;
      const topic = `sessions/${runtime}/takeover`;
      await using first = await connectJs(server.url, {
        clientId: id,
        clean: false,
      });
      await first.mqtt.subscribeAsync(topic, { qos: 1 });
      const firstClosed = new Promise<void>((resolve) =>
        first.mqtt.once("close", () => resolve())
      );
      const { client: second, connack } = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _ = second;
      await withDeadline(firstClosed, "first connection closed");
      assert.equal(connack.reasonCode, 0);
      assert.equal(connack.sessionPresent, true);
      const pub = await mosquittoPub(server.port, [
        "-t",
        topic,
        "-m",
        "moved",
        "-q",
        "1",
      ]);
      assert.equal(pub.code, 0, pub.out);
      const p = await nextPublish(second);
      assert.equal(payloadText(p), "moved");
      assert.equal(p.qos, 1);
      assert.equal(first.received.length, 0);
    });

    test("takeover by a clean session discards the old session's subscriptions", async () => {
      const server = await shared.get();
      const id = `takeover-clean-${runtime}`;
      const topic = `sessions/${runtime}/takeover-clean`;
      await using first = await connectJs(server.url, {
        clientId: id,
        clean: false,
      });
      await first.mqtt.subscribeAsync(topic, { qos: 1 });
      const firstClosed = new Promise<void>((resolve) =>
        first.mqtt.once("close", () => resolve())
      );
      const { client: second, connack } = await connectRaw(server.port, {
        clientId: id,
      });
      await using _ = second;
      await withDeadline(firstClosed, "first connection closed");
      assert.equal(connack.sessionPresent, false);
      const pub = await mosquittoPub(server.port, [
        "-t",
        topic,
        "-m",
        "gone",
        "-q",
        "1",
      ]);
      assert.equal(pub.code, 0, pub.out);
      await expectNothingMore(second);
    });

    test("takeover moves unacknowledged messages: resent with DUP and the same id [MQTT-4.4.0-1]", async () => {
      const server = await shared.get();
      const id = `takeover-inflight-${runtime}`;
      const topic = `sessions/${runtime}/takeover-inflight`;
      const first = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _1 = first.client;
      await subscribeRaw(first.client, [{ filter: topic, qos: 1 }]);
      const r = await mosquittoPub(server.port, [
        "-t",
        topic,
        "-m",
        "unacked",
        "-q",
        "1",
      ]);
      assert.equal(r.code, 0, r.out);
      const sent = await nextPublish(first.client);
      const second = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _2 = second.client;
      await withDeadline(first.client.closed, "first connection closed");
      const again = await nextPublish(second.client);
      assert.deepEqual(
        [payloadText(again), again.dup, again.packetId],
        ["unacked", true, sent.packetId],
      );
    });

    test("UNSUBSCRIBE is kept in the persistent session [MQTT-3.10.4-2]", async () => {
      const server = await shared.get();
      const id = `unsub-persist-${runtime}`;
      const topic = `sessions/${runtime}/unsub`;
      const first = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _1 = first.client;
      await subscribeRaw(first.client, [{ filter: `${topic}/#`, qos: 1 }, {
        filter: `${topic}/kept`,
        qos: 1,
      }]);
      first.client.send({
        type: PacketType.UNSUBSCRIBE,
        packetId: 2,
        filters: [`${topic}/#`],
      });
      assert.equal((await first.client.next()).type, PacketType.UNSUBACK);
      await first.client.disconnect();
      for (const t of ["gone", "kept"]) {
        const r = await mosquittoPub(server.port, [
          "-t",
          `${topic}/${t}`,
          "-m",
          t,
          "-q",
          "1",
        ]);
        assert.equal(r.code, 0, r.out);
      }
      const second = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _2 = second.client;
      assert.equal(second.connack.sessionPresent, true);
      const p = await nextPublish(second.client);
      assert.equal(payloadText(p), "kept");
      second.client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      await expectNothingMore(second.client);
    });
  });
}
