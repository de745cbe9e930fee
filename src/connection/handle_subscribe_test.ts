import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, ReasonCode } from "../codec/mod.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";
import {
  expectDisconnect,
  expectNothing,
  expectPublish,
  publish,
  subscribe,
  text,
} from "../../tests/helpers/mqtt_packets.ts";

test("handleSubscribe() grants the requested QoS per filter [MQTT-3.8.4-1]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({ clientId: "s" });
  const codes = await subscribe(client, [
    { filter: "a", qos: 0 },
    { filter: "b/+", qos: 1 },
    { filter: "c/#", qos: 2 },
  ]);
  assert.deepEqual(codes, [0, 1, 2]);
});

test("handleSubscribe() answers 0x80 for an invalid filter in 3.1.1 (§3.9.3)", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({ clientId: "s" });
  const codes = await subscribe(client, [
    { filter: "a/#/b", qos: 1 },
    { filter: "ok", qos: 1 },
  ]);
  assert.deepEqual(codes, [0x80, 1]);
});

test("handleSubscribe() answers 0x8F for an invalid filter in v5", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  const codes = await subscribe(client, [{ filter: "a+", qos: 0 }]);
  assert.deepEqual(codes, [ReasonCode.TopicFilterInvalid]);
});

test("handleSubscribe() leading wildcards do not match $ topics [MQTT-4.7.2-1]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({ clientId: "s" });
  await subscribe(sub, [{ filter: "#", qos: 0 }]);
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("$SYS/x", "no"));
  await pub.send(publish("plain", "yes"));
  assert.equal(text(expectPublish(await sub.next())), "yes");
});

test("handleSubscribe() overlapping filters deliver one copy at the highest QoS", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({ clientId: "s" });
  await subscribe(sub, [{ filter: "a/+", qos: 0 }, { filter: "a/#", qos: 1 }]);
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("a/b", "one", 1, 1));
  await pub.next();
  const got = expectPublish(await sub.next());
  assert.equal(got.qos, 1);
  await sub.send({ type: PacketType.PUBACK, packetId: got.packetId! });
  await expectNothing(sub);
});

test("handleSubscribe() v5 Retain Handling 1 sends retained only for a new subscription [MQTT-3.3.1-10]", async () => {
  await using broker = await startBroker();
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("r", "kept", 0, undefined, { retain: true }));
  await expectNothing(pub);
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  await subscribe(sub, [{ filter: "r", qos: 0, retainHandling: 1 }]);
  assert.equal(expectPublish(await sub.next()).retain, true);
  await subscribe(sub, [{ filter: "r", qos: 0, retainHandling: 1 }], 2);
  await expectNothing(sub);
  await subscribe(sub, [{ filter: "r", qos: 0, retainHandling: 0 }], 3);
  assert.equal(text(expectPublish(await sub.next())), "kept");
});

test("handleSubscribe() v5 Retain Handling 2 sends no retained [MQTT-3.3.1-11]", async () => {
  await using broker = await startBroker();
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("r", "kept", 0, undefined, { retain: true }));
  await expectNothing(pub);
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  await subscribe(sub, [{ filter: "r", qos: 0, retainHandling: 2 }]);
  await expectNothing(sub);
});

test("handleSubscribe() sends no retained messages to a shared subscription", async () => {
  await using broker = await startBroker();
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("job", "kept", 0, undefined, { retain: true }));
  await expectNothing(pub);
  const { client: a } = await broker.connect({ clientId: "a" });
  const { client: b } = await broker.connect({ clientId: "b" });
  await subscribe(a, [{ filter: "$share/g/job", qos: 0 }]);
  await subscribe(b, [{ filter: "$share/g/job", qos: 0 }]);
  await expectNothing(a);
  await expectNothing(b);
  await pub.send(publish("job", "work"));
  await expectNothing(pub);
  // Exactly one member got it.
  await a.send({ type: PacketType.PINGREQ });
  await b.send({ type: PacketType.PINGREQ });
  const first = [await a.next(), await b.next()];
  const publishes = first.filter((p) => p.type === PacketType.PUBLISH);
  assert.equal(publishes.length, 1);
});

test("handleSubscribe() v5 No Local on a shared subscription is a protocol error [MQTT-3.8.3-4]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  await client.send({
    type: PacketType.SUBSCRIBE,
    packetId: 1,
    subscriptions: [{ filter: "$share/g/t", qos: 0, noLocal: true }],
  });
  expectDisconnect(await client.next(), ReasonCode.ProtocolError);
});

test("handleSubscribe() v5 No Local: own messages are not delivered [MQTT-3.8.3-3]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "nl",
    protocolVersion: 5,
  });
  await subscribe(client, [{ filter: "t", qos: 0, noLocal: true }]);
  await client.send(publish("t", "mine"));
  await expectNothing(client);
});

test("handleSubscribe() v5 Subscription Identifier travels with deliveries [MQTT-3.3.4-3]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  await subscribe(sub, [{ filter: "i/#", qos: 0 }], 1, {
    subscriptionIdentifiers: [42],
  });
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("i/x", "id"));
  const got = expectPublish(await sub.next());
  assert.deepEqual(got.properties?.subscriptionIdentifiers, [42]);
});

test("handleSubscribe() v5 Retain As Published keeps the RETAIN flag [MQTT-3.3.1-13]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  await subscribe(sub, [
    { filter: "rap", qos: 0, retainAsPublished: true },
  ]);
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("rap", "r", 0, undefined, { retain: true }));
  assert.equal(expectPublish(await sub.next()).retain, true);
});

test("handleUnsubscribe() stops deliveries; 3.1.1 UNSUBACK [MQTT-3.10.4-4]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({ clientId: "s" });
  await subscribe(sub, [{ filter: "u", qos: 0 }]);
  await sub.send({ type: PacketType.UNSUBSCRIBE, packetId: 5, filters: ["u"] });
  assert.deepEqual(await sub.next(), {
    type: PacketType.UNSUBACK,
    packetId: 5,
  });
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("u", "late"));
  await expectNothing(sub);
});

test("handleUnsubscribe() v5 reason codes: 0x00 and 0x11 No subscription existed", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  await subscribe(client, [{ filter: "u", qos: 0 }]);
  await client.send({
    type: PacketType.UNSUBSCRIBE,
    packetId: 6,
    filters: ["u", "never"],
  });
  const unsuback = await client.next();
  assert.equal(unsuback.type, PacketType.UNSUBACK);
  if (unsuback.type === PacketType.UNSUBACK) {
    assert.deepEqual(unsuback.reasonCodes, [
      0,
      ReasonCode.NoSubscriptionExisted,
    ]);
  }
});

test("handleSubscribe() delivers every retained match to a paused reader, none dropped", async () => {
  await using broker = await startBroker({
    limits: { maxWriteBuffer: 2048 },
    pairHighWaterMark: 256,
  });
  const { client: pub } = await broker.connect({ clientId: "p" });
  for (let i = 0; i < 200; i++) {
    await pub.send(publish(`many/${i}`, "v".repeat(50), 0, undefined, {
      retain: true,
    }));
  }
  await expectNothing(pub);
  const { client: sub } = await broker.connect({ clientId: "s" });
  sub.pause();
  await sub.send({
    type: PacketType.SUBSCRIBE,
    packetId: 1,
    subscriptions: [{ filter: "many/#", qos: 0 }],
  });
  // Give the server time to overrun a slow reader if it did not pace.
  for (let i = 0; i < 5; i++) await expectNothing(pub);
  sub.resume();
  assert.equal((await sub.next()).type, PacketType.SUBACK);
  for (let i = 0; i < 200; i++) expectPublish(await sub.next());
  assert.equal(
    broker.metrics.counts.get("jetmq_qos0_dropped_slow_reader_total"),
    undefined,
  );
});
