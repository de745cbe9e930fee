import { test } from "node:test";
import assert from "node:assert/strict";
import { createShutdownGroup } from "./shutdown_group.ts";

test("createShutdownGroup() runs every callback still added, once, on abort", () => {
  const root = new AbortController();
  const group = createShutdownGroup(root.signal);
  const calls: string[] = [];
  group.add(() => calls.push("a"));
  const removeB = group.add(() => calls.push("b"));
  group.add(() => calls.push("c"));
  removeB();
  root.abort();
  root.abort();
  assert.deepEqual(calls, ["a", "c"]);
});

test("createShutdownGroup() runs a callback added after the abort at once", () => {
  const root = new AbortController();
  const group = createShutdownGroup(root.signal);
  root.abort();
  let called = 0;
  const remove = group.add(() => called++);
  remove();
  assert.equal(called, 1);
});

test("createShutdownGroup() lets a callback remove another during the abort", () => {
  const root = new AbortController();
  const group = createShutdownGroup(root.signal);
  const calls: string[] = [];
  let removeB = (): void => {};
  group.add(() => {
    calls.push("a");
    removeB();
  });
  removeB = group.add(() => calls.push("b"));
  root.abort();
  // The snapshot taken at abort still runs "b": closing is idempotent.
  assert.deepEqual(calls, ["a", "b"]);
});
