import assert from "node:assert/strict";
import { test } from "node:test";
import { MqttError } from "./errors.ts";
import { createByteReader, createByteWriter } from "./primitives.ts";
import {
  decodeProperties,
  encodeProperties,
  PROPERTY_TABLE,
  propertyById,
  WILL_PROPERTIES,
} from "./properties.ts";
import { PacketType } from "./types.ts";

function decode(where: number, ...bytes: number[]) {
  return decodeProperties(createByteReader(new Uint8Array(bytes)), where);
}

function code(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MqttError);
    return err.reasonCode;
  }
  return -1;
}

test("PROPERTY_TABLE lists the 27 MQTT 5.0 properties once each", () => {
  assert.equal(PROPERTY_TABLE.length, 27);
  assert.equal(new Set(PROPERTY_TABLE.map((d) => d.id)).size, 27);
  assert.equal(propertyById(0x26)?.key, "userProperties");
  assert.equal(propertyById(0x04), undefined);
});

test("decodeProperties() keeps repeated user properties in order", () => {
  const props = decode(
    PacketType.PUBLISH,
    14,
    0x26,
    0,
    1,
    0x6b,
    0,
    1,
    0x31,
    0x26,
    0,
    1,
    0x6b,
    0,
    1,
    0x32,
  );
  assert.deepEqual(props?.userProperties, [["k", "1"], ["k", "2"]]);
});

test("decodeProperties() rejects duplicates with 0x82", () => {
  assert.equal(
    code(() => decode(PacketType.CONNACK, 6, 0x24, 1, 0x24, 1, 0x25, 1)),
    0x82,
  );
});

test("decodeProperties() rejects properties not allowed in the packet with 0x81 [MQTT-2.2.2-2]", () => {
  assert.equal(code(() => decode(PacketType.SUBSCRIBE, 3, 0x23, 0, 1)), 0x81);
  assert.equal(
    code(() => decode(PacketType.CONNECT, 5, 0x18, 0, 0, 0, 1)),
    0x81,
  );
  assert.equal(
    decode(WILL_PROPERTIES, 5, 0x18, 0, 0, 0, 1)?.willDelayInterval,
    1,
  );
});

test("decodeProperties() allows one Subscription Identifier in SUBSCRIBE, several in PUBLISH", () => {
  assert.equal(
    code(() => decode(PacketType.SUBSCRIBE, 4, 0x0b, 1, 0x0b, 2)),
    0x82,
  );
  assert.deepEqual(
    decode(PacketType.PUBLISH, 4, 0x0b, 1, 0x0b, 2)?.subscriptionIdentifiers,
    [1, 2],
  );
});

test("decodeProperties() rejects a property overrunning its block", () => {
  assert.equal(
    code(() => decode(PacketType.PUBLISH, 2, 0x02, 0, 0, 0, 1)),
    0x81,
  );
});

test("encodeProperties() refuses a property the packet cannot carry", () => {
  assert.throws(
    () =>
      encodeProperties(
        createByteWriter(),
        { topicAlias: 1 },
        PacketType.CONNECT,
      ),
    TypeError,
  );
});

test("encodeProperties() writes a length prefix longer than one byte", () => {
  const w = createByteWriter(8);
  const reasonString = "r".repeat(300);
  encodeProperties(w, { reasonString }, PacketType.DISCONNECT);
  const r = createByteReader(w.buf, 0, w.pos);
  assert.equal(
    decodeProperties(r, PacketType.DISCONNECT)?.reasonString,
    reasonString,
  );
  assert.equal(r.pos, w.pos);
});
