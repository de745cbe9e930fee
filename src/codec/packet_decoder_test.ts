import assert from "node:assert/strict";
import { test } from "node:test";
import { UnsupportedProtocolVersionError } from "./errors.ts";
import { encodePacket } from "./encode_packet.ts";
import { createPacketDecoder } from "./packet_decoder.ts";
import { MqttError } from "./errors.ts";

const connect5 = encodePacket({
  type: 1,
  protocolName: "MQTT",
  protocolVersion: 5,
  clean: true,
  keepAlive: 0,
  clientId: "c",
}, 5);

test("createPacketDecoder() rejects an oversized packet from its header, before the body [MQTT-3.1.2-24]", () => {
  const decoder = createPacketDecoder({ maxPacketSize: 1024 });
  // PUBLISH announcing 268,435,455 bytes: only the header has arrived.
  assert.throws(
    () => decoder.push(new Uint8Array([0x30, 0xff, 0xff, 0xff, 0x7f])),
    (err) => err instanceof MqttError && err.reasonCode === 0x95,
  );
});

test("createPacketDecoder() buffers a huge announced packet only as bytes arrive", () => {
  const decoder = createPacketDecoder();
  assert.deepEqual(
    decoder.push(new Uint8Array([0x30, 0xff, 0xff, 0xff, 0x7f, 0, 1, 0x74])),
    [],
  );
  assert.equal(decoder.buffered, 8);
});

test("createPacketDecoder() accepts a packet of exactly maxPacketSize", () => {
  const decoder = createPacketDecoder({ maxPacketSize: 4 });
  assert.equal(
    decoder.push(new Uint8Array([0x40, 0x02, 0x00, 0x01])).length,
    1,
  );
  assert.throws(
    () =>
      createPacketDecoder({ maxPacketSize: 3 }).push(
        new Uint8Array([0x40, 0x02]),
      ),
    MqttError,
  );
});

test("createPacketDecoder() learns the version from CONNECT", () => {
  const decoder = createPacketDecoder();
  assert.equal(decoder.version, undefined);
  // CONNECT v5 then a v5 PUBACK with a reason code in the same chunk.
  const both = new Uint8Array([...connect5, 0x40, 0x03, 0x00, 0x01, 0x10]);
  const packets = decoder.push(both);
  assert.equal(decoder.version, 5);
  assert.deepEqual(packets[1], { type: 4, packetId: 1, reasonCode: 0x10 });
});

test("createPacketDecoder() reports an unknown level as UnsupportedProtocolVersionError [MQTT-3.1.2-2]", () => {
  const bytes = new Uint8Array([
    0x10,
    0x0c,
    0,
    4,
    0x4d,
    0x51,
    0x54,
    0x54,
    7,
    2,
    0,
    60,
    0,
    0,
  ]);
  assert.throws(
    () => createPacketDecoder().push(bytes),
    (err) =>
      err instanceof UnsupportedProtocolVersionError &&
      err.reasonCode === 0x84 && err.protocolLevel === 7 &&
      err.protocolName === "MQTT",
  );
});

test("createPacketDecoder() returns packets before bad bytes, then throws", () => {
  const decoder = createPacketDecoder();
  const packets = decoder.push(new Uint8Array([0xc0, 0x00, 0x00, 0x00]));
  assert.deepEqual(packets, [{ type: 12 }]);
  assert.equal(decoder.pendingError?.reasonCode, 0x81);
  assert.throws(() => decoder.push(new Uint8Array([0xc0, 0x00])), MqttError);
});

test("end() throws when input stops inside a packet", () => {
  const decoder = createPacketDecoder();
  decoder.push(new Uint8Array([0x30, 0x05, 0x00]));
  assert.throws(
    () => decoder.end(),
    (err) => err instanceof MqttError && err.reasonCode === 0x81,
  );
  const clean = createPacketDecoder();
  clean.push(new Uint8Array([0xc0, 0x00]));
  clean.end();
});

test("createPacketDecoder() copies chunks so payloads survive buffer reuse", () => {
  const decoder = createPacketDecoder();
  const chunk = new Uint8Array([0x30, 0x05, 0x00, 0x01, 0x74, 0x68, 0x69]);
  const [p] = decoder.push(chunk);
  chunk.fill(0);
  assert.equal(p.type, 3);
  if (p.type === 3) assert.deepEqual(Array.from(p.payload), [0x68, 0x69]);
});

test("createPacketDecoder() gives payloads of a packet split across chunks their own bytes", () => {
  const decoder = createPacketDecoder();
  assert.deepEqual(decoder.push(new Uint8Array([0x30, 0x05, 0x00, 0x01])), []);
  const [a] = decoder.push(
    new Uint8Array([0x74, 0x68, 0x69, 0x30, 0x05, 0x00]),
  );
  const [b] = decoder.push(new Uint8Array([0x01, 0x74, 0x78, 0x79]));
  assert.ok(a.type === 3 && b.type === 3);
  assert.deepEqual([Array.from(a.payload), Array.from(b.payload)], [[
    0x68,
    0x69,
  ], [0x78, 0x79]]);
});
