import { test } from "node:test";
import assert from "node:assert/strict";
import type { Authenticator, PermissionRules } from "../auth/types.ts";
import { type Packet, PacketType, ReasonCode } from "../codec/mod.ts";
import type { ProtocolVersion } from "../codec/types.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";
import {
  expectNothing,
  expectPublish,
  publish,
  subscribe,
  text,
} from "../../tests/helpers/mqtt_packets.ts";

/** Clients whose user name is "limited" get `rules`; others everything. */
function authWith(rules: PermissionRules): Authenticator {
  return {
    authenticate: (c) =>
      Promise.resolve(
        c.username === "limited"
          ? { ok: true, user: c.username, permissions: rules }
          : { ok: true },
      ),
  };
}

const RULES: PermissionRules = {
  publish: { allow: ["up/#"], deny: ["up/secret"] },
  subscribe: { allow: ["down/#"], deny: ["down/secret", "down/hidden/#"] },
};

async function setup(version: ProtocolVersion = 5) {
  const broker = await startBroker({ authenticator: authWith(RULES) });
  const limited = (clientId: string, clean = true) =>
    broker.connect({
      clientId,
      username: "limited",
      protocolVersion: version,
      clean,
      properties: version === 5 && !clean
        ? { sessionExpiryInterval: 60, receiveMaximum: 1 }
        : undefined,
    });
  return { broker, limited };
}

function reasonOf(p: Packet): number | undefined {
  return (p as { reasonCode?: number }).reasonCode;
}

test("handlePublish() v5: a denied PUBLISH gets 0x87 and is not routed", async () => {
  const { broker, limited } = await setup();
  await using _ = broker;
  const { client: watcher } = await broker.connect({ clientId: "w" });
  await subscribe(watcher, [{ filter: "#", qos: 1 }]);
  const { client } = await limited("p");
  await client.send(publish("other", "q0"));
  await client.send(publish("up/secret", "q1", 1, 1));
  const puback = await client.next();
  assert.equal(puback.type, PacketType.PUBACK);
  assert.equal(reasonOf(puback), ReasonCode.NotAuthorized);
  await client.send(publish("other", "q2", 2, 2));
  const pubrec = await client.next();
  assert.equal(pubrec.type, PacketType.PUBREC);
  assert.equal(reasonOf(pubrec), ReasonCode.NotAuthorized);
  await client.send(publish("up/x", "ok", 0));
  assert.equal(text(expectPublish(await watcher.next())), "ok");
  await expectNothing(watcher);
  assert.equal(broker.metrics.counts.get("jetmq_publish_denied_total"), 3);
});

test("handlePublish() 3.1.1: a denied PUBLISH is acknowledged as usual and dropped, not retained [MQTT-3.3.5-2]", async () => {
  const { broker, limited } = await setup(4);
  await using _ = broker;
  const { client } = await limited("p");
  await client.send(publish("other", "r", 1, 1, { retain: true }));
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBACK,
    packetId: 1,
  });
  await client.send(publish("other", "q2", 2, 2));
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBREC,
    packetId: 2,
  });
  await client.send({ type: PacketType.PUBREL, packetId: 2 });
  assert.deepEqual(await client.next(), {
    type: PacketType.PUBCOMP,
    packetId: 2,
  });
  const { client: late } = await broker.connect({ clientId: "late" });
  assert.deepEqual(await subscribe(late, [{ filter: "other", qos: 1 }]), [1]);
  await expectNothing(late);
  assert.equal(broker.metrics.counts.get("jetmq_publish_denied_total"), 2);
});

test("handleSubscribe() refuses a denied filter per filter: v5 0x87, 3.1.1 and 3.1 0x80", async () => {
  for (const version of [5, 4, 3] as const) {
    const { broker, limited } = await setup(version);
    await using _ = broker;
    const { client } = await limited(`s${version}`);
    const codes = await subscribe(client, [
      { filter: "down/x", qos: 1 },
      { filter: "#", qos: 1 },
      { filter: "down/secret", qos: 0 },
      { filter: "down/hidden/+", qos: 0 },
      { filter: "$share/g/down/+", qos: 0 },
    ]);
    const no = version === 5 ? 0x87 : 0x80;
    assert.deepEqual(codes, [1, no, no, no, 0], `version ${version}`);
  }
});

test("outbound: a deny filter narrower than the subscription drops those deliveries, live and retained, and acks them", async () => {
  const { broker, limited } = await setup(5);
  await using _ = broker;
  const { client: pub } = await broker.connect({ clientId: "pub" });
  await pub.send(
    publish("down/secret", "retained", 1, 1, { retain: true }),
  );
  await pub.next();
  const { client } = await limited("sub", false);
  const codes = await subscribe(client, [{ filter: "down/#", qos: 1 }]);
  assert.deepEqual(codes, [1]);
  await pub.send(publish("down/secret", "live", 1, 2));
  await pub.next();
  await pub.send(publish("down/hidden/x", "live", 2, 3));
  await pub.next();
  await pub.send(publish("down/open", "visible", 1, 4));
  await pub.next();
  const got = expectPublish(await client.next());
  assert.equal(got.topic, "down/open");
  await client.send({ type: PacketType.PUBACK, packetId: got.packetId! });
  await expectNothing(client);
  assert.equal(broker.metrics.counts.get("jetmq_deliveries_denied_total"), 3);
  // Receive Maximum 1: "down/open" only came because each dropped QoS ≥ 1
  // copy was acked; nor is anything left to redeliver.
  await client.send({ type: PacketType.DISCONNECT, reasonCode: 0 });
  const again = await limited("sub", false);
  assert.equal(
    (again.connack as { sessionPresent: boolean }).sessionPresent,
    true,
  );
  await expectNothing(again.client);
});

test("handleConnect() refuses a Will on a denied topic: v5 0x87, 3.1.1 return code 5", async () => {
  for (const version of [5, 4] as const) {
    const { broker } = await setup(version);
    await using _ = broker;
    const will = {
      topic: "other",
      payload: new Uint8Array(0),
      qos: 0 as const,
      retain: false,
    };
    const { connack } = await broker.connect({
      clientId: `w${version}`,
      username: "limited",
      protocolVersion: version,
      will,
    });
    assert.equal(connack.type, PacketType.CONNACK);
    assert.equal(reasonOf(connack), ReasonCode.NotAuthorized);
    const ok = await broker.connect({
      clientId: `ok${version}`,
      username: "limited",
      protocolVersion: version,
      will: { ...will, topic: "up/will" },
    });
    assert.equal(reasonOf(ok.connack), 0);
  }
});

test("handleConnect() refuses with 0x88 when a method returns invalid rules", async () => {
  await using broker = await startBroker({
    authenticator: authWith({ publish: { allow: ["a/#/b"] } }),
  });
  const { connack } = await broker.connect({
    clientId: "bad",
    username: "limited",
    protocolVersion: 5,
  });
  assert.equal(reasonOf(connack), ReasonCode.ServerUnavailable);
});
