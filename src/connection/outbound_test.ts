import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType } from "../codec/mod.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";
import {
  expectNothing,
  expectPublish,
  publish,
  subscribe,
  text,
} from "../../tests/helpers/mqtt_packets.ts";

test("deliver never exceeds the client's Receive Maximum [MQTT-3.3.4-9]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
    properties: { receiveMaximum: 2 },
  });
  await subscribe(sub, [{ filter: "rm", qos: 1 }]);
  const { client: pub } = await broker.connect({ clientId: "p" });
  for (let i = 1; i <= 4; i++) await pub.send(publish("rm", `${i}`, 1, i));
  for (let i = 1; i <= 4; i++) await pub.next();
  const first = expectPublish(await sub.next());
  const second = expectPublish(await sub.next());
  assert.deepEqual([text(first), text(second)], ["1", "2"]);
  await expectNothing(sub);
  await sub.send({ type: PacketType.PUBACK, packetId: first.packetId! });
  assert.equal(text(expectPublish(await sub.next())), "3");
  await expectNothing(sub);
});

test("deliver keeps per-topic order for QoS 1 [MQTT-4.6.0-5]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({ clientId: "s" });
  await subscribe(sub, [{ filter: "o", qos: 1 }]);
  const { client: pub } = await broker.connect({ clientId: "p" });
  for (let i = 1; i <= 10; i++) await pub.send(publish("o", `${i}`, 1, i));
  for (let i = 1; i <= 10; i++) {
    const got = expectPublish(await sub.next());
    assert.equal(text(got), `${i}`);
    await sub.send({ type: PacketType.PUBACK, packetId: got.packetId! });
  }
});

test("deliver sends QoS 2 to the subscriber and PUBREL after its PUBREC [MQTT-4.3.3-1]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  await subscribe(sub, [{ filter: "q2", qos: 2 }]);
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("q2", "x", 2, 1));
  await pub.next();
  const got = expectPublish(await sub.next());
  assert.equal(got.qos, 2);
  await sub.send({ type: PacketType.PUBREC, packetId: got.packetId! });
  assert.deepEqual(await sub.next(), {
    type: PacketType.PUBREL,
    packetId: got.packetId!,
  });
});

test("deliver resends PUBREL on reconnect for a QoS 2 message already PUBREC'd", async () => {
  await using broker = await startBroker();
  const connect = { clientId: "s", clean: false };
  const first = await broker.connect(connect);
  await subscribe(first.client, [{ filter: "q2", qos: 2 }]);
  const { client: pub } = await broker.connect({ clientId: "p" });
  await pub.send(publish("q2", "x", 2, 1));
  await pub.next();
  const got = expectPublish(await first.client.next());
  await first.client.send({ type: PacketType.PUBREC, packetId: got.packetId! });
  await first.client.next(); // PUBREL
  first.client.drop();
  await first.client.served;
  const second = await broker.connect(connect);
  assert.deepEqual(await second.client.next(), {
    type: PacketType.PUBREL,
    packetId: got.packetId!,
  });
});
