import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, ReasonCode } from "../codec/mod.ts";
import { type Broker, startBroker } from "../../tests/helpers/mqtt_harness.ts";
import { publish } from "../../tests/helpers/mqtt_packets.ts";

test("serveConnection() closes a connection that sends no CONNECT in time", async () => {
  await using broker = await startBroker({ limits: { connectTimeout: 5 } });
  const client = broker.open(4);
  broker.clock.advance(4_999);
  broker.clock.advance(1);
  await client.closed();
  assert.equal(broker.metrics.counts.get("jetmq_connect_timeouts_total"), 1);
});

test("serveConnection() closes after 1.5 × keep-alive of silence [MQTT-3.1.2-24]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({ clientId: "k", keepAlive: 10 });
  broker.clock.advance(14_000);
  await client.send({ type: PacketType.PINGREQ });
  await client.next();
  // 14 s after the ping is still within 15 s.
  broker.clock.advance(14_000);
  await client.send({ type: PacketType.PINGREQ });
  await client.next();
  broker.clock.advance(15_000);
  await client.closed();
  assert.equal(broker.metrics.counts.get("jetmq_keepalive_timeouts_total"), 1);
});

test("serveConnection() sends v5 DISCONNECT 0x8D on keep-alive timeout", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "k5",
    keepAlive: 2,
    protocolVersion: 5,
  });
  broker.clock.advance(3_000);
  const d = await client.next();
  assert.equal(d.type, PacketType.DISCONNECT);
  if (d.type === PacketType.DISCONNECT) {
    assert.equal(d.reasonCode, ReasonCode.KeepAliveTimeout);
  }
  await client.closed();
});

test("serveConnection() announces and applies v5 Server Keep Alive", async () => {
  await using broker = await startBroker({ limits: { maxKeepAlive: 30 } });
  const { connack } = await broker.connect({
    clientId: "ska",
    keepAlive: 0,
    protocolVersion: 5,
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.properties?.serverKeepAlive, 30);
  }
});

test("serveConnection() closes a peer that stopped reading within a bounded time", async () => {
  await using broker = await startBroker({
    limits: { maxWriteBuffer: 64 },
    pairHighWaterMark: 1,
  });
  const { client } = await broker.connect({
    clientId: "stuck",
    keepAlive: 2,
    protocolVersion: 5,
  });
  client.pause();
  // Fill the pipe and the writer with PINGRESPs nobody reads. The writes
  // stall once the server stops reading, and fail when it closes.
  for (let i = 0; i < 200; i++) {
    client.send({ type: PacketType.PINGREQ }).catch(() => {/* closed */});
  }
  await expectNothingOn(broker);
  broker.clock.advance(3_000); // keep-alive expires, DISCONNECT cannot leave
  broker.clock.advance(2_000); // the close gives up waiting for the flush
  await client.served;
});

/** One round trip on another connection: lets pending I/O settle. */
async function expectNothingOn(broker: Broker): Promise<void> {
  const { client } = await broker.connect({ clientId: "bystander" });
  await client.send({ type: PacketType.PINGREQ });
  assert.deepEqual(await client.next(), { type: PacketType.PINGRESP });
}

test("serveConnection() keep-alive holds off while reading waits on the backend", async () => {
  await using broker = await startBroker({ limits: { receiveMaximum: 1 } });
  const slowPublish = broker.backend.publish.bind(broker.backend);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  broker.backend.publish = async (m) => {
    if (m.topic === "slow") await gate;
    return slowPublish(m);
  };
  const { client } = await broker.connect({ clientId: "busy", keepAlive: 2 });
  await client.send(publish("slow", "", 1, 1));
  await client.send(publish("slow", "", 1, 2)); // not read: our one slot is busy
  await expectNothingOn(broker);
  broker.clock.advance(10_000); // far past 1.5 × keep-alive
  release();
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBACK,
    packetId: 1,
  });
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBACK,
    packetId: 2,
  });
});
