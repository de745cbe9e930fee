/**
 * End to end (issue #4): main.ts with `--nats`, killed with SIGKILL and
 * restarted on the same nats-server: queued QoS 1/2 messages of an offline
 * persistent session, in-flight messages (resent at once with DUP and the
 * same packet id, not after the 30 s ack wait) and inbound QoS 2 state all
 * survive, since everything lives in JetStream.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, type QoS } from "../../src/codec/mod.ts";
import {
  type JetmqProcess,
  type RuntimeName,
  runtimes,
  startJetmq,
} from "../helpers/server.ts";
import { startNatsServer } from "../helpers/nats_server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  rawPublish,
  subscribeRaw,
} from "../helpers/raw_client.ts";
import { connectJs } from "../helpers/mqttjs_client.ts";

async function killAndRestart(
  server: JetmqProcess,
  runtime: RuntimeName,
  natsUrl: string,
): Promise<JetmqProcess> {
  await server.kill9();
  assert.equal(server.process.signalCode, "SIGKILL");
  return await startJetmq({ runtime, args: ["--nats", natsUrl] });
}

for (const runtime of runtimes) {
  test(`main.ts --nats on ${runtime}: queued QoS 1 and 2 messages of an offline session survive kill -9`, async () => {
    await using nats = await startNatsServer();
    const id = "js-restart-sub";
    const topic = "js/restart/queued";
    let server = await startJetmq({ runtime, args: ["--nats", nats.url] });
    try {
      {
        const { client } = await connectRaw(server.port, {
          clientId: id,
          clean: false,
        });
        await using _ = client;
        assert.deepEqual(
          await subscribeRaw(client, [{ filter: topic, qos: 1 }]),
          [1],
        );
        await client.disconnect();
      }
      const expected: string[] = [];
      {
        await using pub = await connectJs(server.url, {
          clientId: "js-restart-pub",
        });
        const acked: Promise<unknown>[] = [];
        for (let i = 0; i < 40; i++) {
          const qos = (i % 2 + 1) as QoS;
          expected.push(`m${i}`);
          acked.push(pub.mqtt.publishAsync(topic, `m${i}`, { qos }));
        }
        await Promise.all(acked);
      }
      server = await killAndRestart(server, runtime, nats.url);
      const { client, connack } = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _ = client;
      assert.equal(connack.sessionPresent, true, "session survived");
      const got = [];
      for (let i = 0; i < expected.length; i++) {
        const p = await nextPublish(client);
        got.push(payloadText(p));
        assert.equal(p.qos, 1, "granted QoS 1 caps the QoS 2 messages");
        assert.equal(p.dup, false, "never sent before the kill");
        client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
      assert.deepEqual(got, expected);
      await expectNothingMore(client);
    } finally {
      await server.stop();
    }
  });

  test(`main.ts --nats on ${runtime}: in-flight messages are resent at once with DUP after kill -9; inbound QoS 2 completes once`, async () => {
    await using nats = await startNatsServer();
    const topic = "js/restart/inflight";
    let server = await startJetmq({ runtime, args: ["--nats", nats.url] });
    try {
      const sub = await connectRaw(server.port, {
        clientId: "js-inflight-sub",
        clean: false,
      });
      await using _s = sub.client;
      await subscribeRaw(sub.client, [{ filter: topic, qos: 2 }]);
      const pub = await connectRaw(server.port, {
        clientId: "js-inflight-pub",
        clean: false,
      });
      await using _p = pub.client;
      pub.client.send(rawPublish(topic, "q1", 1, 1));
      assert.equal((await pub.client.next()).type, PacketType.PUBACK);
      const first = await nextPublish(sub.client); // never acknowledged
      pub.client.send(rawPublish(topic, "q2", 2, 2));
      assert.equal((await pub.client.next()).type, PacketType.PUBREC);
      server = await killAndRestart(server, runtime, nats.url);
      await Promise.all([sub.client.closed, pub.client.closed]);

      const pub2 = await connectRaw(server.port, {
        clientId: "js-inflight-pub",
        clean: false,
      });
      await using _p2 = pub2.client;
      assert.equal(pub2.connack.sessionPresent, true);
      pub2.client.send(rawPublish(topic, "q2", 2, 2, { dup: true }));
      assert.equal((await pub2.client.next()).type, PacketType.PUBREC);
      pub2.client.send({ type: PacketType.PUBREL, packetId: 2 });
      assert.equal((await pub2.client.next()).type, PacketType.PUBCOMP);

      const sub2 = await connectRaw(server.port, {
        clientId: "js-inflight-sub",
        clean: false,
      });
      await using _s2 = sub2.client;
      assert.equal(sub2.connack.sessionPresent, true);
      const again = await nextPublish(sub2.client);
      assert.deepEqual(
        [payloadText(again), again.dup, again.packetId, again.qos],
        ["q1", true, first.packetId, 1],
      );
      sub2.client.send({ type: PacketType.PUBACK, packetId: again.packetId! });
      const q2 = await nextPublish(sub2.client);
      assert.deepEqual([payloadText(q2), q2.qos], ["q2", 2]);
      sub2.client.send({ type: PacketType.PUBREC, packetId: q2.packetId! });
      assert.equal((await sub2.client.next()).type, PacketType.PUBREL);
      sub2.client.send({ type: PacketType.PUBCOMP, packetId: q2.packetId! });
      await expectNothingMore(sub2.client);
    } finally {
      await server.stop();
    }
  });
}
