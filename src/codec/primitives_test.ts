import assert from "node:assert/strict";
import { test } from "node:test";
import { MqttError } from "./errors.ts";
import {
  createByteReader,
  createByteWriter,
  createStringCache,
  readString,
  readTopic,
  readU32,
  readVarint,
  utf8Length,
  writeString,
  writeVarint,
} from "./primitives.ts";

const reader = (...bytes: number[]) => createByteReader(new Uint8Array(bytes));

function code(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MqttError);
    return err.reasonCode;
  }
  return -1;
}

test("readVarint() decodes the spec's boundary values [MQTT-1.5.5]", () => {
  const cases: Array<[number[], number]> = [
    [[0x00], 0],
    [[0x7f], 127],
    [[0x80, 0x01], 128],
    [[0xff, 0x7f], 16_383],
    [[0x80, 0x80, 0x01], 16_384],
    [[0xff, 0xff, 0x7f], 2_097_151],
    [[0x80, 0x80, 0x80, 0x01], 2_097_152],
    [[0xff, 0xff, 0xff, 0x7f], 268_435_455],
  ];
  for (const [bytes, value] of cases) {
    assert.equal(readVarint(reader(...bytes), "x", "v"), value);
    const w = createByteWriter(8);
    writeVarint(w, value);
    assert.deepEqual(Array.from(w.buf.subarray(0, w.pos)), bytes);
  }
});

test("readVarint() rejects a fifth byte and overruns with 0x81", () => {
  assert.equal(
    code(() => readVarint(reader(0xff, 0xff, 0xff, 0xff, 0x01), "x", "v")),
    0x81,
  );
  assert.equal(code(() => readVarint(reader(0x80), "x", "v")), 0x81);
});

test("writeVarint() refuses values beyond 4 bytes", () => {
  assert.throws(() => writeVarint(createByteWriter(), 268_435_456), RangeError);
});

test("readU32() reads values above 2^31 as unsigned", () => {
  assert.equal(readU32(reader(0xff, 0xff, 0xff, 0xff), "x", "v"), 0xffffffff);
});

test("readString() rejects U+0000 [MQTT-1.5.4-2]", () => {
  assert.equal(
    code(() => readString(reader(0, 3, 0x61, 0, 0x62), "x", "s")),
    0x81,
  );
  const long = [0, 40, ...new Array(39).fill(0x61), 0];
  assert.equal(code(() => readString(reader(...long), "x", "s")), 0x81);
});

test("readString() rejects ill-formed UTF-8 and surrogates [MQTT-1.5.4-1]", () => {
  for (const bad of [[0xc3], [0xed, 0xa0, 0x80], [0xff], [0xc0, 0x80]]) {
    assert.equal(
      code(() => readString(reader(0, bad.length, ...bad), "x", "s")),
      0x81,
    );
  }
});

test("readString() keeps a leading BOM [MQTT-1.5.4-3]", () => {
  assert.equal(
    readString(reader(0, 4, 0xef, 0xbb, 0xbf, 0x61), "x", "s"),
    "\ufeffa",
  );
});

test("writeString() and utf8Length() agree on non-ASCII text", () => {
  for (const s of ["", "a/b", "é", "€", "😀", "a😀b€", "\ud800", "x\udc00"]) {
    const w = createByteWriter(4);
    writeString(w, s);
    assert.equal(w.pos - 2, utf8Length(s), s);
    assert.equal((w.buf[0] << 8) | w.buf[1], utf8Length(s));
  }
});

test("readTopic() returns cached strings and still validates", () => {
  const cache = createStringCache();
  const bytes = [0, 3, 0x61, 0x2f, 0x62];
  const r1 = reader(...bytes);
  r1.topics = cache;
  const r2 = reader(...bytes);
  r2.topics = cache;
  assert.equal(readTopic(r1, "x", "t"), "a/b");
  assert.equal(readTopic(r2, "x", "t"), "a/b");
  const bad = reader(0, 2, 0x61, 0);
  bad.topics = cache;
  assert.equal(code(() => readTopic(bad, "x", "t")), 0x81);
});

test("readString() accepts a genuine U+FFFD and long non-ASCII text", () => {
  assert.equal(readString(reader(0, 3, 0xef, 0xbf, 0xbd), "x", "s"), "\ufffd");
  const text = "température/".repeat(5);
  const bytes = new TextEncoder().encode(text);
  assert.equal(readString(reader(0, bytes.length, ...bytes), "x", "s"), text);
  const long = "a/".repeat(40);
  assert.equal(
    readString(reader(0, 80, ...new TextEncoder().encode(long)), "x", "s"),
    long,
  );
});

test("readString() rejects bad UTF-8 after a genuine U+FFFD [MQTT-1.5.4-1]", () => {
  assert.equal(
    code(() => readString(reader(0, 4, 0xef, 0xbf, 0xbd, 0xff), "x", "s")),
    0x81,
  );
});
