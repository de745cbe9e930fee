/**
 * Random and mutated bytes give packets or an MqttError, never another
 * exception or a hang; chunking never changes the outcome.
 *
 * @module
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPacketDecoder, MqttError } from "../src/codec/mod.ts";
import { checkInput, createRandom, fuzz } from "./helpers/fuzz.ts";

const SEED = 20261204;

// ~3 s on Bun, ~6 s on Deno when idle; the timeout covers loaded CI hosts.
test("decoder survives 100k mutated vectors (seed 20261204)", {
  timeout: 60_000,
}, () => {
  assert.equal(fuzz({ seed: SEED, iterations: 100_000 }), 100_000);
});

test("decoder gives packets or MqttError for random bytes", () => {
  const rand = createRandom(SEED);
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom(3 as const, 4 as const, 5 as const),
      (bytes, version) => checkInput(bytes, version, rand),
    ),
    { seed: SEED, numRuns: 5000 },
  );
});

test("decoder rethrows its first error on later pushes", () => {
  const decoder = createPacketDecoder();
  assert.throws(() => decoder.push(new Uint8Array([0x00, 0x00])), MqttError);
  assert.throws(() => decoder.push(new Uint8Array([0xc0, 0x00])), MqttError);
});
