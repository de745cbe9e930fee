/**
 * End to end (issue #3): session present flag, clean vs persistent sessions
 * and takeover, against main.ts as a subprocess on Deno and Bun.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { runtimes, sharedJetmq } from "../helpers/server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
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
  });
}
