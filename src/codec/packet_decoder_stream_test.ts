import assert from "node:assert/strict";
import { test } from "node:test";
import { MqttError } from "./errors.ts";
import { PacketDecoderStream } from "./packet_decoder_stream.ts";
import type { Packet } from "./types.ts";

async function collect(chunks: number[][], stream = new PacketDecoderStream()) {
  const batches: Packet[][] = [];
  const readable = ReadableStream.from(chunks.map((c) => new Uint8Array(c)))
    .pipeThrough(stream);
  try {
    for await (const b of readable) batches.push(b);
  } catch (error) {
    return { batches, error };
  }
  return { batches, error: undefined };
}

test("PacketDecoderStream emits one array per chunk, none for chunks completing nothing", async () => {
  const { batches, error } = await collect([
    [0xc0, 0x00, 0xd0],
    [0x00],
    [0xc0],
    [0x00, 0xc0, 0x00],
  ]);
  assert.equal(error, undefined);
  assert.deepEqual(batches, [[{ type: 12 }], [{ type: 13 }], [{ type: 12 }, {
    type: 12,
  }]]);
});

test("PacketDecoderStream errors with the reason code of bad input [MQTT-2.2.2-1]", async () => {
  const { error } = await collect([[0xc1, 0x00]]);
  assert.ok(error instanceof MqttError);
  assert.equal(error.reasonCode, 0x81);
});

test("PacketDecoderStream errors when the input ends inside a packet", async () => {
  const { error } = await collect([[0x30, 0x04, 0x00]]);
  assert.ok(error instanceof MqttError);
});

test("PacketDecoderStream enforces maxPacketSize with 0x95", async () => {
  const { error } = await collect(
    [[0x30, 0x80, 0x80, 0x40]],
    new PacketDecoderStream({ maxPacketSize: 1000 }),
  );
  assert.ok(error instanceof MqttError);
  assert.equal(error.reasonCode, 0x95);
});

test("PacketDecoderStream exposes the version it learnt", async () => {
  const stream = new PacketDecoderStream();
  const connect = [
    0x10,
    0x12,
    0,
    6,
    0x4d,
    0x51,
    0x49,
    0x73,
    0x64,
    0x70,
    3,
    2,
    0,
    60,
    0,
    4,
    0x6d,
    0x70,
    0x33,
    0x31,
  ];
  const { batches } = await collect([connect], stream);
  assert.equal(batches.length, 1);
  assert.equal(stream.version, 3);
});

test("PacketDecoderStream hands a waiting reader the packets before bad bytes, then errors", async () => {
  const { batches, error } = await collect([[
    0xc0,
    0x00,
    0xd0,
    0x00,
    0x00,
    0x00,
  ]]);
  assert.deepEqual(batches, [[{ type: 12 }, { type: 13 }]]);
  assert.ok(error instanceof MqttError);
  assert.equal(error.reasonCode, 0x81);
});
