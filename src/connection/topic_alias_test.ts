import { test } from "node:test";
import assert from "node:assert/strict";
import { createOutboundAliases } from "./topic_alias.ts";

test("createOutboundAliases() assigns 1..maximum, then none [MQTT-3.3.2-11]", () => {
  const aliases = createOutboundAliases(2);
  assert.deepEqual({ ...aliases.lookup("a") }, { alias: 1, known: false });
  assert.deepEqual({ ...aliases.lookup("a") }, { alias: 1, known: true });
  assert.deepEqual({ ...aliases.lookup("b") }, { alias: 2, known: false });
  assert.equal(aliases.lookup("c"), undefined);
});

test("createOutboundAliases() forget() frees an alias that was never sent", () => {
  const aliases = createOutboundAliases(1);
  aliases.lookup("big");
  aliases.forget("big");
  assert.deepEqual({ ...aliases.lookup("small") }, { alias: 1, known: false });
  assert.equal(aliases.lookup("big"), undefined);
});
