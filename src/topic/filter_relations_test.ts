import { test } from "node:test";
import assert from "node:assert/strict";
import { filterCovers, filtersOverlap } from "./filter_relations.ts";
import { matches } from "./matches.ts";
import { validateFilter } from "./validate.ts";

/** [outer, inner, covers]. */
const COVER_CASES: [string, string, boolean][] = [
  ["a", "a", true],
  ["a", "b", false],
  ["a/b", "a", false],
  ["a", "a/b", false],
  ["+", "a", true],
  ["a", "+", false],
  ["+", "+", true],
  ["+", "#", false],
  ["#", "a/b/c", true],
  ["#", "+/+", true],
  ["#", "#", true],
  ["+/#", "#", true],
  ["#", "+/#", true],
  ["+/+/#", "#", false],
  ["a/#", "a", true],
  ["a/#", "a/#", true],
  ["a/#", "a/+/c", true],
  ["a/+", "a/#", false],
  ["a/+/#", "a/#", false],
  ["a/+/#", "a/b", true],
  ["a/+/c", "a/b/c", true],
  ["a/+/c", "a/+/c", true],
  ["a/b/c", "a/+/c", false],
  ["a/+", "a/", true],
  ["a//b", "a/+/b", false],
  ["+/+", "/", true],
  // `/#` cannot match its parent, the empty topic [MQTT-4.7.3-1].
  ["/+/#", "/#", true],
  ["/+", "/#", false],
  // Leading wildcards never match $ topics [MQTT-4.7.2-1].
  ["#", "$SYS/uptime", false],
  ["#", "$SYS/#", false],
  ["+/uptime", "$SYS/uptime", false],
  ["$SYS/#", "$SYS/uptime", true],
  ["$SYS/+", "$SYS/uptime", true],
  ["$SYS/#", "#", false],
  ["a/#", "a/$b", true],
  ["a/+", "a/$b", true],
];

/** [a, b, overlap]. */
const OVERLAP_CASES: [string, string, boolean][] = [
  ["a", "a", true],
  ["a", "b", false],
  ["a/#", "a", true],
  ["a/#", "a/secret", true],
  ["a/+", "a/b/c", false],
  ["a/+/c", "a/b/#", true],
  ["+/b", "a/+", true],
  ["+/b", "a/c", false],
  ["#", "x/y/z", true],
  ["+", "a/b", false],
  ["a/b/#", "a", false],
  ["+", "/#", false],
  ["/", "/#", true],
  ["#", "$SYS/x", false],
  ["+/x", "$SYS/x", false],
  ["$SYS/#", "+/#", false],
  ["$SYS/#", "$SYS/+", true],
  ["a/$b", "a/+", true],
];

test("filterCovers() table [MQTT-4.7.1-2] [MQTT-4.7.2-1]", () => {
  for (const [outer, inner, expected] of COVER_CASES) {
    assert.equal(filterCovers(outer, inner), expected, `${outer} ⊇ ${inner}`);
  }
});

test("filtersOverlap() table, symmetric [MQTT-4.7.2-1]", () => {
  for (const [a, b, expected] of OVERLAP_CASES) {
    assert.equal(filtersOverlap(a, b), expected, `${a} ∩ ${b}`);
    assert.equal(filtersOverlap(b, a), expected, `${b} ∩ ${a}`);
  }
});

/** Every combination of `levels`, 1 to `max` levels, joined by `/`. */
function combine(levels: readonly string[], max: number): string[] {
  let layer = levels.slice();
  const out = layer.slice();
  for (let n = 2; n <= max; n++) {
    layer = layer.flatMap((p) => levels.map((l) => `${p}/${l}`));
    out.push(...layer);
  }
  return out;
}

test("filterCovers() and filtersOverlap() agree with exhaustive matching", () => {
  // Filters of up to 3 levels; topics of up to 4 levels, with a level no
  // filter names ("z"), so a wildcard always has something of its own.
  const filters = combine(["a", "$a", "", "+", "#"], 3).filter(validateFilter);
  const topics = combine(["a", "$a", "", "z"], 4).filter((t) => t !== "");
  const sets = filters.map((f) => topics.filter((t) => matches(f, t)));
  for (let i = 0; i < filters.length; i++) {
    const inI = new Set(sets[i]);
    for (let j = 0; j < filters.length; j++) {
      const covers = sets[j].every((t) => inI.has(t));
      const overlap = sets[j].some((t) => inI.has(t));
      const [o, n] = [filters[i], filters[j]];
      assert.equal(filterCovers(o, n), covers, `${o} ⊇ ${n}`);
      assert.equal(filtersOverlap(o, n), overlap, `${o} ∩ ${n}`);
    }
  }
});
