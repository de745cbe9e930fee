import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, ReasonCode } from "../codec/mod.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";
import { expectDisconnect } from "../../tests/helpers/mqtt_packets.ts";

test("handleDisconnect() session expiry 0 → non-zero is a protocol error [MQTT-3.14.2-2]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "d",
    protocolVersion: 5,
  });
  await client.send({
    type: PacketType.DISCONNECT,
    properties: { sessionExpiryInterval: 30 },
  });
  expectDisconnect(await client.next(), ReasonCode.ProtocolError);
  await client.closed();
});

test("handleDisconnect() a new session expiry on DISCONNECT is applied", async () => {
  await using broker = await startBroker();
  const connect = {
    clientId: "d",
    protocolVersion: 5 as const,
    clean: false,
    properties: { sessionExpiryInterval: 60 },
  };
  const first = await broker.connect(connect);
  await first.client.send({
    type: PacketType.DISCONNECT,
    properties: { sessionExpiryInterval: 0 },
  });
  await first.client.served;
  const second = await broker.connect(connect);
  assert.equal(second.connack.type, PacketType.CONNACK);
  if (second.connack.type === PacketType.CONNACK) {
    // Expiry 0 on DISCONNECT ended the session.
    assert.equal(second.connack.sessionPresent, false);
  }
});

test("handleConnect() v5 Response Information on request", async () => {
  await using broker = await startBroker();
  const { connack } = await broker.connect({
    clientId: "ri",
    protocolVersion: 5,
    properties: { requestResponseInformation: 1 },
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.properties?.responseInformation, "jetmq/response/ri");
  }
});
