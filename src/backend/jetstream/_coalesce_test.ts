import { test } from "node:test";
import assert from "node:assert/strict";
import { coalesce } from "./_coalesce.ts";

const tick = () => new Promise<void>((r) => queueMicrotask(r));

test("coalesce() runs the work once per burst of calls", async () => {
  let runs = 0;
  const schedule = coalesce(() => runs++);
  schedule();
  schedule();
  schedule();
  assert.equal(runs, 0);
  await tick();
  assert.equal(runs, 1);
  schedule();
  await tick();
  assert.equal(runs, 2);
});
