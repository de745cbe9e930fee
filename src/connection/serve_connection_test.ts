import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { encodePacket, PacketType } from "../codec/mod.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";
import { expectNothing } from "../../tests/helpers/mqtt_packets.ts";

const SEED = 20261204;

test("serveConnection() survives arbitrary bytes after CONNECT and keeps serving others", async () => {
  await using broker = await startBroker();
  const { client: witness } = await broker.connect({ clientId: "witness" });
  const connect = (version: 4 | 5, id: string) =>
    encodePacket({
      type: PacketType.CONNECT,
      protocolName: "MQTT",
      protocolVersion: version,
      clean: true,
      keepAlive: 0,
      clientId: id,
    }, version);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(4 as const, 5 as const),
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      async (version, junk) => {
        const client = broker.open(version);
        await client.sendBytes(connect(version, `f${n++}`));
        await client.sendBytes(junk);
        client.drop();
        // Resolves (never rejects), whatever the bytes were.
        await client.served;
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
  await expectNothing(witness);
});

test("serveConnection() survives arbitrary bytes as the first packet", async () => {
  await using broker = await startBroker();
  let served = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      async (junk) => {
        const client = broker.open(4);
        await client.sendBytes(junk);
        client.drop();
        await client.served;
        served++;
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
  assert.equal(served, 300);
});
