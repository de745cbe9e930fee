/**
 * Small packet builders and assertions for connection and router tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Packet, PacketType } from "../../src/codec/mod.ts";
import type {
  Properties,
  PublishPacket,
  QoS,
  Subscription,
} from "../../src/codec/types.ts";
import type { Broker, TestClient } from "./mqtt_harness.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A PUBLISH packet. */
export function publish(
  topic: string,
  payload: string,
  qos: QoS = 0,
  packetId?: number,
  extra: Partial<PublishPacket> = {},
): PublishPacket {
  return {
    type: PacketType.PUBLISH,
    topic,
    payload: enc.encode(payload),
    qos,
    retain: false,
    dup: false,
    packetId,
    ...extra,
  };
}

/** Asserts `p` is a PUBLISH and returns it. */
export function expectPublish(p: Packet): PublishPacket {
  assert.equal(p.type, PacketType.PUBLISH, `expected PUBLISH, got ${p.type}`);
  return p as PublishPacket;
}

/** The payload as text. */
export function text(p: PublishPacket): string {
  return dec.decode(p.payload);
}

/** SUBSCRIBE and return the SUBACK reason codes. */
export async function subscribe(
  client: TestClient,
  subscriptions: Subscription[],
  packetId = 1,
  properties?: Properties,
): Promise<number[]> {
  await client.send({
    type: PacketType.SUBSCRIBE,
    packetId,
    subscriptions,
    properties,
  });
  const suback = await client.next();
  assert.equal(suback.type, PacketType.SUBACK);
  if (suback.type !== PacketType.SUBACK) return [];
  assert.equal(suback.packetId, packetId);
  return suback.reasonCodes;
}

/** Connect and subscribe to one filter. */
export async function subscriber(
  broker: Broker,
  clientId: string,
  filter: string,
  qos: QoS,
  version: 3 | 4 | 5 = 4,
): Promise<TestClient> {
  const { client } = await broker.connect({
    clientId,
    protocolVersion: version,
  });
  await subscribe(client, [{ filter, qos }]);
  return client;
}

/** Asserts nothing else is pending: a PINGREQ is answered next. */
export async function expectNothing(client: TestClient): Promise<void> {
  await client.send({ type: PacketType.PINGREQ });
  assert.deepEqual(await client.next(), { type: PacketType.PINGRESP });
}

/** Asserts `p` is a v5 DISCONNECT with `reasonCode`. */
export function expectDisconnect(p: Packet, reasonCode: number): void {
  assert.equal(
    p.type,
    PacketType.DISCONNECT,
    `expected DISCONNECT, got ${p.type}`,
  );
  if (p.type === PacketType.DISCONNECT) assert.equal(p.reasonCode, reasonCode);
}
