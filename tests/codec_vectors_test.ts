/**
 * Golden vectors through the codec: each valid one decodes to its packet,
 * encodes to its bytes and round-trips; each invalid one fails with its exact
 * reason code. All of them are also fed through PacketDecoderStream split at
 * every offset and byte by byte.
 *
 * @module
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createPacketDecoder,
  encodePacket,
  MqttError,
  type Packet,
  PacketDecoderStream,
} from "../src/codec/mod.ts";
import {
  assertMqttError,
  assertPacketEqual,
  toHex,
} from "./helpers/packets.ts";
import { fromHex, VECTORS } from "./vectors/mod.ts";

function decodeOne(bytes: Uint8Array, version: 3 | 4 | 5): Packet {
  const packets = createPacketDecoder({ version }).push(bytes);
  assert.equal(packets.length, 1, "exactly one packet");
  return packets[0];
}

/** Runs bytes through the stream in the given chunks; packets or the error. */
async function throughStream(
  chunks: Uint8Array[],
  version: 3 | 4 | 5,
): Promise<{ packets: Packet[]; error?: unknown }> {
  const packets: Packet[] = [];
  const stream = ReadableStream.from(chunks).pipeThrough(
    new PacketDecoderStream({ version }),
  );
  try {
    for await (const batch of stream) {
      assert.ok(batch.length > 0, "no empty batches");
      packets.push(...batch);
    }
    return { packets };
  } catch (error) {
    return { packets, error };
  }
}

function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 1; i < bytes.length; i++) {
    out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  }
  out.push(Array.from(bytes, (b) => new Uint8Array([b])));
  return out;
}

for (const [file, { valid, invalid }] of Object.entries(VECTORS)) {
  for (const v of valid) {
    const label = `${file} v${v.version} ${v.name} [${v.spec}]`;
    test(`decode: ${label}`, () => {
      assertPacketEqual(decodeOne(fromHex(v.hex), v.version), v.packet);
    });
    test(`encode: ${label}`, () => {
      assert.equal(
        toHex(encodePacket(v.packet, v.version)),
        v.encodedHex ?? v.hex,
      );
    });
    test(`round trip: ${label}`, () => {
      const bytes = encodePacket(v.packet, v.version);
      const again = decodeOne(bytes, v.version);
      // A canonical re-encoding may drop an explicit Success code.
      if (v.encodedHex === undefined) assertPacketEqual(again, v.packet);
      assert.equal(toHex(encodePacket(again, v.version)), toHex(bytes));
    });
    test(`stream splits: ${label}`, async () => {
      const bytes = fromHex(v.hex);
      for (const chunks of splits(bytes)) {
        const { packets, error } = await throughStream(chunks, v.version);
        assert.equal(error, undefined);
        assert.equal(packets.length, 1);
        assertPacketEqual(packets[0], v.packet);
      }
    });
  }
  for (const v of invalid) {
    const label = `${file} v${v.version} ${v.name} [${v.spec}]`;
    test(`rejects: ${label}`, () => {
      assertMqttError(
        () => decodeOne(fromHex(v.hex), v.version),
        v.reasonCode,
        label,
      );
    });
    test(`stream splits reject: ${label}`, async () => {
      for (const chunks of splits(fromHex(v.hex))) {
        const { packets, error } = await throughStream(chunks, v.version);
        assert.equal(packets.length, 0);
        assert.ok(error instanceof MqttError, String(error));
        assert.equal(error.reasonCode, v.reasonCode);
      }
    });
  }
}

test("every packet file has valid and invalid vectors for 3.1, 3.1.1 and 5.0", () => {
  for (const [file, { valid, invalid }] of Object.entries(VECTORS)) {
    for (const version of [3, 4, 5]) {
      // AUTH exists only in 5.0: older versions get invalid vectors only.
      if (file !== "auth" || version === 5) {
        assert.ok(
          valid.some((v) => v.version === version),
          `${file} valid v${version}`,
        );
      }
      assert.ok(
        invalid.some((v) => v.version === version),
        `${file} invalid v${version}`,
      );
    }
  }
});
