/**
 * End to end (issue #3): the offline queue of a persistent session is bounded
 * by `limits.maxQueuedMessages` and `limits.maxQueuedBytes` (config file);
 * overflow is logged and counted (`jetmq_queue_dropped_total`), against
 * main.ts as a subprocess on Deno and Bun.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PacketType } from "../../src/codec/mod.ts";
import { pollUntil } from "../helpers/v5.ts";
import { type JetmqProcess, runtimes, sharedJetmq } from "../helpers/server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  rawPublish,
  subscribeRaw,
} from "../helpers/raw_client.ts";

const MAX_MESSAGES = 3;
const MAX_BYTES = 1000;

/** The value of counter `name` from the /metrics endpoint (0 if absent). */
async function counter(server: JetmqProcess, name: string): Promise<number> {
  const metrics = server.listeners.find((l) => l.kind === "metrics");
  assert.ok(metrics, "metrics listener logged");
  const res = await fetch(`http://127.0.0.1:${metrics.port}/metrics`);
  const body = await res.text();
  const line = body.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

/** Subscribe `clientId` (persistent, QoS 1) to `topic`, then go offline. */
async function offlineSubscriber(
  port: number,
  clientId: string,
  topic: string,
): Promise<void> {
  const { client } = await connectRaw(port, { clientId, clean: false });
  await using _ = client;
  await subscribeRaw(client, [{ filter: topic, qos: 1 }]);
  await client.disconnect();
}

/** Publish QoS 1 messages, each acknowledged before the next. */
async function publishAcked(
  port: number,
  clientId: string,
  topic: string,
  payloads: string[],
): Promise<void> {
  const { client } = await connectRaw(port, { clientId });
  await using _ = client;
  for (const [i, payload] of payloads.entries()) {
    client.send(rawPublish(topic, payload, 1, i + 1));
    const ack = await client.next();
    assert.equal(ack.type, PacketType.PUBACK);
  }
  await client.disconnect();
}

/** Reconnect `clientId` and return the payloads of what was queued. */
async function drain(
  port: number,
  clientId: string,
  n: number,
): Promise<string[]> {
  const { client, connack } = await connectRaw(port, {
    clientId,
    clean: false,
  });
  await using _ = client;
  assert.equal(connack.sessionPresent, true);
  const out = [];
  for (let i = 0; i < n; i++) {
    const p = await nextPublish(client);
    out.push(payloadText(p));
    client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
  }
  await expectNothingMore(client);
  return out;
}

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: offline queue bounds`, () => {
    const shared = sharedJetmq({
      runtime,
      config: {
        limits: { maxQueuedMessages: MAX_MESSAGES, maxQueuedBytes: MAX_BYTES },
        metrics: { host: "127.0.0.1", port: 0 },
        log: { level: "info" },
      },
    });
    after(() => shared.stop());

    test("limits.maxQueuedMessages: overflow is dropped, logged and counted; the rest is kept in order", async () => {
      const server = await shared.get();
      const id = `count-${runtime}`;
      const topic = `queue/${runtime}/count`;
      const before = await counter(server, "jetmq_queue_dropped_total");
      await offlineSubscriber(server.port, id, topic);
      const payloads = ["m0", "m1", "m2", "m3", "m4"];
      await publishAcked(server.port, `count-pub-${runtime}`, topic, payloads);
      const dropped = (rec: Record<string, unknown>) =>
        rec.level === "warn" && rec.clientId === id &&
        String(rec.msg).includes("queue full");
      const logged = () =>
        server.output().split("\n").filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l)).filter(dropped).length;
      // The server is an outside process: poll its log and metrics.
      await pollUntil(() => logged() === 2, "two drop log lines");
      await pollUntil(
        async () =>
          await counter(server, "jetmq_queue_dropped_total") === before + 2,
        "jetmq_queue_dropped_total + 2",
      );
      assert.deepEqual(await drain(server.port, id, MAX_MESSAGES), [
        "m0",
        "m1",
        "m2",
      ]);
    });

    test("limits.maxQueuedBytes: a message that would pass the byte bound is dropped and logged", async () => {
      const server = await shared.get();
      const id = `bytes-${runtime}`;
      const topic = `queue/${runtime}/bytes`;
      const before = await counter(server, "jetmq_queue_dropped_total");
      await offlineSubscriber(server.port, id, topic);
      // Two fit in 1000 bytes (payload + topic), the third does not.
      const payloads = ["a", "b", "c"].map((c) => c.repeat(400));
      await publishAcked(server.port, `bytes-pub-${runtime}`, topic, payloads);
      const rec = await server.waitForLog((r) =>
        r.level === "warn" && r.clientId === id &&
        String(r.msg).includes("queue full")
      );
      assert.equal(rec.topic, topic);
      await pollUntil(
        async () =>
          await counter(server, "jetmq_queue_dropped_total") === before + 1,
        "jetmq_queue_dropped_total + 1",
      );
      const got = await drain(server.port, id, 2);
      assert.deepEqual(got.map((t) => t[0]), ["a", "b"]);
    });
  });
}
