import { test } from "node:test";
import assert from "node:assert/strict";
import { type Packet, PacketType, ReasonCode } from "../codec/mod.ts";
import { nullLogger, nullMetrics } from "../observability/types.ts";
import { createEmbeddedBackend } from "../backend/embedded/mod.ts";
import {
  type Broker,
  createFakeClock,
  startBroker,
} from "../../tests/helpers/mqtt_harness.ts";
import {
  expectNothing,
  expectPublish,
  publish,
  subscribe,
  text,
} from "../../tests/helpers/mqtt_packets.ts";

async function setup(quotas: { maxRetained?: number; maxSessions?: number }) {
  const clock = createFakeClock();
  const backend = await createEmbeddedBackend({
    dir: "unused",
    memory: true,
    logger: nullLogger,
    metrics: nullMetrics,
    now: clock.now,
    sweepIntervalMs: 3_600_000,
    ...quotas,
  });
  // The broker does not close a backend it was given: its disposal must.
  let broker: Broker;
  try {
    broker = await startBroker({ backend, clock });
  } catch (err) {
    await backend.close();
    throw err;
  }
  return {
    ...broker,
    async [Symbol.asyncDispose]() {
      try {
        await broker[Symbol.asyncDispose]();
      } finally {
        await backend.close();
      }
    },
  };
}

function reasonOf(p: Packet): number | undefined {
  return (p as { reasonCode?: number }).reasonCode;
}

test("handlePublish() v5: a retained PUBLISH over limits.maxRetained gets 0x97 and is not routed", async () => {
  await using broker = await setup({ maxRetained: 1 });
  const { client: watcher } = await broker.connect({
    clientId: "w",
    protocolVersion: 5,
  });
  await subscribe(watcher, [{ filter: "#", qos: 1 }]);
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
    properties: { requestProblemInformation: 0 },
  });
  await client.send(publish("a", "kept", 1, 1, { retain: true }));
  assert.equal(reasonOf(await client.next()), undefined);
  await client.send(publish("b", "q1", 1, 2, { retain: true }));
  const puback = await client.next();
  assert.equal(puback.type, PacketType.PUBACK);
  assert.equal(reasonOf(puback), ReasonCode.QuotaExceeded);
  // Request Problem Information 0: no Reason String.
  assert.equal((puback as { properties?: unknown }).properties, undefined);
  await client.send(publish("c", "q2", 2, 3, { retain: true }));
  const pubrec = await client.next();
  assert.equal(pubrec.type, PacketType.PUBREC);
  assert.equal(reasonOf(pubrec), ReasonCode.QuotaExceeded);
  await client.send(publish("d", "q0", 0, undefined, { retain: true }));
  await client.send(publish("a", "replaced", 1, 4, { retain: true }));
  assert.equal(reasonOf(await client.next()), undefined);
  assert.deepEqual(
    [await watcher.next(), await watcher.next()].map((p) =>
      text(expectPublish(p))
    ),
    ["kept", "replaced"],
  );
  await expectNothing(watcher);
});

test("handlePublish() v5: the 0x97 ack carries a Reason String when problem information is requested", async () => {
  await using broker = await setup({ maxRetained: 1 });
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 5,
  });
  await client.send(publish("a", "1", 1, 1, { retain: true }));
  await client.next();
  await client.send(publish("b", "2", 1, 2, { retain: true }));
  const puback = await client.next() as {
    properties?: { reasonString?: string };
  };
  assert.equal(typeof puback.properties?.reasonString, "string");
});

test("handlePublish() 3.1.1: a retained PUBLISH over limits.maxRetained is acknowledged and routed, not retained", async () => {
  await using broker = await setup({ maxRetained: 1 });
  const { client: watcher } = await broker.connect({
    clientId: "w",
    protocolVersion: 4,
  });
  await subscribe(watcher, [{ filter: "#", qos: 1 }]);
  const { client } = await broker.connect({
    clientId: "p",
    protocolVersion: 4,
  });
  await client.send(publish("a", "kept", 1, 1, { retain: true }));
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBACK,
    packetId: 1,
  });
  await client.send(publish("b", "q1", 1, 2, { retain: true }));
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBACK,
    packetId: 2,
  });
  await client.send(publish("c", "q2", 2, 3, { retain: true }));
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBREC,
    packetId: 3,
  });
  await client.send({ type: PacketType.PUBREL, packetId: 3 });
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBCOMP,
    packetId: 3,
  });
  await client.send(publish("d", "q0", 0, undefined, { retain: true }));
  const got = [];
  for (let i = 0; i < 4; i++) {
    got.push(text(expectPublish(await watcher.next())));
  }
  assert.deepEqual(got, ["kept", "q1", "q2", "q0"]);
  const { client: late } = await broker.connect({
    clientId: "late",
    protocolVersion: 4,
  });
  await subscribe(late, [{ filter: "#", qos: 1 }]);
  assert.equal(text(expectPublish(await late.next())), "kept");
  await expectNothing(late);
});

test("handleConnect(): a new persistent session over limits.maxSessions gets CONNACK 0x97 (v5) / 3 (3.1.1)", async () => {
  await using broker = await setup({ maxSessions: 1 });
  const first = await broker.connect({
    clientId: "a",
    clean: false,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 60 },
  });
  assert.equal(reasonOf(first.connack), ReasonCode.Success);
  const v5 = await broker.connect({
    clientId: "b",
    clean: false,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 60 },
  });
  assert.equal(reasonOf(v5.connack), ReasonCode.QuotaExceeded);
  const v3 = await broker.connect({
    clientId: "c",
    clean: false,
    protocolVersion: 4,
  });
  assert.equal(v3.connack.type, PacketType.CONNACK);
  // Return code 3 Server unavailable, decoded as its v5 equivalent 0x88.
  assert.equal(reasonOf(v3.connack), ReasonCode.ServerUnavailable);
  const clean = await broker.connect({ clientId: "d", protocolVersion: 4 });
  assert.equal(reasonOf(clean.connack), 0);
  assert.equal(broker.metrics.counts.get("jetmq_connections_refused_total"), 2);
});

test("createRouter(): a retained Will over limits.maxRetained is routed, not retained", async () => {
  await using broker = await setup({ maxRetained: 1 });
  const { client: watcher } = await broker.connect({ clientId: "w" });
  await subscribe(watcher, [{ filter: "will/#", qos: 1 }]);
  const { client: filler } = await broker.connect({ clientId: "f" });
  await filler.send(publish("full", "x", 1, 1, { retain: true }));
  await filler.next();
  const { client } = await broker.connect({
    clientId: "dying",
    will: {
      topic: "will/t",
      payload: new TextEncoder().encode("gone"),
      qos: 1,
      retain: true,
    },
  });
  client.drop();
  await client.served;
  assert.equal(text(expectPublish(await watcher.next())), "gone");
  const { client: late } = await broker.connect({ clientId: "late" });
  await subscribe(late, [{ filter: "will/#", qos: 1 }]);
  await expectNothing(late);
});
