/**
 * Micro-benchmark of the subscription trie's `match` (the publish hot path)
 * against a split-per-call trie, plus heap growth per match.
 *
 *   deno run --v8-flags=--expose-gc,--min-semi-space-size=128 scripts/bench_topic.ts
 *   bun scripts/bench_topic.ts
 *
 * @module
 */

import process from "node:process";
import { createTrie } from "../src/topic/mod.ts";

interface SplitNode {
  children: Map<string, SplitNode>;
  subs: string[];
}

/** The obvious design, for comparison: split the topic on every match. */
function createSplitTrie() {
  const root: SplitNode = { children: new Map(), subs: [] };
  return {
    add(filter: string, key: string) {
      let node = root;
      for (const level of filter.split("/")) {
        let next = node.children.get(level);
        if (!next) {
          node.children.set(level, next = { children: new Map(), subs: [] });
        }
        node = next;
      }
      node.subs.push(key);
    },
    match(topic: string, visit: (key: string) => void) {
      const levels = topic.split("/");
      const walk = (node: SplitNode, i: number) => {
        const multi = node.children.get("#");
        if (multi) { for (const k of multi.subs) visit(k); }
        if (i === levels.length) {
          for (const k of node.subs) visit(k);
          return;
        }
        const exact = node.children.get(levels[i]);
        if (exact) walk(exact, i + 1);
        const plus = node.children.get("+");
        if (plus) walk(plus, i + 1);
      };
      walk(root, 0);
    },
  };
}

const SUBS = 10_000;
const trie = createTrie<string, number>();
const split = createSplitTrie();
for (let i = 0; i < SUBS; i++) {
  const filter = i % 10 === 0
    ? `site/${i % 50}/+/temp`
    : i % 10 === 1
    ? `site/${i % 50}/#`
    : `site/${i % 50}/dev${i}/temp`;
  trie.add(filter, `c${i}`, 0);
  split.add(filter, `c${i}`);
}
const topics = Array.from(
  { length: 64 },
  (_, i) => `site/${i % 50}/dev${i * 7}/temp`,
);

let count = 0;
const visit = () => {
  count++;
};
const N = 2_000_000;
const gc = (globalThis as { gc?: () => void }).gc;

function run(name: string, match: (t: string) => void): void {
  for (let i = 0; i < 100_000; i++) match(topics[i & 63]);
  gc?.();
  count = 0;
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) match(topics[i & 63]);
  const ms = performance.now() - t0;
  const heap = process.memoryUsage().heapUsed - heap0;
  const rate = (N / ms / 1000).toFixed(2);
  const perMatch = (heap / N).toFixed(1);
  process.stdout.write(
    `${name}: ${rate}M matches/s, ${
      count / N
    } hits/match, ~${perMatch} heap bytes/match\n`,
  );
}

run("trie (in place)", (t) => trie.match(t, visit));
run("split per call ", (t) => split.match(t, visit));
