/**
 * End to end (issue #4 "Must show"): main.ts with `--nats` beside nats.js
 * applications on one nats-server. Subjects ↔ topics character by character
 * (reference §1: `.` ↔ `//`, empty levels, `_INBOX`), the `Nmqtt-Pub`
 * header per QoS and the `$MQTT.msgs.` copy (§5, §6), a NATS request
 * answered by 3.1.1 tools, and retained messages shared by two jetmq
 * processes. MQTT.js and mosquitto_pub/sub on the MQTT side.
 * (`jetstream_interop_test.ts` covers the basic exchange and a v5 responder.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { headers } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startJetmq } from "../helpers/server.ts";
import {
  connectNats,
  natsNext,
  startNatsServer,
} from "../helpers/nats_server.ts";
import {
  connectJs,
  mosquittoPub,
  startMosquittoSub,
} from "../helpers/mqttjs_client.ts";
import { pollUntil } from "../helpers/v5.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

test("main.ts --nats: NATS subjects reach MQTT topics: a.b → a/b, a/+, #; empty levels, // → ., _INBOX (reference §1.2)", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  await using exact = await connectJs(server.url, { clientId: "n2m-exact" });
  await exact.mqtt.subscribeAsync("a/b", { qos: 1 });
  await using all = await connectJs(server.url, { clientId: "n2m-all" });
  await all.mqtt.subscribeAsync("#", { qos: 0 });
  await using plus = startMosquittoSub(server.port, [
    ...["-t", "a/+", "-q", "1", "-C", "1", "-W", "8", "-v"],
  ]);
  await plus.subscribed;
  const table: [subject: string, topic: string][] = [
    ["a.b", "a/b"],
    ["foo./", "foo/"],
    ["/.foo", "/foo"],
    ["a./.b", "a//b"],
    ["/./", "/"],
    ["spBv1//0.plant1", "spBv1.0/plant1"],
    ["_INBOX.abc.def", "_INBOX/abc/def"],
  ];
  for (const [subject] of table) nc.publish(subject, enc.encode(subject));
  await nc.flush();
  const got = await all.next(table.length);
  assert.deepEqual(
    got.map((m) => [m.text, m.topic]),
    table,
    "one copy each, in publish order",
  );
  for (const m of got) {
    // NATS-originated: QoS 0, no DUP, no RETAIN (reference §6).
    assert.deepEqual([m.qos, m.dup, m.retain], [0, false, false]);
  }
  const [e] = await exact.next(1);
  assert.deepEqual([e.topic, e.text, e.qos], ["a/b", "a.b", 0]);
  const done = await plus.done;
  assert.equal(done.code, 0, done.out);
  assert.match(done.out, /^a\/b a\.b$/m);
});

test("main.ts --nats: MQTT topics reach NATS subjects with Nmqtt-Pub per QoS, no reply, QoS ≥ 1 also in $MQTT.msgs (reference §1.1, §6)", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  const table: [topic: string, subject: string, qos: 0 | 1 | 2][] = [
    ["x/y", "x.y", 0],
    ["a.b/c", "a//b.c", 1],
    ["foo//bar", "foo./.bar", 2],
    ["/foo/bar/", "/.foo.bar./", 1],
  ];
  // mosquitto_pub (3.1.1) on the MQTT side.
  for (const [topic, subject, qos] of table) {
    const next = await natsNext(nc, subject);
    const r = await mosquittoPub(server.port, [
      ...["-t", topic, "-m", `m:${topic}`, "-q", String(qos)],
    ]);
    assert.equal(r.code, 0, r.out);
    const m = await next();
    assert.deepEqual(
      [dec.decode(m.data), m.headers?.get("Nmqtt-Pub"), m.reply ?? ""],
      [`m:${topic}`, String(qos), ""],
      `${topic} → ${subject}`,
    );
  }
  // MQTT.js at QoS 1: the core copy and the stored copy both carry
  // Nmqtt-Pub: 1, and the PUBACK comes after the store.
  await using js = await connectJs(server.url, { clientId: "m2n-js" });
  const core = await natsNext(nc, "x.y");
  const stored = await natsNext(nc, "$MQTT.msgs.x.y");
  await js.mqtt.publishAsync("x/y", "stored", { qos: 1 });
  assert.deepEqual(
    [await core(), await stored()].map((m) => [
      m.subject,
      dec.decode(m.data),
      m.headers?.get("Nmqtt-Pub"),
    ]),
    [["x.y", "stored", "1"], ["$MQTT.msgs.x.y", "stored", "1"]],
  );
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info("$MQTT_msgs");
  assert.deepEqual(info.config.subjects, ["$MQTT.msgs.>"]);
});

test("main.ts --nats: a NATS request's reply subject reaches MQTT as _INBOX/…; 3.1.1 tools answer it", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  // A v5 subscriber learns the reply subject as its Response Topic.
  await using v5 = await connectJs(server.url, {
    clientId: "rr-v5",
    protocolVersion: 5,
  });
  await v5.mqtt.subscribeAsync("svc/q", { qos: 1 });
  // A 3.1.1 `#` subscriber sees the request (no reply) and the answer.
  await using watcher = await connectJs(server.url, { clientId: "rr-all" });
  await watcher.mqtt.subscribeAsync("#", { qos: 0 });
  const answered = nc.request("svc.q", enc.encode("ping"), {
    timeout: 5000,
  });
  const [req] = await v5.next(1);
  const responseTopic = String(req.properties?.responseTopic);
  assert.match(responseTopic, /^_INBOX\/[^/]+/);
  assert.equal(req.text, "ping");
  // mosquitto_pub (3.1.1) publishes the answer on that topic.
  const r = await mosquittoPub(server.port, [
    ...["-t", responseTopic, "-m", "pong"],
  ]);
  assert.equal(r.code, 0, r.out);
  const reply = await answered;
  assert.equal(dec.decode(reply.data), "pong");
  assert.equal(reply.headers?.get("Nmqtt-Pub"), "0");
  const seen = await watcher.next(2);
  assert.deepEqual(seen.map((m) => [m.topic, m.text]), [
    ["svc/q", "ping"],
    [responseTopic, "pong"],
  ]);
  assert.equal(seen[0].properties, undefined, "3.1.1 has no properties");
});

test("main.ts --nats: retained messages of one jetmq process are visible to another (set, replace, clear)", async () => {
  await using nats = await startNatsServer();
  await using a = await startJetmq({ args: ["--nats", nats.url] });
  await using b = await startJetmq({ args: ["--nats", nats.url] });
  const pubA = (args: string[]) =>
    mosquittoPub(a.port, args).then((r) => assert.equal(r.code, 0, r.out));
  await pubA(["-t", "ret/1", "-m", "one", "-r", "-q", "1"]);
  await pubA(["-t", "ret/2", "-m", "two", "-r", "-q", "0"]);
  {
    await using onB = await connectJs(b.url, { clientId: "ret-b1" });
    await onB.mqtt.subscribeAsync("ret/#", { qos: 1 });
    const got = await onB.next(2);
    assert.deepEqual(
      got.map((m) => [m.topic, m.text, m.retain]).sort(),
      [["ret/1", "one", true], ["ret/2", "two", true]],
    );
  }
  // Replaced and cleared through A (empty retained payload [MQTT-3.3.1-10]).
  await pubA(["-t", "ret/1", "-m", "uno", "-r", "-q", "1"]);
  await pubA(["-t", "ret/2", "-r", "-n"]);
  await using sub = startMosquittoSub(b.port, [
    ...["-t", "ret/#", "-q", "1", "-C", "2", "-W", "8", "-v"],
  ]);
  await sub.subscribed;
  // Not retained: proves nothing else was queued before it.
  await pubA(["-t", "ret/marker", "-m", "end", "-q", "1"]);
  const done = await sub.done;
  assert.equal(done.code, 0, done.out);
  const lines = done.out.split("\n").filter((l) => l.startsWith("ret/"));
  assert.deepEqual(lines, ["ret/1 uno", "ret/marker end"]);
});

test("main.ts --nats: a NATS application stores QoS 1 for MQTT in $MQTT.msgs with Nmqtt-Pub: 1 (reference §6); an offline session gets it, a header-less one is skipped", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  {
    await using sub = await connectJs(server.url, {
      clientId: "js-app-sub",
      clean: false,
    });
    await sub.mqtt.subscribeAsync("app/#", { qos: 1 });
  }
  const js = jetstream(nc);
  const h = headers();
  h.set("Nmqtt-Pub", "1");
  // Stored without the header: not for MQTT (nats-server would redeliver
  // it forever; jetmq acknowledges and skips it).
  await js.publish("$MQTT.msgs.app.raw", enc.encode("no header"));
  await js.publish("$MQTT.msgs.app.q", enc.encode("stored"), { headers: h });
  await using sub = await connectJs(server.url, {
    clientId: "js-app-sub",
    clean: false,
  });
  assert.equal(sub.sessionPresent, true);
  const [m] = await sub.next(1);
  assert.deepEqual([m.topic, m.text, m.qos], ["app/q", "stored", 1]);
  // Nothing else was queued: the next message is a fresh one.
  await sub.mqtt.publishAsync("app/live", "live", { qos: 1 });
  const [live] = await sub.next(1);
  assert.equal(live.text, "live");
  // All acknowledged, the skipped one too: nothing comes back forever.
  const jsm = await jetstreamManager(nc);
  await pollUntil(async () => {
    const consumers = await jsm.consumers.list("$MQTT_msgs").next();
    return consumers.length > 0 &&
      consumers.every((c) => c.num_ack_pending === 0 && c.num_pending === 0);
  }, "every $MQTT_msgs delivery acknowledged");
});
