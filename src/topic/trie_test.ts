import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createTrie, type Trie } from "./trie.ts";
import { matches } from "./matches.ts";
import { MATCH_CASES } from "./_match_cases.ts";

function hits<V>(trie: Trie<string, V>, topic: string): string[] {
  const out: string[] = [];
  trie.match(topic, (key, value) => out.push(`${key}=${value}`));
  return out.sort();
}

test("createTrie() match() agrees with matches() on the table", () => {
  for (const [filter, topic, expected] of MATCH_CASES) {
    if (topic === "") continue;
    const trie = createTrie<string, number>();
    trie.add(filter, "k", 1);
    assert.deepEqual(
      hits(trie, topic),
      expected ? ["k=1"] : [],
      `${filter} ~ ${topic}`,
    );
  }
});

test("createTrie() # also matches the parent level [MQTT-4.7.1-2]", () => {
  const trie = createTrie<string, number>();
  trie.add("a/#", "k", 0);
  assert.deepEqual(hits(trie, "a"), ["k=0"]);
  assert.deepEqual(hits(trie, "a/b/c"), ["k=0"]);
  assert.deepEqual(hits(trie, "b"), []);
});

test("createTrie() leading wildcards skip $ topics [MQTT-4.7.2-1]", () => {
  const trie = createTrie<string, number>();
  trie.add("#", "all", 0);
  trie.add("+/x", "plus", 0);
  trie.add("$SYS/#", "sys", 0);
  trie.add("$SYS/+", "sys+", 0);
  assert.deepEqual(hits(trie, "$SYS/x"), ["sys+=0", "sys=0"]);
  assert.deepEqual(hits(trie, "a/x"), ["all=0", "plus=0"]);
});

test("createTrie() visits each matching (filter, key) once", () => {
  const trie = createTrie<string, number>();
  trie.add("a/b", "c1", 1);
  trie.add("a/+", "c1", 2);
  trie.add("#", "c2", 0);
  trie.add("a/b", "c2", 1);
  assert.deepEqual(hits(trie, "a/b"), ["c1=1", "c1=2", "c2=0", "c2=1"]);
});

test("createTrie() add() replaces, remove() deletes and prunes", () => {
  const trie = createTrie<string, string>();
  assert.equal(trie.add("a/+/c", "k", "v1"), true);
  assert.equal(trie.add("a/+/c", "k", "v2"), false);
  assert.equal(trie.get("a/+/c", "k"), "v2");
  assert.equal(trie.add("a/+/c", "j", "w"), true);
  assert.equal(trie.size, 2);
  assert.deepEqual(hits(trie, "a/b/c"), ["j=w", "k=v2"]);
  assert.equal(trie.remove("a/+/c", "k"), true);
  assert.equal(trie.remove("a/+/c", "k"), false);
  assert.equal(trie.remove("a/b/c", "j"), false);
  assert.equal(trie.remove("x/#", "j"), false);
  assert.deepEqual(hits(trie, "a/b/c"), ["j=w"]);
  assert.equal(trie.remove("a/+/c", "j"), true);
  assert.equal(trie.size, 0);
  assert.equal(trie.get("a/+/c", "j"), undefined);
  assert.deepEqual(hits(trie, "a/b/c"), []);
});

test("createTrie() add() throws TypeError on an invalid or shared filter", () => {
  const trie = createTrie<string, number>();
  for (const filter of ["", "a/#/b", "a+", "$share/g/a"]) {
    assert.throws(() => trie.add(filter, "k", 0), TypeError, filter);
  }
  assert.equal(trie.remove("a/#/b", "k"), false);
});

test("createTrie() handles levels whose hashes collide", () => {
  // "k32728" and "k261234" share an FNV-1a hash (so its 30-bit cut): siblings on one chain.
  const trie = createTrie<string, number>();
  for (const filter of ["k32728", "k261234", "k32728/x", "k261234/#"]) {
    trie.add(filter, filter, 0);
  }
  assert.deepEqual(hits(trie, "k32728"), ["k32728=0"]);
  assert.deepEqual(hits(trie, "k261234"), ["k261234/#=0", "k261234=0"]);
  assert.deepEqual(hits(trie, "k32728/x"), ["k32728/x=0"]);
  assert.deepEqual(hits(trie, "k261234/x"), ["k261234/#=0"]);
  assert.equal(trie.remove("k261234/#", "k261234/#"), true);
  assert.deepEqual(hits(trie, "k261234/x"), []);
  assert.deepEqual(hits(trie, "k32728/x"), ["k32728/x=0"]);
  assert.equal(trie.remove("k32728/x", "k32728/x"), true);
  assert.equal(trie.remove("k32728", "k32728"), true);
  assert.deepEqual(hits(trie, "k32728"), []);
  assert.deepEqual(hits(trie, "k261234"), ["k261234=0"]);
  assert.equal(trie.add("k32728", "again", 1), true);
  assert.deepEqual(hits(trie, "k32728"), ["again=1"]);
  assert.equal(trie.size, 2);
});

test("createTrie() keeps many siblings apart", () => {
  const trie = createTrie<string, number>();
  const levels = Array.from({ length: 2000 }, (_, i) => `l${i}`);
  for (const level of levels) trie.add(`r/${level}`, level, 0);
  for (const level of levels) {
    assert.deepEqual(hits(trie, `r/${level}`), [`${level}=0`]);
  }
  for (const level of levels) {
    assert.equal(trie.remove(`r/${level}`, level), true);
  }
  assert.equal(trie.size, 0);
});

const level = fc.constantFrom("a", "b", "", "$", "ab");
const topicArb = fc.array(level, { minLength: 1, maxLength: 4 }).map((l) =>
  l.join("/")
)
  .filter((t) => t.length > 0);
const filterArb = fc.tuple(
  fc.array(fc.constantFrom("a", "b", "", "+", "$"), {
    minLength: 1,
    maxLength: 4,
  }),
  fc.boolean(),
).map(([l, hash]) => (hash ? [...l, "#"] : l).join("/")).filter((f) =>
  f.length > 0
);

test("createTrie() match() equals matches() on random filters and topics", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(filterArb, { maxLength: 12 }),
      fc.array(fc.nat(11), { maxLength: 6 }),
      topicArb,
      (filters, removals, topic) => {
        const trie = createTrie<string, number>();
        for (const f of filters) trie.add(f, f, 0);
        const removed = new Set<string>();
        for (const r of removals) {
          if (r < filters.length) {
            trie.remove(filters[r], filters[r]);
            removed.add(filters[r]);
          }
        }
        const expected = filters.filter((f) =>
          !removed.has(f) && matches(f, topic)
        )
          .map((f) => `${f}=0`).sort();
        assert.deepEqual(hits(trie, topic), expected);
        assert.equal(trie.size, filters.length - removed.size);
      },
    ),
    { seed: 42, numRuns: 2000 },
  );
});
