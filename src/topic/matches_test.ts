import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
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

/** The textbook definition, level arrays and recursion, as a reference. */
function reference(filter: string, topic: string): boolean {
  if (topic.startsWith("$") && /^[+#]/.test(filter)) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  const walk = (i: number, j: number): boolean => {
    if (i === f.length) return j === t.length;
    if (f[i] === "#") return true;
    if (j === t.length) return false;
    return (f[i] === "+" || f[i] === t[j]) && walk(i + 1, j + 1);
  };
  return walk(0, 0);
}

test("matches() agrees with a split-based reference on random input", () => {
  const level = fc.constantFrom("a", "b", "", "$", "ab");
  const topic = fc.array(level, { minLength: 1, maxLength: 5 }).map((l) =>
    l.join("/")
  )
    .filter((t) => t.length > 0);
  const filter = fc.tuple(
    fc.array(fc.constantFrom("a", "b", "", "+", "$"), {
      minLength: 1,
      maxLength: 5,
    }),
    fc.boolean(),
  ).map(([l, hash]) => (hash ? [...l, "#"] : l).join("/")).filter((f) =>
    f.length > 0
  );
  fc.assert(
    fc.property(filter, topic, (f, t) => {
      assert.equal(matches(f, t), reference(f, t), `${f} ~ ${t}`);
    }),
    { seed: 11, numRuns: 5000 },
  );
});
