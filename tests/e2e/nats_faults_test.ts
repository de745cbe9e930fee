/**
 * End to end fault tests (issue #4 "Must show") of main.ts with `--nats`:
 * kill -9 of jetmq with a persistent QoS 1 session holding in-flight and
 * queued messages; a nats-server restart in the middle of a QoS 1 stream;
 * takeover between two jetmq processes on one nats-server (v5 DISCONNECT
 * 0x8E, the session moving with its subscriptions and in-flight messages).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, ReasonCode } from "../../src/codec/mod.ts";
import { startJetmq } from "../helpers/server.ts";
import { connectNats, startNatsServer } from "../helpers/nats_server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import {
  connectJs,
  type JsClient,
  mosquittoPub,
} from "../helpers/mqttjs_client.ts";
import { connectV5, expectServerDisconnect } from "../helpers/v5.ts";

const enc = new TextEncoder();

test(
  "main.ts --nats: after kill -9 a persistent QoS 1 session gets its in-flight messages at once with DUP and the same ids, then its queued ones",
  async () => {
    await using nats = await startNatsServer();
    const topic = "fault/q";
    const id = "fault-sub";
    let server = await startJetmq({ args: ["--nats", nats.url] });
    try {
      const inflight: { text: string; packetId: number }[] = [];
      {
        const { client } = await connectRaw(server.port, {
          clientId: id,
          clean: false,
        });
        await using _ = client;
        assert.deepEqual(
          await subscribeRaw(client, [{ filter: topic, qos: 1 }]),
          [
            1,
          ],
        );
        await using pub = await connectJs(server.url, {
          clientId: "fault-pub",
        });
        for (let i = 0; i < 5; i++) {
          await pub.mqtt.publishAsync(topic, `live${i}`, { qos: 1 });
        }
        for (let i = 0; i < 5; i++) {
          const p = await nextPublish(client); // never acknowledged
          inflight.push({ text: payloadText(p), packetId: p.packetId! });
        }
        // The server closes after handling DISCONNECT, so what follows is
        // queued, never sent; the session and its in-flight messages stay.
        await client.disconnect();
        for (let i = 0; i < 10; i++) {
          await pub.mqtt.publishAsync(topic, `queued${i}`, { qos: 1 });
        }
      }
      await server.kill9();
      server = await startJetmq({ args: ["--nats", nats.url] });
      const started = Date.now();
      const { client, connack } = await connectRaw(server.port, {
        clientId: id,
        clean: false,
      });
      await using _ = client;
      assert.equal(connack.sessionPresent, true);
      const again = [];
      for (let i = 0; i < 5; i++) again.push(await nextPublish(client));
      // Well before JetStream's 30 s ack wait would resend them.
      assert.ok(Date.now() - started < 5000, "in-flight resent promptly");
      assert.deepEqual(
        again.map((p) => ({ text: payloadText(p), packetId: p.packetId! })),
        inflight,
      );
      assert.ok(again.every((p) => p.dup && p.qos === 1), "DUP [MQTT-3.3.1-1]");
      const queued = [];
      for (let i = 0; i < 10; i++) queued.push(await nextPublish(client));
      assert.deepEqual(
        queued.map((p) => [payloadText(p), p.dup]),
        Array.from({ length: 10 }, (_, i) => [`queued${i}`, false]),
      );
      for (const p of [...again, ...queued]) {
        client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
      await expectNothingMore(client);
    } finally {
      await server.stop();
    }
  },
);

/** What a publisher got back for each message of a QoS 1 stream. */
interface Outcome {
  acked: string[];
  /** Reason codes of refused publishes (v5 PUBACK ≥ 0x80). */
  refused: number[];
}

/** Publish `n` QoS 1 messages, 20 at a time; `at(i)` runs after message i. */
async function stream(
  client: JsClient,
  prefix: string,
  n: number,
  at: (i: number) => void = () => {},
): Promise<Outcome> {
  const out: Outcome = { acked: [], refused: [] };
  const batch: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const body = `${prefix}${i}`;
    batch.push(
      client.mqtt.publishAsync(`stream/${i % 7}`, body, { qos: 1 }).then(
        () => void out.acked.push(body),
        (e: { code?: number }) => void out.refused.push(e.code ?? -1),
      ),
    );
    at(i);
    if (batch.length === 20) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return out;
}

test("main.ts --nats: a nats-server restart during a QoS 1 stream loses no PUBACKed message; jetmq and its MQTT clients carry on", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  const reconnecting = { reconnectPeriod: 100, clean: false };
  await using sub = await connectJs(server.url, {
    clientId: "stream-sub",
    ...reconnecting,
  });
  await sub.mqtt.subscribeAsync("stream/#", { qos: 1 });
  // 3.1.1 cannot refuse a publish: jetmq closes, MQTT.js reconnects and
  // sends it again. v5 gets a PUBACK with a failure code instead.
  await using v3 = await connectJs(server.url, {
    clientId: "stream-pub3",
    ...reconnecting,
  });
  await using v5 = await connectJs(server.url, {
    clientId: "stream-pub5",
    protocolVersion: 5,
    ...reconnecting,
    properties: { sessionExpiryInterval: 60 },
  });
  const closes = { sub: 0, v3: 0, v5: 0 };
  sub.mqtt.on("close", () => closes.sub++);
  v3.mqtt.on("close", () => closes.v3++);
  v5.mqtt.on("close", () => closes.v5++);
  let restarted: Promise<void> | undefined;
  const [o3, o5] = await withDeadline(
    Promise.all([
      stream(v3, "a", 200, (i) => {
        if (i === 60) restarted = nats.restart();
      }),
      stream(v5, "b", 200),
    ]),
    "both streams settled",
    8000,
  );
  await restarted;
  assert.ok(o3.acked.length === 200, `3.1.1: ${o3.acked.length} PUBACKed`);
  assert.ok(o5.acked.length >= 100, `v5: only ${o5.acked.length} PUBACKed`);
  for (const code of o5.refused) assert.ok(code >= 0x80, `refused ${code}`);
  // jetmq reconnected to NATS: a message published now flows end to end.
  await v5.mqtt.publishAsync("stream/after", "after", { qos: 1 });
  const want = new Set([...o3.acked, ...o5.acked, "after"]);
  const received = new Set<string>();
  const missing = () => [...want].filter((b) => !received.has(b));
  await withDeadline(
    (async () => {
      while (missing().length > 0) {
        for (const m of await sub.next(1)) received.add(m.text);
      }
    })(),
    "every PUBACKed message at the subscriber",
    8000,
  ).catch((error) => {
    throw new Error(`${missing().length} missing: ${missing().slice(0, 5)}`, {
      cause: error,
    });
  });
  assert.equal(server.process.exitCode, null, "jetmq still running");
  // Whoever was closed has reconnected; v5 was refused, never dropped.
  assert.ok(sub.mqtt.connected && v3.mqtt.connected, JSON.stringify(closes));
  assert.equal(closes.v5, 0, JSON.stringify(closes));
});

test("main.ts --nats: takeover across two jetmq processes: v5 DISCONNECT 0x8E, the session moves with its subscriptions and in-flight message", async () => {
  await using nats = await startNatsServer();
  await using one = await startJetmq({ args: ["--nats", nats.url] });
  await using two = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  const session = {
    clientId: "roam5",
    clean: false,
    properties: { sessionExpiryInterval: 300 },
  };
  const { client: first } = await connectV5(one.port, session);
  await using _f = first;
  assert.deepEqual(
    await subscribeRaw(first, [
      { filter: "roam/+", qos: 1 },
      { filter: "nats/#", qos: 0 },
    ]),
    [1, 0],
  );
  const r = await mosquittoPub(one.port, [
    "-t",
    "roam/0",
    "-m",
    "m0",
    "-q",
    "1",
  ]);
  assert.equal(r.code, 0, r.out);
  const unacked = await nextPublish(first);
  assert.equal(payloadText(unacked), "m0");

  const { client: second, connack } = await connectV5(two.port, session);
  await using _s = second;
  assert.equal(connack.sessionPresent, true, "session found on instance two");
  await expectServerDisconnect(first, ReasonCode.SessionTakenOver);
  // The in-flight message comes again on the new instance [MQTT-4.4.0-1].
  const again = await nextPublish(second);
  assert.deepEqual(
    [payloadText(again), again.dup, again.packetId],
    ["m0", true, unacked.packetId],
  );
  second.send({ type: PacketType.PUBACK, packetId: again.packetId! });
  // Both subscriptions moved; a publish on instance one and a plain NATS
  // publish each arrive once, without a new SUBSCRIBE.
  const r1 = await mosquittoPub(one.port, [
    "-t",
    "roam/1",
    "-m",
    "m1",
    "-q",
    "1",
  ]);
  assert.equal(r1.code, 0, r1.out);
  const m1 = await nextPublish(second);
  assert.deepEqual([payloadText(m1), m1.qos, m1.dup], ["m1", 1, false]);
  second.send({ type: PacketType.PUBACK, packetId: m1.packetId! });
  nc.publish("nats.x", enc.encode("from nats"));
  const m2 = await nextPublish(second);
  assert.deepEqual([m2.topic, payloadText(m2), m2.qos], [
    "nats/x",
    "from nats",
    0,
  ]);
  await expectNothingMore(second);
});
