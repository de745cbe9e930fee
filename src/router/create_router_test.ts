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

test("createRouter() keeps a persistent session: session present 1 [MQTT-3.2.2-2]", async () => {
  await using broker = await startBroker();
  const first = await broker.connect({ clientId: "p", clean: false });
  assert.equal(first.connack.type, PacketType.CONNACK);
  if (first.connack.type === PacketType.CONNACK) {
    assert.equal(first.connack.sessionPresent, false);
  }
  await subscribe(first.client, [{ filter: "t", qos: 1 }]);
  await first.client.send({ type: PacketType.DISCONNECT });
  await first.client.served;
  const second = await broker.connect({ clientId: "p", clean: false });
  assert.equal(second.connack.type, PacketType.CONNACK);
  if (second.connack.type === PacketType.CONNACK) {
    assert.equal(second.connack.sessionPresent, true);
  }
  // The subscription survived.
  const { client: pub } = await broker.connect({ clientId: "pub" });
  await pub.send(publish("t", "again", 1, 1));
  await pub.next();
  assert.equal(text(expectPublish(await second.client.next())), "again");
});

test("createRouter() discards the session on clean session 1 [MQTT-3.2.2-1]", async () => {
  await using broker = await startBroker();
  const first = await broker.connect({ clientId: "c", clean: false });
  await subscribe(first.client, [{ filter: "t", qos: 1 }]);
  await first.client.send({ type: PacketType.DISCONNECT });
  await first.client.served;
  const second = await broker.connect({ clientId: "c", clean: true });
  assert.equal(second.connack.type, PacketType.CONNACK);
  if (second.connack.type === PacketType.CONNACK) {
    assert.equal(second.connack.sessionPresent, false);
  }
  const { client: pub } = await broker.connect({ clientId: "pub" });
  await pub.send(publish("t", "gone", 0));
  await expectNothing(second.client);
});

test("createRouter() queues QoS 1 for an offline persistent session and redelivers", async () => {
  await using broker = await startBroker();
  const first = await broker.connect({ clientId: "q", clean: false });
  await subscribe(first.client, [{ filter: "t", qos: 1 }]);
  await first.client.send({ type: PacketType.DISCONNECT });
  await first.client.served;
  const { client: pub } = await broker.connect({ clientId: "pub" });
  await pub.send(publish("t", "m1", 1, 1));
  await pub.next();
  const second = await broker.connect({ clientId: "q", clean: false });
  const got = expectPublish(await second.client.next());
  assert.equal(text(got), "m1");
  assert.equal(got.qos, 1);
});

test("createRouter() redelivers unacknowledged QoS 1 with DUP on reconnect [MQTT-4.4.0-1]", async () => {
  await using broker = await startBroker();
  const first = await broker.connect({ clientId: "d", clean: false });
  await subscribe(first.client, [{ filter: "t", qos: 1 }]);
  const { client: pub } = await broker.connect({ clientId: "pub" });
  await pub.send(publish("t", "m", 1, 1));
  await pub.next();
  const original = expectPublish(await first.client.next());
  assert.equal(original.dup, false);
  first.client.drop();
  await first.client.served;
  const second = await broker.connect({ clientId: "d", clean: false });
  const again = expectPublish(await second.client.next());
  assert.equal(again.dup, true);
  assert.equal(again.packetId, original.packetId);
});

test("createRouter() takes over a live 3.1.1 session: first closed, session moves [MQTT-3.1.4-3]", async () => {
  await using broker = await startBroker();
  const first = await broker.connect({ clientId: "t", clean: false });
  await subscribe(first.client, [{ filter: "x", qos: 0 }]);
  const second = await broker.connect({ clientId: "t", clean: false });
  await first.client.closed();
  await assert.rejects(first.client.next());
  assert.equal(second.connack.type, PacketType.CONNACK);
  if (second.connack.type === PacketType.CONNACK) {
    assert.equal(second.connack.sessionPresent, true);
  }
  const { client: pub } = await broker.connect({ clientId: "pub" });
  await pub.send(publish("x", "moved"));
  assert.equal(text(expectPublish(await second.client.next())), "moved");
});

test("createRouter() sends v5 DISCONNECT 0x8E to the connection taken over", async () => {
  await using broker = await startBroker();
  const first = await broker.connect({ clientId: "t5", protocolVersion: 5 });
  await broker.connect({ clientId: "t5", protocolVersion: 5 });
  expectDisconnect(await first.client.next(), ReasonCode.SessionTakenOver);
  await first.client.closed();
});

test("createRouter() removes a v5 session at its expiry, keeps it before", async () => {
  await using broker = await startBroker();
  const props = { sessionExpiryInterval: 60 };
  const first = await broker.connect({
    clientId: "e",
    clean: false,
    protocolVersion: 5,
    properties: props,
  });
  await first.client.send({ type: PacketType.DISCONNECT });
  await first.client.served;
  const second = await broker.connect({
    clientId: "e",
    clean: false,
    protocolVersion: 5,
    properties: props,
  });
  assert.equal(second.connack.type, PacketType.CONNACK);
  if (second.connack.type === PacketType.CONNACK) {
    assert.equal(second.connack.sessionPresent, true);
  }
});
