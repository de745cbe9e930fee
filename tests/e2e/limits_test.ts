/**
 * End to end: the server-wide limits against main.ts as a subprocess on the
 * embedded backend. `limits.maxRetained` with MQTT.js v5 (PUBACK/PUBREC
 * 0x97) and v3.1.1 (routed, not retained), `limits.maxSessions` (CONNACK
 * 0x97 / return code 3), `limits.maxConnections` with raw sockets (closed
 * before CONNECT), and a bad limit as a configuration error (exit 2).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PacketType } from "../../src/codec/types.ts";
import { connectJs, type JsClient } from "../helpers/mqttjs_client.ts";
import { connectRaw, openRaw, withDeadline } from "../helpers/raw_client.ts";
import {
  currentRuntime,
  type JetmqProcess,
  startJetmq,
} from "../helpers/server.ts";
import { readMetric, uniq } from "../helpers/v5.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const METRICS = { host: "127.0.0.1", port: 0 };

/** The publish outcome: undefined when acknowledged, else the reason code. */
async function publishCode(
  client: JsClient,
  topic: string,
  payload: string,
  qos: 0 | 1 | 2,
): Promise<number | undefined> {
  try {
    await client.mqtt.publishAsync(topic, payload, { qos, retain: true });
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

/** The CONNACK refusal code MQTT.js reports, or undefined when accepted. */
async function connectCode(
  server: JetmqProcess,
  clientId: string,
  version: 4 | 5,
): Promise<number | undefined> {
  try {
    await using _ = await connectJs(server.url, {
      clientId,
      protocolVersion: version,
      clean: false,
      properties: version === 5 ? { sessionExpiryInterval: 600 } : undefined,
    });
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

describe("main.ts on embedded: limits.maxRetained and limits.maxSessions", () => {
  let server: JetmqProcess;
  before(async () => {
    server = await startJetmq({
      config: {
        limits: { maxRetained: 1, maxSessions: 1 },
        metrics: METRICS,
      },
    });
  });
  after(() => server?.stop());

  /** Fills the one retained slot (replacing it is always allowed). */
  async function fill(client: JsClient): Promise<void> {
    assert.equal(await publishCode(client, "fill", "f", 1), undefined);
  }

  test("v5: a retained PUBLISH beyond maxRetained gets PUBACK/PUBREC 0x97 and is not routed", async () => {
    const before = await readMetric(server, "jetmq_retained_refused_total");
    const topic = uniq("v5");
    await using watcher = await connectJs(server.url, {
      clientId: uniq("w5"),
      protocolVersion: 5,
    });
    await watcher.mqtt.subscribeAsync([topic, "sentinel/" + topic], { qos: 1 });
    await using pub = await connectJs(server.url, {
      clientId: uniq("p5"),
      protocolVersion: 5,
    });
    await fill(pub);
    assert.equal(await publishCode(pub, topic, "q1", 1), 0x97);
    assert.equal(await publishCode(pub, topic, "q2", 2), 0x97);
    assert.equal(await publishCode(pub, topic, "q0", 0), undefined);
    await pub.mqtt.publishAsync("sentinel/" + topic, "s", { qos: 1 });
    const [got] = await watcher.next();
    assert.equal(got.topic, "sentinel/" + topic, "the refused were not routed");
    const after = await readMetric(server, "jetmq_retained_refused_total");
    assert.equal(after - before, 3);
    await server.waitForLog((r) =>
      r.level === "warn" && r.limit === "maxRetained"
    );
  });

  test("v3.1.1: a retained PUBLISH beyond maxRetained is routed but not retained", async () => {
    const topic = uniq("v4");
    await using watcher = await connectJs(server.url, { clientId: uniq("w4") });
    await watcher.mqtt.subscribeAsync(topic, { qos: 1 });
    await using pub = await connectJs(server.url, { clientId: uniq("p4") });
    await fill(pub);
    assert.equal(await publishCode(pub, topic, "q1", 1), undefined);
    assert.equal(await publishCode(pub, topic, "q2", 2), undefined);
    const got = await watcher.next(2);
    assert.deepEqual(got.map((m) => m.text), ["q1", "q2"]);
    await using late = await connectJs(server.url, { clientId: uniq("l4") });
    await late.mqtt.subscribeAsync([topic, "sentinel/" + topic], { qos: 1 });
    await late.mqtt.publishAsync("sentinel/" + topic, "s", { qos: 1 });
    const [first] = await late.next();
    assert.equal(first.topic, "sentinel/" + topic, "nothing was retained");
  });

  test("a new persistent session beyond maxSessions gets CONNACK 0x97 (v5) / 3 (3.1.1); resuming works", async () => {
    const keeper = uniq("keep");
    assert.equal(await connectCode(server, keeper, 5), undefined);
    assert.equal(await connectCode(server, uniq("new5"), 5), 0x97);
    assert.equal(await connectCode(server, uniq("new4"), 4), 3);
    assert.equal(await connectCode(server, keeper, 4), undefined);
    // Clean sessions are never stored, so never refused.
    await using clean = await connectJs(server.url, { clientId: uniq("c") });
    assert.ok(clean.mqtt.connected);
  });
});

describe("main.ts on embedded: limits.maxConnections", () => {
  let server: JetmqProcess;
  before(async () => {
    server = await startJetmq({
      config: { limits: { maxConnections: 2 }, metrics: METRICS },
    });
  });
  after(() => server?.stop());

  test("a socket beyond maxConnections is closed before CONNECT; a freed slot is reused", async () => {
    const before = await readMetric(server, "jetmq_connections_refused_total");
    const a = await connectRaw(server.port, { clientId: uniq("a") });
    await using _a = a.client;
    const b = await connectRaw(server.port, { clientId: uniq("b") });
    await using _b = b.client;
    await using extra = await openRaw(server.port);
    await withDeadline(extra.closed, "the refused socket to close");
    assert.equal(extra.received().length, 0, "nothing was sent to it");
    const after = await readMetric(server, "jetmq_connections_refused_total");
    assert.equal(after - before, 1);
    await server.waitForLog((r) =>
      r.level === "warn" && r.maxConnections === 2
    );
    await a.client.disconnect();
    // The slot frees once the server has seen the close: poll by retrying.
    let connack;
    for (let i = 0; i < 50 && connack === undefined; i++) {
      connack = await connectRaw(server.port, { clientId: uniq("c") })
        .then(async ({ client, connack }) => {
          await client.disconnect();
          return connack;
        })
        .catch(() => undefined);
    }
    assert.equal(connack?.type, PacketType.CONNACK);
  });
});

test("main.ts check-config: a negative limits.maxRetained exits 2 naming the field", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jetmq-limits-"));
  try {
    const file = join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ limits: { maxRetained: -1 } }));
    const argv = currentRuntime === "deno"
      ? ["run", "-A", MAIN, "check-config", "--config", file]
      : [MAIN, "check-config", "--config", file];
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(currentRuntime, argv, { timeout: 30_000 }, (err, _o, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stderr });
      });
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /limits\.maxRetained: must be an integer 0\.\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
