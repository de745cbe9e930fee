/**
 * End to end (issue #3): nothing acknowledged is lost when main.ts is killed
 * with SIGKILL and restarted on the same data directory: queued QoS 1/2
 * messages of an offline persistent session, in-flight messages (resent with
 * DUP), inbound QoS 2 state and retained messages. On Deno and Bun, and
 * across them (the SQLite file is shared).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PacketType, type QoS } from "../../src/codec/mod.ts";
import {
  type JetmqProcess,
  type RuntimeName,
  runtimes,
  startJetmq,
} from "../helpers/server.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  rawPublish,
  subscribeRaw,
} from "../helpers/raw_client.ts";
import { connectJs, mosquittoPub } from "../helpers/mqttjs_client.ts";
import { inflightSurviveKill, queuedSurviveKill } from "../helpers/restart.ts";

/** A data dir removed when disposed, and servers started on it. */
function dataDir(): { path: string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), "jetmq-e2e-restart-"));
  return {
    path,
    [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Kill -9 `server` and start `runtime` on its data dir. */
async function killAndRestart(
  server: JetmqProcess,
  runtime: RuntimeName,
): Promise<JetmqProcess> {
  await server.kill9();
  assert.equal(server.process.signalCode, "SIGKILL");
  return await startJetmq({ runtime, dataDir: server.dataDir });
}

for (const runtime of runtimes) {
  test(`main.ts on ${runtime}: queued QoS 1 and 2 messages of an offline session survive kill -9`, async () => {
    using dir = dataDir();
    await queuedSurviveKill({
      start: () => startJetmq({ runtime, dataDir: dir.path }),
      killAndRestart: (server) => killAndRestart(server, runtime),
    }, async (client, topic) => {
      // The subscription survived too: a new message is routed.
      client.send(rawPublish(topic, "after-restart", 1, 1));
      const next = [await client.next(), await client.next()];
      const pub = next.find((p) => p.type === PacketType.PUBLISH);
      assert.ok(pub && pub.type === PacketType.PUBLISH);
      assert.equal(payloadText(pub), "after-restart");
    });
  });

  test(`main.ts on ${runtime}: in-flight messages are resent with DUP after kill -9; inbound QoS 2 completes once`, async () => {
    using dir = dataDir();
    await inflightSurviveKill({
      start: () => startJetmq({ runtime, dataDir: dir.path }),
      killAndRestart: (server) => killAndRestart(server, runtime),
    });
  });
}

for (const runtime of runtimes) {
  test(`main.ts on ${runtime}: an outbound QoS 2 flow at PUBREL resumes with PUBREL after kill -9 [MQTT-4.3.3-1]`, async () => {
    using dir = dataDir();
    const topic = "restart/pubrel";
    let server = await startJetmq({ runtime, dataDir: dir.path });
    try {
      const sub = await connectRaw(server.port, {
        clientId: "pubrel-sub",
        clean: false,
      });
      await using _s = sub.client;
      await subscribeRaw(sub.client, [{ filter: topic, qos: 2 }]);
      const { client: pub } = await connectRaw(server.port, {
        clientId: "pubrel-pub",
      });
      await using _p = pub;
      pub.send(rawPublish(topic, "m1", 2, 1));
      pub.send(rawPublish(topic, "m2", 2, 2));
      const m1 = await nextPublish(sub.client);
      const m2 = await nextPublish(sub.client);
      sub.client.send({ type: PacketType.PUBREC, packetId: m1.packetId! });
      const rel = await sub.client.next();
      assert.equal(rel.type, PacketType.PUBREL);
      server = await killAndRestart(server, runtime);
      const again = await connectRaw(server.port, {
        clientId: "pubrel-sub",
        clean: false,
      });
      await using _a = again.client;
      const first = await again.client.next();
      assert.equal(first.type, PacketType.PUBREL, "m1 continues at PUBREL");
      if (first.type === PacketType.PUBREL) {
        assert.equal(first.packetId, m1.packetId);
      }
      const second = await nextPublish(again.client);
      assert.deepEqual(
        [payloadText(second), second.dup, second.packetId],
        ["m2", true, m2.packetId],
      );
    } finally {
      await server.stop();
    }
  });
}

for (const runtime of runtimes) {
  test(`main.ts on ${runtime}: kill -9 in the middle of a pipelined stream loses no acknowledged message`, async () => {
    using dir = dataDir();
    const topic = "restart/stream";
    let server = await startJetmq({ runtime, dataDir: dir.path });
    try {
      {
        const { client } = await connectRaw(server.port, {
          clientId: "stream-sub",
          clean: false,
        });
        await using _ = client;
        await subscribeRaw(client, [{ filter: topic, qos: 2 }]);
        await client.disconnect();
      }
      const acked = new Set<number>();
      {
        const { client: pub } = await connectRaw(server.port, {
          clientId: "stream-pub",
        });
        await using _ = pub;
        for (let i = 1; i <= 2000; i++) {
          pub.send(rawPublish(topic, String(i), (i % 2 + 1) as QoS, i));
        }
        // PUBACK (QoS 1) and PUBREC (QoS 2) both mean the server owns it.
        while (acked.size < 500) {
          const ack = await pub.next();
          if (
            ack.type === PacketType.PUBACK || ack.type === PacketType.PUBREC
          ) {
            acked.add(ack.packetId);
          }
        }
        server = await killAndRestart(server, runtime);
      }
      const { client, connack } = await connectRaw(server.port, {
        clientId: "stream-sub",
        clean: false,
      });
      await using _ = client;
      assert.equal(connack.sessionPresent, true);
      const missing = new Set(acked);
      const got: number[] = [];
      while (missing.size > 0) {
        const p = await client.next();
        if (p.type === PacketType.PUBREL) {
          client.send({ type: PacketType.PUBCOMP, packetId: p.packetId });
          continue;
        }
        assert.equal(p.type, PacketType.PUBLISH);
        if (p.type !== PacketType.PUBLISH) break;
        const n = Number(payloadText(p));
        got.push(n);
        missing.delete(n);
        client.send({
          type: p.qos === 2 ? PacketType.PUBREC : PacketType.PUBACK,
          packetId: p.packetId!,
        });
      }
      assert.deepEqual(got, [...got].sort((a, b) => a - b), "in publish order");
      assert.equal(new Set(got).size, got.length, "no duplicates");
    } finally {
      await server.stop();
    }
  });

  test(`main.ts on ${runtime}: SIGTERM and restart keeps persistent sessions, not clean ones`, async () => {
    using dir = dataDir();
    const topic = "restart/sigterm";
    let server = await startJetmq({ runtime, dataDir: dir.path });
    try {
      for (
        const [clientId, clean] of [["term-persistent", false], [
          "term-clean",
          true,
        ]] as const
      ) {
        const { client } = await connectRaw(server.port, { clientId, clean });
        await using _ = client;
        await subscribeRaw(client, [{ filter: topic, qos: 1 }]);
        await client.disconnect();
      }
      const r = await mosquittoPub(server.port, [
        "-t",
        topic,
        "-m",
        "kept",
        "-q",
        "1",
      ]);
      assert.equal(r.code, 0, r.out);
      assert.equal(await server.stop(), 0, "clean exit on SIGTERM");
      server = await startJetmq({ runtime, dataDir: dir.path });
      const clean = await connectRaw(server.port, {
        clientId: "term-clean",
        clean: false,
      });
      await using _c = clean.client;
      assert.equal(clean.connack.sessionPresent, false);
      const kept = await connectRaw(server.port, {
        clientId: "term-persistent",
        clean: false,
      });
      await using _k = kept.client;
      assert.equal(kept.connack.sessionPresent, true);
      const p = await nextPublish(kept.client);
      assert.deepEqual([payloadText(p), p.qos], ["kept", 1]);
    } finally {
      await server.stop();
    }
  });
}

const other: Record<RuntimeName, RuntimeName> = { deno: "bun", bun: "deno" };
for (const runtime of runtimes) {
  test(
    `retained messages survive kill -9 of main.ts on ${runtime} and a restart on ${
      other[runtime]
    }`,
    async () => {
      using dir = dataDir();
      let server = await startJetmq({ runtime, dataDir: dir.path });
      try {
        {
          await using pub = await connectJs(server.url, {
            clientId: "ret-pub",
          });
          // Replacing is durable: only the second value survives.
          await pub.mqtt.publishAsync("restart/ret/a", "old", {
            qos: 1,
            retain: true,
          });
          await pub.mqtt.publishAsync("restart/ret/a", "A", {
            qos: 1,
            retain: true,
          });
          await pub.mqtt.publishAsync("restart/ret/b", "B", {
            qos: 2,
            retain: true,
          });
          await pub.mqtt.publishAsync("restart/ret/c", "C", {
            qos: 1,
            retain: true,
          });
          // Deleting is durable too.
          await pub.mqtt.publishAsync("restart/ret/c", "", {
            qos: 1,
            retain: true,
          });
        }
        server = await killAndRestart(server, other[runtime]);
        const { client } = await connectRaw(server.port, {
          clientId: "ret-sub",
        });
        await using _ = client;
        await subscribeRaw(client, [{ filter: "restart/ret/#", qos: 1 }]);
        const got = [await nextPublish(client), await nextPublish(client)];
        assert.deepEqual(
          got.map((p) => `${p.topic}=${payloadText(p)}@${p.qos}:${p.retain}`)
            .sort(),
          ["restart/ret/a=A@1:true", "restart/ret/b=B@1:true"],
        );
        for (const p of got) {
          client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
        }
        await expectNothingMore(client);
      } finally {
        await server.stop();
      }
    },
  );
}
