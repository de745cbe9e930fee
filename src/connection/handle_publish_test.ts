import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, ReasonCode } from "../codec/mod.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";
import {
  expectNothing,
  expectPublish,
  publish,
  subscriber,
} from "../../tests/helpers/mqtt_packets.ts";

test("handlePublish() routes QoS 0 to a subscriber", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "sub", "a/+", 0);
  const { client: pub } = await broker.connect({ clientId: "pub" });
  await pub.send(publish("a/b", "hello"));
  const got = expectPublish(await sub.next());
  assert.equal(got.topic, "a/b");
  assert.equal(new TextDecoder().decode(got.payload), "hello");
  assert.equal(got.qos, 0);
  assert.equal(got.retain, false);
});

test("handlePublish() sends PUBACK for QoS 1 once routed [MQTT-4.3.2-2]", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "sub1", "q/1", 1);
  const { client: pub } = await broker.connect({ clientId: "pub1" });
  await pub.send(publish("q/1", "x", 1, 7));
  assert.deepEqual(await pub.next(), { type: PacketType.PUBACK, packetId: 7 });
  const got = expectPublish(await sub.next());
  assert.equal(got.qos, 1);
  assert.ok(got.packetId! > 0);
  await sub.send({ type: PacketType.PUBACK, packetId: got.packetId! });
});

test("handlePublish() pipelines QoS 1 and acks in order", async () => {
  await using broker = await startBroker();
  const { client: pub } = await broker.connect({ clientId: "pipe" });
  for (let i = 1; i <= 40; i++) await pub.send(publish("p", `${i}`, 1, i));
  for (let i = 1; i <= 40; i++) {
    assert.deepEqual(await pub.next(), {
      type: PacketType.PUBACK,
      packetId: i,
    });
  }
});

test("handlePublish() QoS 2 exactly once: PUBREC, PUBREL, PUBCOMP [MQTT-4.3.3-2]", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "sub2", "q/2", 2);
  const { client: pub } = await broker.connect({ clientId: "pub2" });
  await pub.send(publish("q/2", "once", 2, 9));
  assert.deepEqual(await pub.next(), { type: PacketType.PUBREC, packetId: 9 });
  // A duplicate before PUBREL is not routed again.
  await pub.send(publish("q/2", "once", 2, 9, { dup: true }));
  assert.deepEqual(await pub.next(), { type: PacketType.PUBREC, packetId: 9 });
  await pub.send({ type: PacketType.PUBREL, packetId: 9 });
  assert.deepEqual(await pub.next(), { type: PacketType.PUBCOMP, packetId: 9 });
  const got = expectPublish(await sub.next());
  assert.equal(got.qos, 2);
  const id = got.packetId!;
  await sub.send({ type: PacketType.PUBREC, packetId: id });
  assert.deepEqual(await sub.next(), { type: PacketType.PUBREL, packetId: id });
  await sub.send({ type: PacketType.PUBCOMP, packetId: id });
  // Only one copy arrived: the next packet is the ping answer.
  await expectNothing(sub);
});

test("handlePublish() closes on a wildcard topic name [MQTT-3.3.2-2]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({ clientId: "w" });
  await client.send(publish("a/+", "x"));
  await client.closed();
});

test("handlePublish() sends v5 DISCONNECT 0x90 for a wildcard topic name", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "w5",
    protocolVersion: 5,
  });
  await client.send(publish("a/#", "x"));
  const d = await client.next();
  assert.equal(d.type, PacketType.DISCONNECT);
  if (d.type === PacketType.DISCONNECT) {
    assert.equal(d.reasonCode, ReasonCode.TopicNameInvalid);
  }
});

test("handlePublish() delivers retained messages after SUBACK with RETAIN=1 [MQTT-3.3.1-6]", async () => {
  await using broker = await startBroker();
  const { client: pub } = await broker.connect({ clientId: "rp" });
  await pub.send(publish("r/t", "kept", 1, 1, { retain: true }));
  await pub.next();
  const { client: sub } = await broker.connect({ clientId: "rs" });
  await sub.send({
    type: PacketType.SUBSCRIBE,
    packetId: 3,
    subscriptions: [{ filter: "r/#", qos: 0 }],
  });
  assert.deepEqual(await sub.next(), {
    type: PacketType.SUBACK,
    packetId: 3,
    reasonCodes: [0],
  });
  const got = expectPublish(await sub.next());
  assert.equal(got.retain, true);
  assert.equal(got.qos, 0); // min(1, granted 0)
  assert.equal(new TextDecoder().decode(got.payload), "kept");
});
