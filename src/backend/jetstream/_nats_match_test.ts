import { test } from "node:test";
import assert from "node:assert/strict";
import { natsMatch } from "./_nats_match.ts";

test("natsMatch() follows NATS wildcard rules", () => {
  const cases: [string, string, boolean][] = [
    ["a.b", "a.b", true],
    ["a.b", "a.bc", false],
    ["a.*", "a.b", true],
    ["a.*", "a.b.c", false],
    ["a.>", "a.b.c", true],
    ["a.>", "a", false],
    [">", "a", true],
    ["*", "a", true],
    ["*", "a.b", false],
    ["*.b", "a.b", true],
    ["a.*.c", "a.x.c", true],
    ["a", "a.b", false],
    ["a.b", "a", false],
    ["/.foo", "/.foo", true],
  ];
  for (const [filter, subject, want] of cases) {
    assert.equal(natsMatch(filter, subject), want, `${filter} ${subject}`);
  }
});
