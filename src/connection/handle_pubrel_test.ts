import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType, ReasonCode } from "../codec/mod.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";

test("handlePubrel() sends a reason string with 0x92 when problem information is allowed", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "r",
    protocolVersion: 5,
  });
  await client.send({ type: PacketType.PUBREL, packetId: 5 });
  const comp = await client.next();
  assert.equal(comp.type, PacketType.PUBCOMP);
  if (comp.type === PacketType.PUBCOMP) {
    assert.equal(comp.reasonCode, ReasonCode.PacketIdentifierNotFound);
    assert.equal(typeof comp.properties?.reasonString, "string");
  }
});

test("handlePubrel() omits reason strings with Request Problem Information 0 [MQTT-3.1.2-29]", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "r",
    protocolVersion: 5,
    properties: { requestProblemInformation: 0 },
  });
  await client.send({ type: PacketType.PUBREL, packetId: 5 });
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBCOMP,
    packetId: 5,
    reasonCode: ReasonCode.PacketIdentifierNotFound,
  });
});
