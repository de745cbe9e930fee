import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createFramer,
  encodeConnect,
  encodePublish,
  encodeSubscribe,
  publishPacketId,
  publishPayloadStart,
} from "./wire.ts";

const M = [0x4d, 0x51, 0x54, 0x54]; // "MQTT"

test("encodeConnect() writes a 3.1.1 CONNECT [MQTT-3.1.2-1]", () => {
  const bytes = encodeConnect({ clientId: "a", version: 4, clean: true });
  assert.deepEqual(
    [...bytes],
    [0x10, 13, 0, 4, ...M, 4, 0x02, 0, 0, 0, 1, 0x61],
  );
});

test("encodeConnect() writes v5 session expiry and receive maximum", () => {
  const bytes = encodeConnect({
    clientId: "a",
    version: 5,
    clean: false,
    sessionExpiry: 60,
    receiveMaximum: 64,
  });
  const props = [8, 0x11, 0, 0, 0, 60, 0x21, 0, 64];
  assert.deepEqual(
    [...bytes],
    [0x10, 22, 0, 4, ...M, 5, 0, 0, 0, ...props, 0, 1, 0x61],
  );
});

test("encodePublish() places packet id and payload at the given offsets", () => {
  const tpl = encodePublish({
    topic: "t",
    payload: Uint8Array.of(9, 8),
    qos: 1,
    version: 5,
  });
  assert.deepEqual([...tpl.bytes], [0x32, 8, 0, 1, 0x74, 0, 1, 0, 9, 8]);
  assert.equal(tpl.pidOffset, 5);
  assert.equal(tpl.payloadOffset, 8);
  const q0 = encodePublish({
    topic: "t",
    payload: Uint8Array.of(1),
    qos: 0,
    version: 4,
  });
  assert.equal(q0.pidOffset, -1);
});

test("createFramer() gives the same packets at every split offset", () => {
  const tpl = encodePublish({
    topic: "a/b",
    payload: new Uint8Array(200),
    qos: 2,
    version: 4,
  });
  const stream = new Uint8Array([
    ...tpl.bytes,
    0xd0,
    0,
    ...encodeSubscribe(7, ["x/#"], 1, 4),
  ]);
  const expected: number[][] = [];
  createFramer((f, _b, s, e) => expected.push([f, e - s]))(stream);
  assert.deepEqual(expected, [[0x34, 207], [0xd0, 0], [0x82, 8]]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const got: number[][] = [];
    const frame = createFramer((f, _b, s, e) => got.push([f, e - s]));
    frame(stream.subarray(0, cut));
    frame(stream.subarray(cut));
    assert.deepEqual(got, expected, `split at ${cut}`);
  }
});

test("publishPayloadStart() skips topic, packet id and v5 properties", () => {
  const tpl = encodePublish({
    topic: "abc",
    payload: Uint8Array.of(42),
    qos: 1,
    version: 5,
  });
  let start = -1;
  let id = -1;
  createFramer((first, buf, s) => {
    start = publishPayloadStart(first, buf, s, 5);
    id = publishPacketId(buf, s);
  })(tpl.bytes);
  assert.equal(start, tpl.payloadOffset);
  assert.equal(id, 1);
});
