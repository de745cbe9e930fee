/**
 * Property tests of the codec (fast-check, fixed seed, printed on failure):
 * decode(encode(p)) equals p for every packet type and version, and any
 * chunking of a packet stream decodes to the same packets.
 *
 * @module
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  createPacketDecoder,
  encodePacket,
  type Packet,
  type ProtocolVersion,
} from "../src/codec/mod.ts";
import { anyPacket, packetArbitraries } from "./helpers/arbitraries.ts";
import { assertPacketEqual, normalize } from "./helpers/packets.ts";

const SEED = Number(globalThis.process?.env?.FC_SEED ?? 20261204);
const RUNS = 300;

function check<T>(
  arb: fc.Arbitrary<T>,
  predicate: (v: T) => void,
  numRuns = RUNS,
) {
  try {
    fc.assert(fc.property(arb, predicate), { seed: SEED, numRuns });
  } catch (err) {
    throw new Error(
      `fast-check failed with seed ${SEED} (set FC_SEED to vary)`,
      {
        cause: err,
      },
    );
  }
}

function decodeAll(
  chunks: Uint8Array[],
  version: ProtocolVersion,
): Packet[] {
  const decoder = createPacketDecoder({ version });
  return chunks.flatMap((c) => decoder.push(c));
}

for (const version of [3, 4, 5] as const) {
  for (const [name, arb] of Object.entries(packetArbitraries(version))) {
    test(`decode(encode(p)) equals p: ${name} v${version}`, () => {
      check(arb, (packet) => {
        const bytes = encodePacket(packet, version);
        const decoded = decodeAll([bytes], version);
        assert.equal(decoded.length, 1);
        assertPacketEqual(decoded[0], packet);
      });
    });
  }

  test(`any chunking decodes the same packets: v${version}`, () => {
    const input = fc.tuple(
      fc.array(anyPacket(version), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 10 }),
    );
    check(input, ([packets, cuts]) => {
      // CONNECT resets the version a decoder learns, so keep it first.
      const ordered = [
        ...packets.filter((p) => p.type === 1).slice(0, 1),
        ...packets.filter((p) => p.type !== 1),
      ];
      const parts = ordered.map((p) => encodePacket(p, version));
      const all = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
      let o = 0;
      for (const b of parts) {
        all.set(b, o);
        o += b.length;
      }
      const offsets = [...new Set(cuts.map((c) => c % (all.length + 1)))]
        .sort((a, b) => a - b);
      const chunks: Uint8Array[] = [];
      let prev = 0;
      for (const off of [...offsets, all.length]) {
        chunks.push(all.subarray(prev, off));
        prev = off;
      }
      assert.deepStrictEqual(
        normalize(decodeAll(chunks, version)),
        normalize(decodeAll([all], version)),
      );
      assert.equal(decodeAll([all], version).length, ordered.length);
    }, 200);
  });
}
