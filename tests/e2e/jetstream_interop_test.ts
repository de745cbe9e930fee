/**
 * End to end (issue #4): main.ts with `--nats` beside nats.js applications
 * on the same nats-server: NATS → MQTT (MQTT.js and mosquitto_sub), MQTT →
 * NATS with nats-server's headers, a NATS request answered by an MQTT
 * client's reply topic, and takeover across two jetmq processes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startJetmq } from "../helpers/server.ts";
import { connectNats, startNatsServer } from "../helpers/nats_server.ts";
import { connectJs, startMosquittoSub } from "../helpers/mqttjs_client.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

test("main.ts --nats: NATS and MQTT clients exchange messages both ways", async () => {
  await using nats = await startNatsServer();
  await using server = await startJetmq({ args: ["--nats", nats.url] });
  await using nc = await connectNats(nats.url);
  await using js = await connectJs(server.url, { clientId: "interop-js" });
  await js.mqtt.subscribeAsync(["a/b", "a/+"], { qos: 1 });
  await using mosq = startMosquittoSub(server.port, [
    ...["-t", "#", "-C", "1", "-W", "5", "-v"],
  ]);
  await mosq.subscribed;
  nc.publish("a.b", encoder.encode("from nats"));
  const got = await js.next(1);
  assert.deepEqual([got[0].topic, got[0].text, got[0].qos], [
    "a/b",
    "from nats",
    0,
  ]);
  assert.match((await mosq.done).out, /a\/b from nats/);

  const seen = new Promise<{ data: string; pub?: string }>((resolve) => {
    nc.subscribe("x.y", {
      max: 1,
      callback: (_e, m) =>
        resolve({
          data: decoder.decode(m.data),
          pub: m.headers?.get("Nmqtt-Pub"),
        }),
    });
  });
  await nc.flush();
  await js.mqtt.publishAsync("x/y", "from mqtt", { qos: 1 });
  assert.deepEqual(await seen, { data: "from mqtt", pub: "1" });

  // An MQTT v5 responder answers a NATS request(): the reply subject is
  // the Response Topic, and back.
  await using responder = await connectJs(server.url, {
    clientId: "interop-responder",
    protocolVersion: 5,
  });
  responder.mqtt.on("message", (_topic, payload, packet) => {
    const to = packet.properties?.responseTopic;
    if (to) responder.mqtt.publish(to, `re:${payload}`);
  });
  await responder.mqtt.subscribeAsync("svc/echo", { qos: 0 });
  const r = await nc.request("svc.echo", encoder.encode("q"), {
    timeout: 3000,
  });
  assert.equal(decoder.decode(r.data), "re:q");

  // A NATS service answers an MQTT v5 requester through msg.respond().
  nc.subscribe("svc.time", {
    callback: (_e, m) => {
      m.respond(encoder.encode(`now:${decoder.decode(m.data)}`));
    },
  });
  await nc.flush();
  await using requester = await connectJs(server.url, {
    clientId: "interop-requester",
    protocolVersion: 5,
  });
  await requester.mqtt.subscribeAsync("replies/me", { qos: 0 });
  await requester.mqtt.publishAsync("svc/time", "t", {
    qos: 0,
    properties: { responseTopic: "replies/me" },
  });
  const [answer] = await requester.next(1);
  assert.deepEqual([answer.topic, answer.text], ["replies/me", "now:t"]);
});

test("main.ts --nats: a client id connecting to a second jetmq takes the session over", async () => {
  await using nats = await startNatsServer();
  await using one = await startJetmq({ args: ["--nats", nats.url] });
  await using two = await startJetmq({ args: ["--nats", nats.url] });
  await using first = await connectJs(one.url, {
    clientId: "roaming",
    clean: false,
  });
  await first.mqtt.subscribeAsync("roam/#", { qos: 1 });
  const closed = new Promise<void>((resolve) =>
    first.mqtt.once("close", resolve)
  );
  await using second = await connectJs(two.url, {
    clientId: "roaming",
    clean: false,
  });
  assert.equal(second.sessionPresent, true);
  await closed;
  await using pub = await connectJs(one.url, { clientId: "roam-pub" });
  await pub.mqtt.publishAsync("roam/1", "to the new home", { qos: 1 });
  const [m] = await second.next(1);
  assert.deepEqual([m.topic, m.text, m.qos], ["roam/1", "to the new home", 1]);
});
