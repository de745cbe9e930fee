import { test } from "node:test";
import assert from "node:assert/strict";
import { natsHash } from "./nats_hash.ts";

test("natsHash() is bit-identical to nats-server", () => {
  assert.equal(natsHash("sub"), "ZCesaM56");
  assert.equal(natsHash("victim"), "RZTTMeVv");
});

test("natsHash() reproduces a real collision", () => {
  assert.equal(natsHash("cid-03579431"), "1fbmU9bb");
  assert.equal(natsHash("cid-09191235"), "1fbmU9bb");
});

test("natsHash() yields 8 characters of 0-9A-Za-z", () => {
  for (const name of ["", "é", "😀", "a".repeat(1000)]) {
    assert.match(natsHash(name), /^[0-9A-Za-z]{8}$/);
  }
});
