import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, ReasonCode } from "../codec/mod.ts";
import type { ConnectPacket, Will } from "../codec/types.ts";
import { type Broker, startBroker } from "../../tests/helpers/mqtt_harness.ts";
import {
  expectNothing,
  expectPublish,
  subscriber,
  text,
} from "../../tests/helpers/mqtt_packets.ts";

function will(extra: Partial<Will> = {}): Will {
  return {
    topic: "will/t",
    payload: new TextEncoder().encode("gone"),
    qos: 1,
    retain: false,
    ...extra,
  };
}

function withWill(
  broker: Broker,
  clientId: string,
  extra: Partial<ConnectPacket> = {},
) {
  return broker.connect({ clientId, will: will(), ...extra });
}

test("createRouter() publishes the will on abnormal disconnect with its QoS [MQTT-3.1.2-8]", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 2);
  const { client } = await withWill(broker, "w");
  client.drop();
  await client.served;
  const got = expectPublish(await sub.next());
  assert.equal(got.topic, "will/t");
  assert.equal(text(got), "gone");
  assert.equal(got.qos, 1);
});

test("createRouter() publishes the will with its retain flag [MQTT-3.1.2-17]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "wr",
    will: will({ retain: true }),
  });
  client.drop();
  await client.served;
  const sub = await subscriber(broker, "late", "will/#", 1);
  const got = expectPublish(await sub.next());
  assert.equal(got.retain, true);
  assert.equal(text(got), "gone");
});

test("createRouter() publishes the will on keep-alive expiry [MQTT-3.1.2-24]", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const { client } = await withWill(broker, "k", { keepAlive: 4 });
  broker.clock.advance(6_000);
  await client.served;
  assert.equal(text(expectPublish(await sub.next())), "gone");
});

test("createRouter() does not publish the will after DISCONNECT [MQTT-3.1.2-10]", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const { client } = await withWill(broker, "d");
  await client.send({ type: PacketType.DISCONNECT });
  await client.served;
  await expectNothing(sub);
});

test("createRouter() publishes the will after v5 DISCONNECT 0x04", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const { client } = await withWill(broker, "d4", { protocolVersion: 5 });
  await client.send({
    type: PacketType.DISCONNECT,
    reasonCode: ReasonCode.DisconnectWithWillMessage,
  });
  await client.served;
  assert.equal(text(expectPublish(await sub.next())), "gone");
});

test("createRouter() publishes the will of a connection taken over", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const first = await withWill(broker, "tw");
  await broker.connect({ clientId: "tw" });
  await first.client.served;
  assert.equal(text(expectPublish(await sub.next())), "gone");
});

test("createRouter() delays the will by Will Delay Interval [MQTT-3.1.3-9]", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const { client } = await broker.connect({
    clientId: "wd",
    protocolVersion: 5,
    will: will({ properties: { willDelayInterval: 10 } }),
    properties: { sessionExpiryInterval: 100 },
  });
  client.drop();
  await client.served;
  await expectNothing(sub);
  broker.clock.advance(10_000);
  assert.equal(text(expectPublish(await sub.next())), "gone");
});

test("createRouter() drops a delayed will when the session resumes in time [MQTT-3.1.3-9]", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const connect = {
    clientId: "wr5",
    protocolVersion: 5 as const,
    clean: false,
    will: will({ properties: { willDelayInterval: 10 } }),
    properties: { sessionExpiryInterval: 100 },
  };
  const first = await broker.connect(connect);
  first.client.drop();
  await first.client.served;
  broker.clock.advance(5_000);
  await broker.connect({ ...connect, will: undefined });
  broker.clock.advance(10_000);
  await expectNothing(sub);
});

test("createRouter() publishes a delayed will when the session expires first", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const { client } = await broker.connect({
    clientId: "we",
    protocolVersion: 5,
    will: will({ properties: { willDelayInterval: 60 } }),
    properties: { sessionExpiryInterval: 0 },
  });
  client.drop();
  await client.served;
  assert.equal(text(expectPublish(await sub.next())), "gone");
});

test("createRouter() publishes a delayed will when a clean start ends the session", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const { client } = await broker.connect({
    clientId: "wc",
    protocolVersion: 5,
    will: will({ properties: { willDelayInterval: 60 } }),
    properties: { sessionExpiryInterval: 300 },
  });
  client.drop();
  await client.served;
  await expectNothing(sub);
  await broker.connect({ clientId: "wc", protocolVersion: 5, clean: true });
  assert.equal(text(expectPublish(await sub.next())), "gone");
});

test("createRouter() a v5 will keeps its message properties", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1, 5);
  const properties = {
    contentType: "text/plain",
    responseTopic: "back",
    correlationData: new Uint8Array([9]),
    userProperties: [["why", "lost"]] as [string, string][],
    messageExpiryInterval: 30,
  };
  const { client } = await broker.connect({
    clientId: "wp",
    protocolVersion: 5,
    will: will({ properties }),
  });
  client.drop();
  await client.served;
  const got = expectPublish(await sub.next());
  assert.deepEqual(got.properties, properties);
});

test("createRouter() publishes the will after a v5 DISCONNECT with an error code", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const { client } = await withWill(broker, "de", { protocolVersion: 5 });
  await client.send({
    type: PacketType.DISCONNECT,
    reasonCode: ReasonCode.ImplementationSpecificError,
  });
  await client.served;
  assert.equal(text(expectPublish(await sub.next())), "gone");
});

test("createRouter() close() publishes a pending delayed will instead of dropping it [MQTT-3.1.3-9]", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "will/#", 1);
  const { client } = await broker.connect({
    clientId: "wsd",
    protocolVersion: 5,
    will: will({ properties: { willDelayInterval: 600 } }),
    properties: { sessionExpiryInterval: 3600 },
  });
  client.drop();
  await client.served;
  await expectNothing(sub);
  await broker.router.close();
  assert.equal(text(expectPublish(await sub.next())), "gone");
});
