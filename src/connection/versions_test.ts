import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketType } from "../codec/mod.ts";
import type { ProtocolVersion, QoS } from "../codec/types.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";
import {
  expectNothing,
  expectPublish,
  publish,
  subscribe,
  text,
} from "../../tests/helpers/mqtt_packets.ts";

const VERSIONS: ProtocolVersion[] = [3, 4, 5];

for (const version of VERSIONS) {
  for (const qos of [0, 1, 2] as QoS[]) {
    test(`serveConnection() level ${version}: QoS ${qos} publish to a QoS ${qos} subscriber, both ways`, async () => {
      await using broker = await startBroker();
      const { client: sub } = await broker.connect({
        clientId: `sub${version}`,
        protocolVersion: version,
      });
      assert.deepEqual(await subscribe(sub, [{ filter: "v/#", qos }]), [qos]);
      const { client: pub } = await broker.connect({
        clientId: `pub${version}`,
        protocolVersion: version,
      });
      await pub.send(publish("v/x", `q${qos}`, qos, qos ? 10 : undefined));
      if (qos === 1) {
        assert.equal((await pub.next()).type, PacketType.PUBACK);
      }
      if (qos === 2) {
        assert.equal((await pub.next()).type, PacketType.PUBREC);
        await pub.send({ type: PacketType.PUBREL, packetId: 10 });
        assert.equal((await pub.next()).type, PacketType.PUBCOMP);
      }
      const got = expectPublish(await sub.next());
      assert.equal(got.topic, "v/x");
      assert.equal(got.qos, qos);
      assert.equal(text(got), `q${qos}`);
      if (qos === 1) {
        await sub.send({ type: PacketType.PUBACK, packetId: got.packetId! });
      }
      if (qos === 2) {
        await sub.send({ type: PacketType.PUBREC, packetId: got.packetId! });
        assert.deepEqual(await sub.next(), {
          type: PacketType.PUBREL,
          packetId: got.packetId!,
        });
        await sub.send({ type: PacketType.PUBCOMP, packetId: got.packetId! });
      }
      await expectNothing(sub);
      await sub.send({ type: PacketType.DISCONNECT });
      await sub.closed();
    });
  }
}
