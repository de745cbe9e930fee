import { test } from "node:test";
import assert from "node:assert/strict";
import { MqttError, PacketType, ReasonCode } from "../codec/mod.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";

test("serveConnection() accepts a 3.1.1 CONNECT with CONNACK 0", async () => {
  await using broker = await startBroker();
  const { client, connack } = await broker.connect({ clientId: "a" });
  assert.deepEqual(connack, {
    type: PacketType.CONNACK,
    sessionPresent: false,
    reasonCode: ReasonCode.Success,
  });
  await client.send({ type: PacketType.DISCONNECT });
  await client.closed();
  await client.served;
});

test("serveConnection() accepts MQTT 3.1 (MQIsdp level 3)", async () => {
  await using broker = await startBroker();
  const { connack } = await broker.connect({
    clientId: "old",
    protocolVersion: 3,
  });
  assert.equal(connack.type, PacketType.CONNACK);
  assert.equal((connack as { reasonCode: number }).reasonCode, 0);
});

test("serveConnection() refuses a 3.1 client id over 23 characters", async () => {
  await using broker = await startBroker();
  const { client, connack } = await broker.connect({
    clientId: "x".repeat(24),
    protocolVersion: 3,
  });
  assert.equal(
    (connack as { reasonCode: number }).reasonCode,
    ReasonCode.ClientIdentifierNotValid,
  );
  await client.closed();
});

test("serveConnection() refuses an empty client id with clean session 0 [MQTT-3.1.3-8]", async () => {
  await using broker = await startBroker();
  const { client, connack } = await broker.connect({
    clientId: "",
    clean: false,
  });
  assert.deepEqual(connack, {
    type: PacketType.CONNACK,
    sessionPresent: false,
    reasonCode: ReasonCode.ClientIdentifierNotValid,
  });
  await client.closed();
});

test("serveConnection() accepts an empty client id with clean session 1 [MQTT-3.1.3-6]", async () => {
  await using broker = await startBroker();
  const { connack } = await broker.connect({ clientId: "", clean: true });
  assert.equal((connack as { reasonCode: number }).reasonCode, 0);
});

test("serveConnection() assigns a client identifier to a v5 empty id [MQTT-3.2.2-16]", async () => {
  await using broker = await startBroker();
  const { connack } = await broker.connect({
    clientId: "",
    protocolVersion: 5,
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type !== PacketType.CONNACK) return;
  assert.equal(connack.reasonCode, 0);
  assert.match(connack.properties?.assignedClientIdentifier ?? "", /^jetmq-/);
});

test("serveConnection() answers an unsupported level with CONNACK 0x01 [MQTT-3.1.2-2]", async () => {
  await using broker = await startBroker();
  const client = broker.open(4);
  // CONNECT "MQTT" level 9, clean, keep-alive 0, client id "a".
  await client.sendBytes(
    new Uint8Array([16, 13, 0, 4, 77, 81, 84, 84, 9, 2, 0, 0, 0, 1, 97]),
  );
  const connack = await client.next();
  assert.deepEqual(connack, {
    type: PacketType.CONNACK,
    sessionPresent: false,
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  });
  await client.closed();
});

test("serveConnection() closes when the first packet is not CONNECT [MQTT-3.1.0-1]", async () => {
  await using broker = await startBroker();
  const client = broker.open(4);
  await client.send({ type: PacketType.PINGREQ });
  await client.closed();
  await assert.rejects(client.next());
});

test("serveConnection() closes on a second CONNECT [MQTT-3.1.0-2]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({ clientId: "twice" });
  await client.send({
    type: PacketType.CONNECT,
    protocolName: "MQTT",
    protocolVersion: 4,
    clean: true,
    keepAlive: 0,
    clientId: "twice",
  });
  await client.closed();
  await assert.rejects(client.next());
});

test("serveConnection() answers PINGREQ with PINGRESP [MQTT-3.12.4-1]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({ clientId: "p" });
  await client.send({ type: PacketType.PINGREQ });
  assert.deepEqual(await client.next(), { type: PacketType.PINGRESP });
});

test("serveConnection() closes on malformed input, v5 with DISCONNECT 0x81", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "m",
    protocolVersion: 5,
  });
  // PUBLISH QoS 3 is malformed [MQTT-3.3.1-4].
  await client.sendBytes(new Uint8Array([0x36, 5, 0, 1, 97, 0, 1]));
  const d = await client.next();
  assert.equal(d.type, PacketType.DISCONNECT);
  if (d.type === PacketType.DISCONNECT) {
    assert.equal(d.reasonCode, ReasonCode.MalformedPacket);
  }
  await client.closed();
});

test("serveConnection() sends v5 DISCONNECT 0x95 for a packet over our maximum", async () => {
  await using broker = await startBroker({ limits: { maxPacketSize: 64 } });
  const { client, connack } = await broker.connect({
    clientId: "big",
    protocolVersion: 5,
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.properties?.maximumPacketSize, 64);
  }
  await client.send({
    type: PacketType.PUBLISH,
    topic: "t",
    payload: new Uint8Array(100),
    qos: 0,
    retain: false,
    dup: false,
  });
  const d = await client.next();
  assert.equal(d.type, PacketType.DISCONNECT);
  if (d.type === PacketType.DISCONNECT) {
    assert.equal(d.reasonCode, ReasonCode.PacketTooLarge);
  }
});

test("serveConnection() sends DISCONNECT 0x8B when the server shuts down", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "s",
    protocolVersion: 5,
  });
  broker.shutdown.abort();
  const d = await client.next();
  assert.equal(d.type, PacketType.DISCONNECT);
  if (d.type === PacketType.DISCONNECT) {
    assert.equal(d.reasonCode, ReasonCode.ServerShuttingDown);
  }
  await client.served;
});

test("serveConnection() answers level 5 under the 3.1 name with v5 CONNACK 0x84", async () => {
  await using broker = await startBroker();
  const client = broker.open(5);
  // CONNECT "MQIsdp" level 5: the client speaks v5 framing.
  await client.sendBytes(
    new Uint8Array([
      16,
      16,
      0,
      6,
      77,
      81,
      73,
      115,
      100,
      112,
      5,
      2,
      0,
      0,
      0,
      0,
      1,
      97,
    ]),
  );
  const connack = await client.next();
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.reasonCode, ReasonCode.UnsupportedProtocolVersion);
  }
  await client.closed();
});

test("serveConnection() closes a 3.1.1 connection on malformed input without a packet [MQTT-4.8.0-1]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({ clientId: "m4" });
  // SUBSCRIBE with reserved flags 0000 instead of 0010 [MQTT-3.8.1-1].
  await client.sendBytes(new Uint8Array([0x80, 6, 0, 1, 0, 1, 97, 0]));
  await client.closed();
  await assert.rejects(client.next());
});

test("serveConnection() sends the shutdown signal's reason code in v5 DISCONNECT", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "adm",
    protocolVersion: 5,
  });
  broker.shutdown.abort(
    new MqttError(ReasonCode.AdministrativeAction, "Closed by operator"),
  );
  const d = await client.next();
  assert.equal(d.type, PacketType.DISCONNECT);
  if (d.type === PacketType.DISCONNECT) {
    assert.equal(d.reasonCode, ReasonCode.AdministrativeAction);
  }
  await client.served;
});
