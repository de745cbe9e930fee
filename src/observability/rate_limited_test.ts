import { test } from "node:test";
import assert from "node:assert/strict";
import type { LogFields } from "./types.ts";
import { rateLimited } from "./rate_limited.ts";

test("rateLimited() writes once per interval and counts what it dropped", () => {
  const lines: [string, LogFields | undefined][] = [];
  let t = 5;
  const warn = rateLimited((m, f) => lines.push([m, f]), {
    intervalMs: 100,
    now: () => t,
  });
  warn("a", { x: 1 });
  warn("b");
  t = 104;
  warn("c");
  t = 105;
  warn("d", { x: 2 });
  t = 205;
  warn("e");
  assert.deepEqual(lines, [
    ["a", { x: 1 }],
    ["d", { x: 2, suppressed: 2 }],
    ["e", undefined],
  ]);
});
