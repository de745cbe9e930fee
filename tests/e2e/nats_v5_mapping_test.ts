/**
 * End to end (issue #5 item 12): MQTT 5 on main.ts `--nats` seen from
 * nats.js. Properties ↔ NATS headers (reference §11.4: our own `Jetmq-`
 * prefix, user properties as plain headers, never `Nats-`/`Nmqtt-`), the
 * Response Topic ↔ NATS reply subject in both directions with correlation
 * data, and message expiry of messages stored in JetStream across a kill -9.
 * Header names: docs/adr/0007-jetstream-mapping.md.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { headers } from "@nats-io/transport-node";
import { PacketType, type PublishPacket } from "../../src/codec/mod.ts";
import { startJetmq } from "../helpers/server.ts";
import {
  connectNats,
  natsNext,
  startNatsServer,
} from "../helpers/nats_server.ts";
import {
  expectNothingMore,
  nextPublish,
  payloadText,
  rawPublish,
  subscribeRaw,
} from "../helpers/raw_client.ts";
import { connectJs, run } from "../helpers/mqttjs_client.ts";
import { connectV5, wallClockPassed } from "../helpers/v5.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A plain Uint8Array copy (decoders hand out Buffers). */
function bytes(b: Uint8Array | undefined): Uint8Array | undefined {
  return b === undefined ? undefined : new Uint8Array(b);
}

const CORRELATION = new Uint8Array([0, 1, 0xfe, 0xff, 0x0a]);
const CORRELATION_B64 = "AAH+/wo=";

test("main.ts --nats: v5 properties become NATS headers: Jetmq-Content-Type, -Payload-Format, -Correlation-Data, -Expires, user properties in order with repeated keys", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  // A v5 subscriber through JetStream gets everything back exactly.
  const { client: sub } = await connectV5(server.port, { clientId: "h-sub" });
  await using _s = sub;
  await subscribeRaw(sub, [{ filter: "v5/props", qos: 1 }]);
  const { client: pub } = await connectV5(server.port, { clientId: "h-pub" });
  await using _p = pub;
  const userProperties: [string, string][] = [
    ["k", "1"],
    ["Trace-Id", "abc"],
    ["k", "2"],
    ["emoji", "ü ✓"],
    ["not a token", "kept in MQTT"], // no valid header name
    ["Nats-Msg-Id", "same"], // must not reach JetStream as a header
  ];
  const properties = {
    payloadFormatIndicator: 1 as const,
    contentType: "application/json",
    correlationData: CORRELATION,
    messageExpiryInterval: 60,
    userProperties,
  };
  const next = await natsNext(nc, "v5.props");
  const before = Date.now();
  pub.send(rawPublish("v5/props", "{}", 1, 1, { properties }));
  assert.equal((await pub.next()).type, PacketType.PUBACK);
  const m = await next();
  const h = m.headers!;
  assert.equal(h.get("Nmqtt-Pub"), "1");
  assert.equal(h.get("Jetmq-Content-Type"), "application/json");
  assert.equal(h.get("Jetmq-Payload-Format"), "1");
  assert.equal(h.get("Jetmq-Correlation-Data"), CORRELATION_B64);
  const expires = Number(h.get("Jetmq-Expires"));
  assert.ok(expires >= before + 59_000 && expires <= Date.now() + 60_000);
  assert.deepEqual(h.values("k"), ["1", "2"], "repeated keys in order");
  assert.equal(h.get("Trace-Id"), "abc");
  assert.equal(h.get("emoji"), "ü ✓");
  assert.equal(h.has("Nats-Msg-Id"), false, "no JetStream control header");
  assert.equal(m.reply ?? "", "", "no Response Topic, no reply subject");

  // Same Nats-Msg-Id user property again: not deduplicated by JetStream.
  pub.send(rawPublish("v5/props", "again", 1, 2, { properties }));
  assert.equal((await pub.next()).type, PacketType.PUBACK);
  for (const text of ["{}", "again"]) {
    const p = await nextPublish(sub);
    assert.equal(payloadText(p), text);
    const { messageExpiryInterval, correlationData, ...rest } = p.properties ??
      {};
    assert.ok(messageExpiryInterval! > 0 && messageExpiryInterval! <= 60);
    assert.deepEqual({ ...rest, correlationData: bytes(correlationData) }, {
      payloadFormatIndicator: 1,
      contentType: "application/json",
      correlationData: CORRELATION,
      userProperties,
    });
    sub.send({ type: PacketType.PUBACK, packetId: p.packetId! });
  }
});

test("main.ts --nats: NATS headers become v5 properties: Jetmq-* headers, other headers as user properties, reply subject as Response Topic", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  const { client: v5 } = await connectV5(server.port, { clientId: "n-v5" });
  await using _5 = v5;
  await subscribeRaw(v5, [{ filter: "from/nats", qos: 1 }]);
  await using v3 = await connectJs(server.url, { clientId: "n-v3" });
  await v3.mqtt.subscribeAsync("from/nats", { qos: 0 });
  const h = headers();
  h.append("k", "1");
  h.append("Trace-Id", "abc");
  h.append("k", "2");
  h.append("Jetmq-Content-Type", "text/plain; charset=utf-8");
  h.append("Jetmq-Payload-Format", "1");
  h.append("Jetmq-Correlation-Data", CORRELATION_B64);
  h.append("Nats-Msg-Id", "x"); // NATS control headers are not properties
  nc.publish("from.nats", enc.encode("héllo"), {
    headers: h,
    reply: "replies.here",
  });
  const p = await nextPublish(v5);
  assert.deepEqual([p.topic, payloadText(p), p.qos], [
    "from/nats",
    "héllo",
    0,
  ]);
  const { correlationData, ...rest } = p.properties ?? {};
  assert.deepEqual({ ...rest, correlationData: bytes(correlationData) }, {
    payloadFormatIndicator: 1,
    contentType: "text/plain; charset=utf-8",
    responseTopic: "replies/here",
    correlationData: CORRELATION,
    userProperties: [["k", "1"], ["k", "2"], ["Trace-Id", "abc"]],
  });
  // 3.1.1 gets the payload alone.
  const [plain] = await v3.next(1);
  assert.deepEqual([plain.text, plain.properties], ["héllo", undefined]);
  // A plain publish carries no properties at all.
  nc.publish("from.nats", enc.encode("bare"));
  const bare = await nextPublish(v5);
  assert.deepEqual([payloadText(bare), bare.properties ?? {}], ["bare", {}]);
});

test("main.ts --nats: a NATS service answers an MQTT v5 requester with msg.respond(); correlation data comes back", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  const seen: { reply?: string; correlation?: string }[] = [];
  nc.subscribe("svc.sum", {
    callback: (_e, m) => {
      const correlation = m.headers?.get("Jetmq-Correlation-Data");
      seen.push({ reply: m.reply, correlation });
      const [a, b] = dec.decode(m.data).split("+").map(Number);
      const h = headers();
      // A service that echoes the correlation header answers in kind.
      if (correlation) h.set("Jetmq-Correlation-Data", correlation);
      m.respond(enc.encode(String(a + b)), { headers: h });
    },
  });
  await nc.flush();
  await using requester = await connectJs(server.url, {
    clientId: "svc-requester",
    protocolVersion: 5,
  });
  await requester.mqtt.subscribeAsync("resp/requester", { qos: 1 });
  await requester.mqtt.publishAsync("svc/sum", "2+3", {
    qos: 1,
    properties: {
      responseTopic: "resp/requester",
      correlationData: Buffer.from(CORRELATION),
    },
  });
  const [answer] = await requester.next(1);
  assert.deepEqual([answer.topic, answer.text], ["resp/requester", "5"]);
  assert.deepEqual(
    bytes(answer.properties?.correlationData as Uint8Array),
    CORRELATION,
  );
  assert.deepEqual(seen, [{
    reply: "resp.requester",
    correlation: CORRELATION_B64,
  }]);
});

test("main.ts --nats: mosquitto_rr (v5) gets the msg.respond() answer of a NATS service; its user property is a header there", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  const seen: { reply?: string; from?: string }[] = [];
  nc.subscribe("svc.upper", {
    callback: (_e, m) => {
      seen.push({ reply: m.reply, from: m.headers?.get("from") });
      m.respond(enc.encode(dec.decode(m.data).toUpperCase()));
    },
  });
  await nc.flush();
  const r = await run("mosquitto_rr", [
    ...["-h", "127.0.0.1", "-p", String(server.port), "-V", "5"],
    ...["-t", "svc/upper", "-e", "resp/rr", "-m", "hello", "-W", "5"],
    ...["-D", "publish", "user-property", "from", "rr"],
  ]);
  assert.equal(r.code, 0, r.out);
  assert.equal(r.out.trim(), "HELLO");
  assert.deepEqual(seen, [{ reply: "resp.rr", from: "rr" }]);
});

test("main.ts --nats: an MQTT v5 responder answers a NATS request(); its user properties reach the requester as headers", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  await using responder = await connectJs(server.url, {
    clientId: "svc-responder",
    protocolVersion: 5,
  });
  responder.mqtt.on("message", (_topic, payload, packet) => {
    const props = packet.properties;
    if (!props?.responseTopic) return;
    responder.mqtt.publish(props.responseTopic, `echo:${payload}`, {
      qos: 1,
      properties: {
        correlationData: props.correlationData,
        userProperties: { served: "mqtt" },
      },
    });
  });
  await responder.mqtt.subscribeAsync("svc/echo", { qos: 1 });
  const h = headers();
  h.set("Jetmq-Correlation-Data", CORRELATION_B64);
  const reply = await nc.request("svc.echo", enc.encode("hi"), {
    timeout: 5000,
    headers: h,
  });
  assert.equal(dec.decode(reply.data), "echo:hi");
  assert.equal(reply.headers?.get("Nmqtt-Pub"), "1");
  assert.equal(reply.headers?.get("served"), "mqtt");
  assert.equal(
    reply.headers?.get("Jetmq-Correlation-Data"),
    CORRELATION_B64,
  );
});

test("main.ts --nats: expired queued messages stored in JetStream are not delivered after a kill -9; the rest carry the remaining interval [MQTT-3.3.2-5]", async () => {
  await using nats = await startNatsServer();
  const session = {
    clientId: "exp-sub",
    clean: false,
    properties: { sessionExpiryInterval: 300 },
  };
  let server = await startJetmq({ args: ["--nats", nats.url] });
  try {
    {
      const { client } = await connectV5(server.port, session);
      await using _ = client;
      await subscribeRaw(client, [{ filter: "exp/t", qos: 1 }]);
      await client.disconnect();
    }
    const { client: pub } = await connectV5(server.port, {
      clientId: "exp-pub",
    });
    await using _p = pub;
    const send = (text: string, packetId: number, expiry?: number) => {
      const properties = expiry === undefined
        ? undefined
        : { messageExpiryInterval: expiry };
      pub.send(rawPublish("exp/t", text, 1, packetId, { properties }));
    };
    send("short", 1, 1);
    send("long", 2, 120);
    send("forever", 3);
    for (let i = 0; i < 3; i++) {
      assert.equal((await pub.next()).type, PacketType.PUBACK);
    }
    const stored = Date.now();
    await server.kill9();
    // The passing of time is what is tested (no clock in a subprocess).
    await wallClockPassed(stored, 1100);
    server = await startJetmq({ args: ["--nats", nats.url] });
    const { client, connack } = await connectV5(server.port, session);
    await using _ = client;
    assert.equal(connack.sessionPresent, true);
    const got: PublishPacket[] = [await nextPublish(client)];
    got.push(await nextPublish(client));
    assert.deepEqual(got.map(payloadText), ["long", "forever"]);
    const left = got[0].properties?.messageExpiryInterval ?? 0;
    assert.ok(left > 100 && left < 120, `remaining ${left} s [MQTT-3.3.2-6]`);
    assert.equal(got[1].properties?.messageExpiryInterval, undefined);
    for (const p of got) {
      client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
    }
    await expectNothingMore(client);
  } finally {
    await server.stop();
  }
});
