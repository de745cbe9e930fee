/**
 * Test helper: kill -9 scenarios shared by the embedded (`restart_test.ts`)
 * and the `--nats` (`jetstream_restart_test.ts`) end-to-end tests. Each
 * scenario starts a server with `target.start()`, kills and restarts it with
 * `target.killAndRestart()` and always stops the last one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { PacketType, type QoS } from "../../src/codec/mod.ts";
import type { JetmqProcess } from "./server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  type RawClient,
  rawPublish,
  subscribeRaw,
} from "./raw_client.ts";
import { connectJs } from "./mqttjs_client.ts";

/** How a scenario starts a server and brings it back after kill -9. */
export interface RestartTarget {
  /** Starts the first server. */
  start(): Promise<JetmqProcess>;
  /** Kills `server` with SIGKILL and starts the next one on the same state. */
  killAndRestart(server: JetmqProcess): Promise<JetmqProcess>;
  /** Prefix of client ids and topics (e.g. `js-`), default none. */
  prefix?: string;
}

/** Runs `body` on a started server, stopping the current one at the end. */
async function withServer(
  target: RestartTarget,
  body: (
    server: JetmqProcess,
    restart: () => Promise<JetmqProcess>,
  ) => Promise<void>,
): Promise<void> {
  let server = await target.start();
  try {
    await body(server, async () => {
      server = await target.killAndRestart(server);
      return server;
    });
  } finally {
    await server.stop();
  }
}

/**
 * Queued QoS 1 and 2 messages of an offline persistent session survive
 * kill -9 and arrive in order (granted QoS 1, no DUP); `after` runs on the
 * reconnected subscriber, its session still subscribed to `topic`.
 */
export function queuedSurviveKill(
  target: RestartTarget,
  after?: (client: RawClient, topic: string) => Promise<void>,
): Promise<void> {
  const p = target.prefix ?? "";
  const id = `${p}restart-sub`;
  const topic = `${p.replace(/-$/, "/")}restart/queued`;
  return withServer(target, async (server, restart) => {
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
        clientId: `${p}restart-pub`,
      });
      const acked: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++) {
        const qos = (i % 2 + 1) as QoS;
        expected.push(`m${i}`);
        acked.push(pub.mqtt.publishAsync(topic, `m${i}`, { qos }));
      }
      // Every PUBACK / PUBCOMP has arrived; kill at once.
      await Promise.all(acked);
    }
    server = await restart();
    const { client, connack } = await connectRaw(server.port, {
      clientId: id,
      clean: false,
    });
    await using _ = client;
    assert.equal(connack.sessionPresent, true, "session survived");
    const got = [];
    for (let i = 0; i < expected.length; i++) {
      const m = await nextPublish(client);
      got.push(payloadText(m));
      assert.equal(m.qos, 1, "granted QoS 1 caps the QoS 2 messages");
      assert.equal(m.dup, false, "never sent before the kill");
      client.send({ type: PacketType.PUBACK, packetId: m.packetId! });
    }
    assert.deepEqual(got, expected);
    await expectNothingMore(client);
    await after?.(client, topic);
  });
}

/**
 * After kill -9 an unacknowledged QoS 1 message is resent with DUP and the
 * same packet id, and an inbound QoS 2 message left at PUBREC completes once
 * when the publisher resends it with DUP.
 */
export function inflightSurviveKill(target: RestartTarget): Promise<void> {
  const p = target.prefix ?? "";
  const topic = `${p.replace(/-$/, "/")}restart/inflight`;
  return withServer(target, async (server, restart) => {
    const sub = await connectRaw(server.port, {
      clientId: `${p}inflight-sub`,
      clean: false,
    });
    await using _s = sub.client;
    await subscribeRaw(sub.client, [{ filter: topic, qos: 2 }]);
    const pub = await connectRaw(server.port, {
      clientId: `${p}inflight-pub`,
      clean: false,
    });
    await using _p = pub.client;
    pub.client.send(rawPublish(topic, "q1", 1, 1));
    assert.equal((await pub.client.next()).type, PacketType.PUBACK);
    const first = await nextPublish(sub.client); // never acknowledged
    // Inbound QoS 2 left at PUBREC when the server dies.
    pub.client.send(rawPublish(topic, "q2", 2, 2));
    assert.equal((await pub.client.next()).type, PacketType.PUBREC);
    server = await restart();
    await Promise.all([sub.client.closed, pub.client.closed]);

    const pub2 = await connectRaw(server.port, {
      clientId: `${p}inflight-pub`,
      clean: false,
    });
    await using _p2 = pub2.client;
    assert.equal(pub2.connack.sessionPresent, true);
    // A publisher may resend the PUBLISH with DUP: still one delivery.
    pub2.client.send(rawPublish(topic, "q2", 2, 2, { dup: true }));
    assert.equal((await pub2.client.next()).type, PacketType.PUBREC);
    pub2.client.send({ type: PacketType.PUBREL, packetId: 2 });
    assert.equal((await pub2.client.next()).type, PacketType.PUBCOMP);

    const sub2 = await connectRaw(server.port, {
      clientId: `${p}inflight-sub`,
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
  });
}
