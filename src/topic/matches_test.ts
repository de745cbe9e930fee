import { test } from "node:test";
import assert from "node:assert/strict";
import { matches } from "./matches.ts";
import { MATCH_CASES } from "./_match_cases.ts";

test("matches() matches levels, + and # [MQTT-4.7.1-2] [MQTT-4.7.1-3]", () => {
  for (const [filter, topic, expected] of MATCH_CASES) {
    if (topic === "") continue;
    assert.equal(matches(filter, topic), expected, `${filter} ~ ${topic}`);
  }
});

test("matches() keeps leading wildcards off $ topics [MQTT-4.7.2-1]", () => {
  assert.equal(matches("#", "$x"), false);
  assert.equal(matches("+/#", "$x/y"), false);
  assert.equal(matches("$x/#", "$x"), true);
});
